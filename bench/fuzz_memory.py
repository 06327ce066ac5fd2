"""Memory under fuzzing: schemathesis documents against `jointcode serve` for a while
(default 20 minutes), one role after another, sampling the service's RSS.

Every document is generated from ``schema/schema.graphql`` (every query and mutation,
valid and awkward arguments), so the service sees thousands of distinct documents, names
and variables: what fills per-process caches if anything is unbounded. Reports requests,
server errors (the aim is 0) and RSS over time (the aim: flat after warm-up).

Run: ``make bench-fuzz-memory`` or ``python -m bench.fuzz_memory [--minutes 20]``
(``DATABASE_URL`` or an embedded server, on the small demo, as ``bench.soak``).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from collections.abc import Callable

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from prometheus_client.parser import text_string_to_metric_families

from bench.officer import _rss_mb, start_service
from schema import SDL_PATH

ROLES = ("anonymous", "officer lantern", "party_admin lantern", "committee", "admin")


class Enough(Exception):
    """The role's turn is over (raised out of hypothesis, which then stops generating)."""


def _caches(url: str) -> str:
    """What the service's bounded caches hold, from its /metrics."""
    text = httpx.get(url.replace("/graphql", "/metrics"), timeout=10).text
    found = {
        family.name: family.samples[0].value
        for family in text_string_to_metric_families(text)
        if family.name in ("jointcode_public_cache_bytes", "jointcode_public_cache_entries")
    }
    return (
        f"public cache {found.get('jointcode_public_cache_entries', 0):.0f} answers, "
        f"{found.get('jointcode_public_cache_bytes', 0) / 1e6:.1f} MB"
    )


def _turn(
    client: httpx.Client,
    url: str,
    strategy: object,
    headers: dict[str, str],
    until: float,
    seen: Callable[[int], None],
) -> None:
    """Send generated documents as one role until ``until``."""

    @settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=strategy)
    def send(case: schemathesis.Case) -> None:
        response = client.post(url, json={"query": case.body}, headers=headers)
        seen(response.status_code)
        if time.monotonic() >= until:
            raise Enough

    try:
        send()
    except Enough:
        pass


def fuzz(url: str, tokens: dict[str, str | None], *, seconds: float, turn: float, pid: int) -> None:
    strategy = schemathesis.graphql.from_path(str(SDL_PATH)).as_strategy()
    statuses: Counter[str] = Counter()
    rss: list[tuple[float, str]] = [(0.0, _rss_mb(pid))]
    started = time.monotonic()
    next_sample = [30.0]

    def seen(status: int) -> None:
        statuses[f"{status // 100}xx"] += 1
        elapsed = time.monotonic() - started
        if elapsed >= next_sample[0]:
            rss.append((elapsed, _rss_mb(pid)))
            print(f"  {elapsed:5.0f} s  RSS {rss[-1][1]}  {_caches(url)}  {dict(statuses)}",
                  flush=True)  # fmt: skip
            next_sample[0] += 30

    with httpx.Client(timeout=60) as client:
        while time.monotonic() - started < seconds:
            for role in ROLES:
                token = tokens[role]
                headers = {"authorization": f"Bearer {token}"} if token else {}
                until = min(time.monotonic() + turn, started + seconds)
                _turn(client, url, strategy, headers, until, seen)
                if time.monotonic() - started >= seconds:
                    break
    rss.append((time.monotonic() - started, _rss_mb(pid)))
    total = sum(statuses.values())
    print(f"fuzzing: {time.monotonic() - started:.0f} s, {total} requests, {dict(statuses)}")
    print("RSS over time: " + ", ".join(f"{t:.0f} s {m}" for t, m in rss))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--turn", type=float, default=60, help="seconds per role in turn")
    args = parser.parse_args()
    process, url, printed = start_service(1)
    try:
        tokens: dict[str, str | None] = {"anonymous": None}
        for role in ROLES[1:]:
            found = re.search(rf"^\s*{role}\s+(\S+)", printed, re.MULTILINE)
            if found is None:
                raise SystemExit(f"no {role} token in:\n{printed}")
            tokens[role] = found.group(1)
        fuzz(url, tokens, seconds=args.minutes * 60, turn=args.turn, pid=process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
