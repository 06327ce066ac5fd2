"""Officer traffic under load: parallel reads of a full page of cases while a writer steps
cases through the workflow. Every answer is checked; p50/p99 and RSS are reported.

Run: ``make bench-officer`` (starts ``jointcode serve`` on the demo data: ``DATABASE_URL``
if set, else an embedded server in ``.cache/bench-officer``; ``JOINTCODE_DEMO_PROFILE``
picks the caseload, default ``small``), or against a running service:
``python -m bench.officer --url http://127.0.0.1:8000/graphql --token jc_…``.
Each read is ``cases(first: 100)`` with every field, history and reads, as a party's
case-management system syncing would ask; the writer submits a case, triages it, starts
the assessment and decides it, again and again, while the reads run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

READ = """{ cases(first: 100) { totalCount edges { node {
  id reference state version receivedOn provisions channel respondentRole targetRole
  characteristics formsOfHate summary allowedNextSteps repeatRespondent
  deadlines { name dueOn status }
  history(first: 50) { totalCount edges { node { seq action actor changes { field } } } }
  reads(first: 5) { totalCount } } } } }"""
SUBMIT = """mutation($input: SubmitCaseInput!) { submitCase(input: $input) {
  case { id version } errors { code message } } }"""
TRIAGE = """mutation($input: TriageCaseInput!) { triageCase(input: $input) {
  case { id version } errors { code message } } }"""
START = """mutation($input: StartAssessmentInput!) { startAssessment(input: $input) {
  case { id version } errors { code message } } }"""
DECIDE = """mutation($input: DecideCaseInput!) { decideCase(input: $input) {
  case { id version state } errors { code message } } }"""


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    other: dict[str, int] = field(default_factory=dict)

    def add(self, took: float, outcome: str) -> None:
        self.times.append(took)
        if outcome != "ok":
            self.other[outcome] = self.other.get(outcome, 0) + 1

    def line(self, name: str) -> str:
        times = sorted(self.times)
        if not times:
            return f"{name}: none"

        def pct(p: float) -> float:
            return times[min(len(times) - 1, int(p * len(times)))]

        ok = len(times) - sum(self.other.values())
        return (f"{name}: correct {ok}/{len(times)}, p50 {pct(0.5):.2f} s, p99 {pct(0.99):.2f} s, "
                f"worst {times[-1]:.2f} s, other: {self.other or 'none'}")  # fmt: skip


def _outcome(response: httpx.Response, check: Any = None) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} not JSON"
    if response.status_code != 200 or body.get("errors"):
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
        return f"{response.status_code} {','.join(sorted(map(str, codes)))}"
    if check is not None and not check(body["data"]):
        return "200 wrong answer"
    return "ok"


def _page_is_right(data: dict[str, Any]) -> bool:
    cases = data["cases"]
    edges = cases["edges"]
    return len(edges) == min(100, cases["totalCount"]) and all(
        e["node"]["id"] and e["node"]["reference"] and e["node"]["history"]["totalCount"] >= 1
        for e in edges
    )


async def _reads(client: httpx.AsyncClient, url: str, parallel: int) -> Tally:
    tally = Tally()

    async def one() -> None:
        started = time.perf_counter()
        response = await client.post(url, json={"query": READ})
        tally.add(time.perf_counter() - started, _outcome(response, _page_is_right))

    await asyncio.gather(*(one() for _ in range(parallel)))
    return tally


async def _writer(client: httpx.AsyncClient, url: str, stop: asyncio.Event, tally: Tally) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        payload: dict[str, Any] = {"reference": f"BENCH-{os.getpid()}-{time.time_ns()}-{n}",
                                   "receivedOn": "2026-03-02", "provisions": ["JC6"],
                                   "channel": "social_x", "respondentRole": "member"}  # fmt: skip
        steps: list[tuple[str, str, dict[str, Any]]] = [
            (SUBMIT, "submitCase", payload),
            (TRIAGE, "triageCase", {"inScope": True, "triagedOn": "2026-03-03"}),
            (START, "startAssessment", {"startedOn": "2026-03-03"}),
            (DECIDE, "decideCase", {"findings": [{"provision": "JC6", "proven": True}],
                                    "sanction": "advice", "decidedOn": "2026-03-04"}),
        ]  # fmt: skip
        case: dict[str, Any] | None = None
        for document, name, values in steps:
            variables = (
                values
                if case is None
                else {"id": case["id"], "expectedVersion": case["version"], **values}
            )
            started = time.perf_counter()
            response = await client.post(url, json={"query": document,
                                                    "variables": {"input": variables}})  # fmt: skip
            outcome = _outcome(response)
            if outcome == "ok" and response.json()["data"][name]["errors"]:
                outcome = "user error " + response.json()["data"][name]["errors"][0]["code"]
            tally.add(time.perf_counter() - started, outcome)
            if outcome != "ok":
                break
            case = response.json()["data"][name]["case"]


NODE = "query($id: ID!) { node(id: $id) { id } }"
ONE_CASE = """query($id: ID!) { node(id: $id) { ... on Case {
  history(first: 100) { totalCount edges { node { seq action actor changes { field } } } }
  reads(first: 1) { totalCount } } } }"""


async def _one_case_read(client: httpx.AsyncClient, url: str, times: int) -> None:
    """A case read `times` times: its history (changes) must not grow; its read count must
    grow by exactly the reads made."""
    first = await client.post(url, json={"query": "{ cases(first: 1) { edges { node { id } } } }"})
    case_id = first.json()["data"]["cases"]["edges"][0]["node"]["id"]

    async def look() -> dict[str, Any]:
        response = await client.post(url, json={"query": ONE_CASE, "variables": {"id": case_id}})
        return dict(response.json()["data"]["node"])

    before = await look()
    turns = asyncio.Semaphore(20)

    async def read() -> None:
        async with turns:
            response = await client.post(url, json={"query": NODE, "variables": {"id": case_id}})
            response.raise_for_status()

    await asyncio.gather(*(read() for _ in range(times)))
    after = await look()
    size = (len(json.dumps(before["history"])), len(json.dumps(after["history"])))
    entries = (before["history"]["totalCount"], after["history"]["totalCount"])
    counted = (before["reads"]["totalCount"], after["reads"]["totalCount"])
    print(
        f"one case read {times} times: history {size[0]} -> {size[1]} bytes "
        f"({entries[0]} -> {entries[1]} entries), reads counted {counted[0]} -> {counted[1]}"
    )


def _rss_mb(pid: int | None) -> str:
    if pid is None:
        return "unknown (not started here)"
    root = psutil.Process(pid)
    tree = [root, *root.children(recursive=True)]  # the workers too, with --workers
    rss = sum(p.memory_info().rss for p in tree if "postgres" not in p.name())
    return f"{rss / 1e6:.0f} MB"


async def run(url: str, token: str, levels: list[int], pid: int | None) -> None:
    headers = {"authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=max(levels) + 5)
    async with httpx.AsyncClient(headers=headers, timeout=180, limits=limits) as client:
        for parallel in levels:
            before = _rss_mb(pid)
            stop, writes = asyncio.Event(), Tally()
            writer = asyncio.create_task(_writer(client, url, stop, writes))
            started = time.perf_counter()
            reads = await _reads(client, url, parallel)
            took = time.perf_counter() - started
            stop.set()
            await writer
            print(f"{parallel} parallel readers ({took:.1f} s, RSS {before} -> {_rss_mb(pid)})")
            print("  " + reads.line("reads"))
            print("  " + writes.line("writer steps"))
        await _one_case_read(client, url, 1000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_service(workers: int) -> tuple[subprocess.Popen[bytes], str, str]:
    process, url, printed = start_service(workers)
    found = re.search(r"officer lantern\s+(\S+)", printed)
    if found is None:
        process.terminate()
        raise SystemExit(f"no officer token in:\n{printed}")
    return process, url, found.group(1)


def start_service(workers: int = 1) -> tuple[subprocess.Popen[bytes], str, str]:
    """`jointcode demo` (its printed tokens returned), then `jointcode serve` on a free
    port, ready; returns the process, the /graphql URL and what `demo` printed."""
    """`jointcode demo` for a token, then `jointcode serve` on a free port."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "JOINTCODE_RATE_ANONYMOUS": "", "JOINTCODE_LOG_LEVEL": "warning"}
    env.setdefault("JOINTCODE_DEMO_PROFILE", "small")
    env.setdefault("JOINTCODE_DATA_DIR", ".cache/bench-officer")
    env["JOINTCODE_PORT"] = str(_free_port())
    env["JOINTCODE_WORKERS"] = str(workers)
    printed = subprocess.run([bin_dir / "jointcode", "demo"], env=env, check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
    process = subprocess.Popen([bin_dir / "jointcode", "serve"], env=env)
    url = f"http://127.0.0.1:{env['JOINTCODE_PORT']}"
    for _ in range(600):
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                return process, url + "/graphql", printed
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("jointcode serve did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running service's /graphql (default: start one)")
    parser.add_argument("--token", help="an officer token of that service")
    parser.add_argument("--parallel", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--workers", type=int, default=1, help="worker processes to start")
    args = parser.parse_args()
    if args.url:
        if not args.token:
            parser.error("--url needs --token")
        asyncio.run(run(args.url, args.token, args.parallel, None))
        return
    process, url, token = _start_service(args.workers)
    try:
        asyncio.run(run(url, token, args.parallel, process.pid))
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
