"""Load from a second process: wrk, POSTing one body, a new document per request, or a
rotation of different documents."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass

# Each wrk thread numbers its requests; `setup` gives every thread its own prefix, so no
# two requests of a run carry the same document (no response cache can answer them).
COUNTER = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("prefix", threads)
end
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(TEMPLATE, prefix, n))
end
"""
# Each request the next body of a list, every thread from its own place in it: genuinely
# different questions (tables, filters), not only renamed aliases.
ROTATION = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {BODIES}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("start", threads * 7)
end
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[1 + (start + n) % #bodies])
end
"""
FIXED = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = BODY
"""


@dataclass(frozen=True, slots=True)
class Result:
    requests_per_second: float
    p50: str
    p99: str
    non_2xx: int
    errors: int


def _lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def counter_template(query_with_alias: str) -> str:
    """A JSON body template: %d twice in the query's alias, e.g. ``a%d_%d: statistics``."""
    return json.dumps({"query": query_with_alias})


def run(
    url: str,
    *,
    seconds: int,
    body: str | None = None,
    template: str | None = None,
    bodies: list[str] | None = None,
    connections: int = 32,
) -> Result:
    if bodies is not None:
        script = ROTATION.replace("{BODIES}", "{" + ", ".join(map(_lua_string, bodies)) + "}")
    elif template is not None:
        script = COUNTER.replace("TEMPLATE", _lua_string(template))
    else:
        script = FIXED.replace("BODY", _lua_string(body or "{}"))
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        file.write(script)
        file.flush()
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", file.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def found(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, out)
        return match.group(1) if match else default

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return Result(
        requests_per_second=float(found(r"Requests/sec:\s+([\d.]+)")),
        p50=found(r"\s50%\s+(\S+)", "?"),
        p99=found(r"\s99%\s+(\S+)", "?"),
        non_2xx=int(found(r"Non-2xx or 3xx responses:\s+(\d+)")),
        errors=sum(int(g) for g in socket_errors.groups()) if socket_errors else 0,
    )
