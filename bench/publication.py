"""Benchmark: releases over 1,000,000 cases, and the public answer side by side.

    make bench-publication     # or: .venv/bin/python -m bench.publication [--reuse]

1. A database gets 10 parties and 1,000,000 final cases (100,000 each), generated in SQL
   as the owner (not what is measured); ``--reuse`` keeps it for the next run.
2. Times ``preview_release`` and ``publish_release`` for the first party (the real domain
   calls, as ``jointcode demo`` makes them) and reports the share held back over all;
   times the Committee summary over HTTP.
3. The issue's table, rerun in one run: the same public answer (PARTY + YEAR + FAMILY,
   120 cells) from jointcode (one worker; response cache on, then off), from Starlette +
   asyncpg running the on-demand SQL (``bench.ondemand``: a GROUP BY over the class rows,
   as jointcode answered before the stored tables), from Starlette serving the answer as
   a fixed body, and from PostGraphile 4 (installed from npm into ``.bench/``) on that
   SQL and on the stored table. Each answer is checked to be the same cells first. wrk
   (2 threads, 32 connections, POST) for ``--seconds`` per service and ``--rounds``
   rounds, every service in turn each round; prints the table and the two ratios the
   issue aims at. Needs wrk, node and npm on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

import codes
from bench import load, ondemand, postgraphile
from bench.common import OPERATOR, fresh_database, server, with_keys
from db.session import Database, make_engine, run_autocommit
from migrations import migrate
from parties import service as party_service
from parties import tokens
from parties.tokens import Role
from publication import releases
from publication import statistics as public_statistics

REUSED = "jointcode_bench_publication"

GENERATE = text(
    """
    INSERT INTO cases (party_id, reference, code_version, received_on, provisions, channel,
      respondent_role, target_role, forms_of_hate, characteristics, state, findings, sanction,
      decided_on, severity_level, acknowledged_on, triaged_on, acknowledge_due, triage_due,
      decide_due, appeal_window_ends, finalised_on, version)
    SELECT :party, 'B-' || g, '1', d - 40,
      ARRAY[(ARRAY['JC6','JC6','JC1','JC4','JC10','JC2','JC7','JC9'])[1 + (g * 7 % 8)]],
      (ARRAY['social_x','social_facebook','email','messaging','in_person_hustings','phone'])
        [1 + (g * 11 % 6)],
      (ARRAY['member','member','candidate','elected_representative','volunteer'])
        [1 + (g * 13 % 5)],
      'candidate',
      CASE WHEN g % 9 = 0 THEN ARRAY['misogyny'] WHEN g % 13 = 0 THEN ARRAY['antisemitism']
           ELSE '{}' END,
      CASE WHEN g % 9 = 0 THEN ARRAY['sex'] WHEN g % 13 = 0 THEN ARRAY['religion_belief']
           ELSE '{}' END,
      'final', '{}'::jsonb,
      (ARRAY['advice','advice','formal_warning','mandatory_training','suspension'])
        [1 + (g * 17 % 5)],
      d, 1 + (g * 19 % 3), d - 38, d - 30, d - 35, d - 26, d + 50, d + 21, d + 22, 5
    FROM generate_series(1, :n) AS g,
         LATERAL (SELECT date '2025-01-15' + (g * 31 % 600) AS d) AS dates
    """
)


def _serve(owner_url: str, port: int, *, cache: bool, workers: int = 1) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=owner_url,
        JOINTCODE_PORT=str(port),
        JOINTCODE_LOG_LEVEL="warning",
        JOINTCODE_PUBLIC_CACHE_ENTRIES="2048" if cache else "0",
        JOINTCODE_RATE_ANONYMOUS="",  # one load generator on one address: measure, not limit
        JOINTCODE_WORKERS=str(workers),
    )
    env = with_keys(env, ".cache/bench-publication-keys")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "jointcode"), "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


async def _setup(owner: str, parties: int, per_party: int) -> tuple[list, str]:
    owner_db = Database(make_engine(owner, pool_size=1))
    party_ids = []
    try:
        for n in range(parties):
            async with owner_db.transaction(actor=OPERATOR) as session:
                party = await party_service.register_party(
                    session=session,
                    slug=f"bench-{n}",
                    name=f"Bench Party {n}",
                    adopted_on=date(2025, 1, 1),
                    membership=20_000 + 5_000 * n,
                )
            party_ids.append(party.id)
            async with owner_db.transaction() as session:
                await session.execute(GENERATE, {"party": party.id, "n": per_party})
        async with owner_db.transaction(actor=OPERATOR) as session:
            committee = await tokens.issue_token(session=session, role=Role.COMMITTEE)
    finally:
        await owner_db.dispose()
    return party_ids, committee.secret


async def _publish_all(owner: str, party_ids: list) -> None:
    # as `jointcode demo` does; a whole 100,000-outcome party at once outlasts 10 s
    db = Database(make_engine(owner, pool_size=2, statement_timeout_ms=600_000), operator=True)
    held = released = 0
    try:
        started = time.perf_counter()
        async with db.transaction(actor=OPERATOR) as session:
            # the figures are editions of closed quarters (0027), and records follow the
            # first edition after their year ends (0031): the operator stands in for the
            # calendar, with the quarter of the generated outcomes' finalisation
            newest = await session.scalar(text("SELECT max(finalised_on) FROM cases"))
            await public_statistics.publish_edition(
                session=session, edition=public_statistics.quarter_of(newest)
            )
        print(f"the statistics' edition: {time.perf_counter() - started:.2f} s")
        for index, party_id in enumerate(party_ids):
            started = time.perf_counter()
            async with db.transaction(party_id=party_id, actor=OPERATOR) as session:
                preview = await releases.preview_release(session=session, party_id=party_id)
            previewed = time.perf_counter()
            async with db.transaction(party_id=party_id, actor=OPERATOR) as session:
                await releases.publish_release(
                    session=session, party_id=party_id, preview_id=preview.preview.id
                )
            published = time.perf_counter()
            held += preview.preview.held_back_count
            released += preview.preview.record_count
            if index == 0:
                print(
                    f"party 1: preview {previewed - started:.2f} s, publish "
                    f"{published - previewed:.2f} s for "
                    f"{preview.preview.record_count + preview.preview.held_back_count:,} "
                    f"outcomes; levels {preview.plan.levels}"
                )
        total = held + released
        print(f"all parties: released {released:,}, held back {held:,} ({held / total:.2%})")
    finally:
        await db.dispose()


def _committee_latency(port: int, secret: str, requests: int = 40) -> tuple[float, float]:
    timings = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(requests):
            started = time.perf_counter()
            response = client.post(
                "/graphql",
                json={
                    "query": '{ committeeSummary(period: "2026") '
                    "{ parties { party received { value } } } }"
                },
                headers={"authorization": f"Bearer {secret}"},
            )
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


REPEATED = json.dumps(
    {"query": "{ statistics(groupBy: [PARTY, YEAR, FAMILY]) { party year family count } }"}
)
OWN_DOCUMENT = load.counter_template(
    "{ a%d_%d: statistics(groupBy: [PARTY, YEAR, FAMILY]) { party year family count } }"
)
# genuinely different questions: other tables, other filters (each its own SQL and cells)
QUESTIONS = [
    json.dumps({"query": f"{{ statistics(groupBy: [{dims}]{where}) {{ {fields} count }} }}"})
    for dims, fields, where in [
        ("PARTY, YEAR, FAMILY", "party year family", ""),
        ("PARTY, YEAR, FAMILY", "party year family", ", filter: {year: 2025}"),
        ("PARTY, YEAR, FAMILY", "party year family", ', filter: {party: "bench-3"}'),
        ("PARTY, YEAR", "party year", ""),
        ("PARTY, YEAR", "party year", ', filter: {party: "bench-7"}'),
        ("PARTY, SEVERITY", "party severity", ""),
        ("PARTY, SEVERITY", "party severity", ', filter: {party: "bench-1"}'),
        ("PARTY, SANCTION_BAND", "party sanctionBand", ""),
        ("PARTY, CHANNEL_GROUP", "party channelGroup", ""),
        ("PARTY, QUARTER", "party quarter", ""),
        ("YEAR, CHANNEL", "year channel", ""),
        ("YEAR, CHANNEL", "year channel", ", filter: {year: 2025}"),
        ("YEAR, FAMILY", "year family", ""),
        ("YEAR, SEVERITY", "year severity", ", filter: {year: 2025}"),
        ("YEAR, PROVISION", "year provision", ""),
        ("QUARTER", "quarter", ""),
        ("SANCTION_BAND", "sanctionBand", ""),
        ("SANCTION", "sanction", ""),
        ("CHANNEL", "channel", ""),
        ("FAMILY", "family", ""),
    ]
]
POSTGRAPHILE_DOCUMENT = load.counter_template(
    "{ a%d_%d: partyYearFamilyList { party year family count } }"
)
POSTGRAPHILE_STORED = load.counter_template(
    "{ a%d_%d: storedPartyYearFamilyList { party year family count } }"
)


@dataclass
class Line:
    label: str
    runs: list[load.Result] = field(default_factory=list)

    @property
    def best(self) -> float:
        return max(r.requests_per_second for r in self.runs)

    def row(self) -> str:
        rates = sorted(r.requests_per_second for r in self.runs)
        low, high = f"{rates[0]:,.0f}", f"{rates[-1]:,.0f}"
        shown = low if low == high else f"{low} to {high}"
        bad = sum(r.non_2xx + r.errors for r in self.runs)
        p99 = "/".join(r.p99 for r in self.runs)
        return f"| {self.label} | {shown} | {p99} | {bad} |"


def _cells(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((r["party"], r["year"], r["family"], r["count"]) for r in rows)


def _same_answer(jointcode: int, starlette: int, postgraphile: int) -> int:
    """The three services give the same cells; returns how many."""
    ours = httpx.post(f"http://127.0.0.1:{jointcode}/graphql", content=REPEATED,
                      headers={"content-type": "application/json"}).json()  # fmt: skip
    direct = httpx.post(f"http://127.0.0.1:{starlette}/sql").json()
    theirs = httpx.post(
        f"http://127.0.0.1:{postgraphile}/graphql",
        json={"query": "{ partyYearFamilyList { party year family count } }"},
    ).json()
    cells = _cells(ours["data"]["statistics"])
    if not cells or cells != _cells(direct["data"]["statistics"]):
        raise SystemExit("the on-demand SQL does not give jointcode's stored cells")
    if cells != _cells(theirs["data"]["partyYearFamilyList"]):
        raise SystemExit("PostGraphile does not give jointcode's stored cells")
    stored = httpx.post(
        f"http://127.0.0.1:{postgraphile}/graphql",
        json={"query": "{ storedPartyYearFamilyList { party year family count } }"},
    ).json()
    if cells != _cells(stored["data"]["storedPartyYearFamilyList"]):
        raise SystemExit("PostGraphile's lookup does not give jointcode's stored cells")
    return len(cells)


def _serve_baseline(owner: str, port: int, fixed_body: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BENCH_OWNER_URL": owner, "BENCH_FIXED_BODY": str(fixed_body)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.baselines:app", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            if httpx.post(f"http://127.0.0.1:{port}/fixed", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the baseline did not start")


async def _on_demand(owner: str) -> None:
    """The comparison's SQL, installed afresh, and what one execution of it costs."""
    db = Database(make_engine(owner, pool_size=1, statement_timeout_ms=600_000))
    try:
        async with db.transaction() as session:
            classes = await ondemand.install(session=session, k=codes.default_version().k)
        async with db.transaction() as session:
            timings = []
            for _ in range(20):
                started = time.perf_counter()
                await session.execute(text(ondemand.SQL_CALL))
                timings.append((time.perf_counter() - started) * 1000)
        print(f"on-demand SQL: GROUP BY over {classes:,} class rows, "
              f"median {statistics.median(timings):.1f} ms per execution")  # fmt: skip
    finally:
        await db.dispose()


def side_by_side(owner: str, *, seconds: int, rounds: int, workers: int = 1) -> None:
    """Every configuration of the issue's table, in one run, each round in turn."""
    asyncio.run(_on_demand(owner))
    postgraphile_command = postgraphile.install()
    ports = {"cached": 18877, "uncached": 18878, "baseline": 18879, "postgraphile": 18880}
    jc = f"http://127.0.0.1:{ports['cached']}/graphql"
    lines = {
        "repeated": Line("jointcode, the same public statistics query repeated (response cache)"),
        "own": Line("jointcode, every request its own document (a counter alias), cache on"),
        "off": Line("jointcode, response cache off, the same query repeated"),
        "questions": Line(
            f"jointcode, response cache off, a rotation of {len(QUESTIONS)} different "
            "questions (15 tables, with and without filters)"
        ),
        "sql": Line("Starlette + asyncpg running the SQL directly (no GraphQL)"),
        "fixed": Line("Starlette serving jointcode's answer as a fixed JSON body"),
        "postgraphile": Line("PostGraphile 4, every request its own document"),
        "postgraphile_stored": Line(
            "PostGraphile 4 reading jointcode's stored table, every request its own document"
        ),
    }
    with tempfile.TemporaryDirectory() as tmp:
        fixed_body = Path(tmp) / "answer.json"
        processes = {
            "cached": _serve(owner, ports["cached"], cache=True, workers=workers),
            "uncached": _serve(owner, ports["uncached"], cache=False, workers=workers),
        }
        try:
            answer = httpx.post(jc, content=REPEATED, headers={"content-type": "application/json"})
            fixed_body.write_bytes(answer.content)
            processes["baseline"] = _serve_baseline(owner, ports["baseline"], fixed_body)
            processes["postgraphile"] = postgraphile.start(
                postgraphile_command, owner_url=owner, port=ports["postgraphile"]
            )
            cells = _same_answer(ports["cached"], ports["baseline"], ports["postgraphile"])
            print(f"the same answer from all three: {cells} cells, {len(answer.content):,} bytes")
            base = f"http://127.0.0.1:{ports['baseline']}"
            pg = f"http://127.0.0.1:{ports['postgraphile']}/graphql"
            _every_question_answers(f"http://127.0.0.1:{ports['uncached']}/graphql")
            plan: list[tuple[str, str, dict[str, Any]]] = [
                ("repeated", jc, {"body": REPEATED}),
                ("own", jc, {"template": OWN_DOCUMENT}),
                ("off", f"http://127.0.0.1:{ports['uncached']}/graphql", {"body": REPEATED}),
                (
                    "questions",
                    f"http://127.0.0.1:{ports['uncached']}/graphql",
                    {"bodies": QUESTIONS},
                ),
                ("sql", f"{base}/sql", {"body": "{}"}),
                ("fixed", f"{base}/fixed", {"body": REPEATED}),
                ("postgraphile", pg, {"template": POSTGRAPHILE_DOCUMENT}),
                ("postgraphile_stored", pg, {"template": POSTGRAPHILE_STORED}),
            ]
            for _key, url, how in plan:  # warm every service up once
                load.run(url, seconds=2, **how)
            for _ in range(rounds):
                for key, url, how in plan:
                    lines[key].runs.append(load.run(url, seconds=seconds, **how))
        finally:
            for process in processes.values():
                _stop(process)
    print(f"\n{rounds} round(s) of {seconds} s each; wrk -t2 -c32; jointcode with {workers} "
          "worker(s), every other service one process\n")  # fmt: skip
    print("| | req/s | p99 | non-2xx or socket errors |\n|---|---|---|---|")
    for line in lines.values():
        print(line.row())

    def ratios(top: str, bottom: str) -> str:
        """Round by round (each round ran every service in turn), then best against best."""
        pairs = zip(lines[top].runs, lines[bottom].runs, strict=True)
        each = [a.requests_per_second / b.requests_per_second for a, b in pairs]
        best = lines[top].best / lines[bottom].best
        return f"{', '.join(f'{r:.2f}' for r in each)} by round; {best:.2f} best against best"

    print(
        "\nratio, cache off / PostGraphile on the same stored table: "
        f"{ratios('off', 'postgraphile_stored')} (aim >= 1.0)"
        "\nratio, cache off, different questions / PostGraphile on the stored table: "
        f"{ratios('questions', 'postgraphile_stored')}"
        f"\nratio, repeated query (cache) / fixed JSON body: {ratios('repeated', 'fixed')} "
        "(aim >= 0.95)"
        f"\nratio, own documents / PostGraphile: {ratios('own', 'postgraphile')} (aim >= 3)"
    )


def _every_question_answers(url: str) -> None:
    """Each rotated question is a real one: answered with cells and no error."""
    for body in QUESTIONS:
        answer = httpx.post(url, content=body, headers={"content-type": "application/json"})
        data = answer.json()
        if answer.status_code != 200 or data.get("errors") or data["data"]["statistics"] is None:
            raise SystemExit(f"the question {body} is not answered: {answer.text[:300]}")


async def _existing(server_url: str, name: str) -> str | None:
    owner = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(owner, pool_size=1)
        async with engine.connect() as connection:
            cells = await connection.scalar(text("SELECT count(*) FROM statistics_cells"))
        await engine.dispose()
    except Exception:  # no such database, or not this benchmark's
        return None
    return owner if cells else None


async def _build(owner: str, parties: int, per_party: int) -> None:
    started = time.perf_counter()
    party_ids, committee = await _setup(owner, parties, per_party)
    print(f"generated {parties * per_party:,} final cases in {time.perf_counter() - started:.0f} s")
    await _publish_all(owner, party_ids)
    port = 18876
    process = _serve(owner, port, cache=True)
    try:
        p50, p99 = _committee_latency(port, committee)
        print(f"committee summary: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    finally:
        _stop(process)


async def prepare(server_url: str, args: argparse.Namespace) -> str:
    """The benchmark database: built now, or the one --reuse kept from an earlier run."""
    if args.reuse:
        found = await _existing(server_url, REUSED)
        if found:
            print(f"reusing the database {REUSED} (drop it to rebuild)")
            return found
        await run_autocommit(server_url, f'DROP DATABASE IF EXISTS "{REUSED}" WITH (FORCE)')
        await run_autocommit(server_url, f'CREATE DATABASE "{REUSED}"')
        owner = make_url(server_url).set(database=REUSED).render_as_string(hide_password=False)
        await asyncio.to_thread(migrate.upgrade, owner)
        await _build(owner, args.parties, args.cases_per_party)
        return owner
    raise AssertionError("prepare() is only for --reuse")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=10)
    parser.add_argument("--cases-per-party", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="jointcode's worker processes")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"keep the generated data in the database {REUSED} and use it next time",
    )
    args = parser.parse_args()
    for tool in ("wrk", "npm", "node"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not on PATH (Debian: apt-get install wrk nodejs npm)")
    with server() as url:
        if args.reuse:
            owner = asyncio.run(prepare(url, args))
            side_by_side(owner, seconds=args.seconds, rounds=args.rounds, workers=args.workers)
            return

        async def fresh() -> None:
            async with fresh_database(url, "jointcode_bench_pub") as owner:
                await _build(owner, args.parties, args.cases_per_party)
                await asyncio.to_thread(
                    side_by_side, owner, seconds=args.seconds, rounds=args.rounds,
                    workers=args.workers,
                )  # fmt: skip

        asyncio.run(fresh())


if __name__ == "__main__":
    main()
