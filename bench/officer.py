"""Officer traffic: what one page of 100 cases costs, and parallel reads under a writer.

Run: ``make bench-officer``. It starts ``jointcode serve`` (one worker) on the demo data
(``JOINTCODE_DEMO_PROFILE``, default ``small``) in a fresh database on
``BENCH_DATABASE_URL`` / ``TEST_DATABASE_URL``'s server, else on an embedded server of
its own, and prints in one run:

1. **CPU per page**: ``cases(first: 100)`` with every field, history and reads, as a
   party's case-management system syncing would ask, read one at a time; the service's
   CPU (user + system, from /proc) per page, next to its wall time.
2. **The raw SQL**: the same page's queries (the cases, their count, their histories,
   who read them and how often, the repeat counts) sent straight through asyncpg, no
   ORM, no GraphQL, no HTTP: what the database and the driver cost, and the ratio.
3. **Parallel readers** (50 and 200) while a writer submits, triages, assesses and
   decides cases: p50/p99, errors, the service's RSS. Every answer is checked.

The aims (issue 26, this 2-core machine): at most 25 ms of CPU a page; 50 parallel p99
at most 1.5 s; 200 parallel p99 at most 8 s with no error. Or against a running service
(CPU per page and the raw SQL left out): ``python -m bench.officer --url
http://127.0.0.1:8000/graphql --token jc_…``.
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

from bench.common import fresh_database, server, with_keys
from db.audit import ENTRY_COLUMNS

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
    # new connections: the readers' idle ones may be closed by the server's keep-alive
    # timeout (5 s) just as they are reused, which a client sees as a read error
    async with httpx.AsyncClient(headers=headers, timeout=180) as client:
        await _one_case_read(client, url, 1000)


PAGE_SQL = {
    "cases": "SELECT * FROM cases WHERE party_id = $1 ORDER BY received_on DESC, id DESC LIMIT 101",
    "count": "SELECT count(*) FROM cases WHERE party_id = $1",
    "histories": f"SELECT {ENTRY_COLUMNS} FROM audit_entries "
    "WHERE party_id = $2 AND subject_ids && $1::uuid[] ORDER BY seq",
    # the party's condition written out, as row-level security adds it for the service
    "reads": "SELECT k.case_id, r.id, r.at, r.actor, r.actor_role "
    "FROM unnest($1::uuid[]) AS k(case_id) CROSS JOIN LATERAL (SELECT id, at, actor, "
    "actor_role FROM case_reads WHERE party_id = $2 AND case_id = k.case_id "
    "ORDER BY id DESC LIMIT 6) r",
    "read counts": "SELECT k.case_id, coalesce(f.n, 0) + (SELECT count(*) FROM case_reads r "
    "WHERE r.party_id = $2 AND r.case_id = k.case_id "
    "AND r.xid >= (SELECT upto FROM case_read_fold)) AS n "
    "FROM unnest($1::uuid[]) AS k(case_id) LEFT JOIN case_read_counts f USING (case_id)",
    "repeats": "SELECT respondent_pseudonym, count(*) FROM cases WHERE party_id = $1 AND "
    "respondent_pseudonym = ANY($2::text[]) GROUP BY respondent_pseudonym",
}


async def raw_sql_ms(owner_url: str, party_slug: str, pages: int = 20) -> float:
    """The page's queries, one after another as the service sends them, straight through
    asyncpg (no ORM, no GraphQL, no HTTP): median wall time of a page, in ms."""
    import asyncpg

    connection = await asyncpg.connect(owner_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        party = await connection.fetchval("SELECT id FROM parties WHERE slug = $1", party_slug)
        times = []
        for _ in range(pages + 3):
            started = time.perf_counter()
            async with connection.transaction():
                cases = await connection.fetch(PAGE_SQL["cases"], party)
                ids = [c["id"] for c in cases[:100]]
                await connection.fetchval(PAGE_SQL["count"], party)
                await connection.fetch(PAGE_SQL["histories"], ids, party)
                await connection.fetch(PAGE_SQL["reads"], ids, party)
                await connection.fetch(PAGE_SQL["read counts"], ids, party)
                pseudonyms = [c["respondent_pseudonym"] for c in cases if c["respondent_pseudonym"]]
                await connection.fetch(PAGE_SQL["repeats"], party, pseudonyms)
            times.append((time.perf_counter() - started) * 1000)
        return sorted(times[3:])[len(times[3:]) // 2]
    finally:
        await connection.close()


async def _analyze(owner_url: str) -> None:
    """Fresh planner statistics, as autovacuum keeps them in a service that has run a
    while: the access log grows by 100 rows a page here, and with statistics of an empty
    table the reads' query sorted every read of each case (90 ms instead of 1 ms)."""
    import asyncpg

    connection = await asyncpg.connect(owner_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def _cpu_seconds(pid: int) -> float:
    root = psutil.Process(pid)
    tree = [root, *root.children(recursive=True)]
    return sum(
        t.user + t.system for t in (p.cpu_times() for p in tree if "postgres" not in p.name())
    )


async def cpu_per_page(url: str, token: str, pid: int, pages: int = 30) -> tuple[float, float]:
    """Pages read one at a time: the service's CPU and the wall time of a page, in ms
    (medians of three rounds)."""
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        for _ in range(5):  # warm: parsed documents, prepared statements, pools
            response = await client.post(url, json={"query": READ})
            if _outcome(response, _page_is_right) != "ok":
                raise SystemExit(f"the page is not right: {response.text[:300]}")
        cpu, wall = [], []
        for _ in range(3):
            before, started = _cpu_seconds(pid), time.perf_counter()
            for _ in range(pages):
                await client.post(url, json={"query": READ})
            wall.append((time.perf_counter() - started) * 1000 / pages)
            cpu.append((_cpu_seconds(pid) - before) * 1000 / pages)
    return sorted(cpu)[1], sorted(wall)[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(
    workers: int = 1, database_url: str | None = None
) -> tuple[subprocess.Popen[bytes], str, str]:
    """`jointcode demo` on this database (else ``DATABASE_URL``, else an embedded server
    in ``.cache/bench-officer``; its printed tokens returned), then `jointcode serve` on a
    free port, ready; returns the process, the /graphql URL and what `demo` printed."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "JOINTCODE_RATE_ANONYMOUS": "", "JOINTCODE_LOG_LEVEL": "warning",
           "JOINTCODE_SCHEDULER": "off"}  # fmt: skip
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    env.setdefault("JOINTCODE_DEMO_PROFILE", "small")
    env.setdefault("JOINTCODE_DATA_DIR", ".cache/bench-officer")
    env["JOINTCODE_PORT"] = str(_free_port())
    env["JOINTCODE_WORKERS"] = str(workers)
    if env.get("DATABASE_URL"):  # production's rule: the keys are made on purpose, once
        env = with_keys(env, env["JOINTCODE_DATA_DIR"] + "-keys")
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


def officer_token(printed: str) -> str:
    found = re.search(r"officer lantern\s+(\S+)", printed)
    if found is None:
        raise SystemExit(f"no officer token in:\n{printed}")
    return found.group(1)


AIM_CPU_MS = 25.0


async def measure(database_url: str, levels: list[int], workers: int) -> None:
    process, url, printed = start_service(workers, database_url)
    token = officer_token(printed)
    try:
        await _analyze(database_url)
        cpu, wall = await cpu_per_page(url, token, process.pid)
        await _analyze(database_url)
        raw = await raw_sql_ms(database_url, "lantern")
        print(f"one page of 100 cases, every field (one at a time, {workers} worker(s)):")
        print(f"  jointcode: {cpu:.1f} ms of CPU a page ({wall:.1f} ms wall), aim <= "
              f"{AIM_CPU_MS:.0f} ms: ratio to the aim {cpu / AIM_CPU_MS:.2f}")  # fmt: skip
        print(f"  the same page's queries straight through asyncpg: {raw:.1f} ms wall; "
              f"jointcode's CPU / the raw SQL's time: {cpu / raw:.1f}")  # fmt: skip
        await run(url, token, levels, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


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
    with server() as server_url:

        async def fresh() -> None:
            async with fresh_database(server_url, "jointcode_bench_officer") as owner:
                await measure(owner, args.parallel, args.workers)

        asyncio.run(fresh())


if __name__ == "__main__":
    main()
