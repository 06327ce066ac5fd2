"""Benchmark: previews and releases over 1,000,000 cases, and the public API under load.

    make bench-publication     # or: .venv/bin/python -m bench.publication

1. A fresh database gets 10 parties and 1,000,000 final cases (100,000 each), generated
   in SQL as the owner: the setup is not what is measured.
2. Times `preview_release` and `publish_release` for each party (the real domain calls,
   as the application role), and reports the share held back.
3. Starts `jointcode serve` (one uvicorn worker) and runs `wrk` (32 connections, 2
   threads, POST, 15 s) on a public `statistics` query: with the response cache, then
   with the cache off (JOINTCODE_PUBLIC_CACHE_ENTRIES=0). Needs `wrk` on PATH
   (Debian: `apt-get install wrk`).
4. Measures the Committee summary over HTTP (sequential requests, p50 and p99).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import text

from bench.common import fresh_database, server
from db.session import Database, app_role_url, make_engine
from parties import service as party_service
from parties import tokens
from parties.tokens import Role
from publication import releases

QUERY = "query($g: [StatisticsDimension!]!) { statistics(groupBy: $g) { party year count } }"
ESCAPED = QUERY.replace('"', '\\"')
WRK_SCRIPT = f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{{"query": "{ESCAPED}", "variables": {{"g": ["PARTY", "YEAR", "FAMILY"]}}}}'
"""

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


def _wrk(url: str, seconds: int) -> dict[str, str]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {
        "requests_per_second": re.search(r"Requests/sec:\s+([\d.]+)", out),
        "p50": re.search(r"\s50%\s+(\S+)", out),
        "p99": re.search(r"\s99%\s+(\S+)", out),
        "non_2xx": re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out),
    }
    return {k: (v.group(1) if v else "0") for k, v in found.items()}


def _serve(owner_url: str, port: int, *, cache: bool) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=owner_url,
        JOINTCODE_PORT=str(port),
        JOINTCODE_LOG_LEVEL="warning",
        JOINTCODE_PUBLIC_CACHE_ENTRIES="2048" if cache else "0",
        JOINTCODE_RATE_ANONYMOUS="",  # one load generator on one address: measure, not limit
    )
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
    db = Database(make_engine(app_role_url(owner), pool_size=2))
    owner_db = Database(make_engine(owner, pool_size=1))
    party_ids = []
    try:
        for n in range(parties):
            async with db.transaction() as session:
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
        async with db.transaction() as session:
            committee = await tokens.issue_token(session=session, role=Role.COMMITTEE)
    finally:
        await db.dispose()
        await owner_db.dispose()
    return party_ids, committee.secret


async def _publish_all(owner: str, party_ids: list) -> None:
    db = Database(make_engine(app_role_url(owner), pool_size=2))
    held = released = 0
    try:
        for index, party_id in enumerate(party_ids):
            started = time.perf_counter()
            async with db.transaction(party_id=party_id) as session:
                preview = await releases.preview_release(session=session, party_id=party_id)
            previewed = time.perf_counter()
            async with db.transaction(party_id=party_id) as session:
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


async def main_async(server_url: str, parties: int, per_party: int, seconds: int) -> None:
    async with fresh_database(server_url, "jointcode_bench_pub") as owner:
        started = time.perf_counter()
        party_ids, committee = await _setup(owner, parties, per_party)
        elapsed = time.perf_counter() - started
        print(f"generated {parties * per_party:,} final cases in {elapsed:.0f} s")
        await _publish_all(owner, party_ids)
        port = 18877
        for cache in (True, False):
            process = _serve(owner, port, cache=cache)
            try:
                url = f"http://127.0.0.1:{port}/graphql"
                _wrk(url, 2)  # warm up
                result = _wrk(url, seconds)
                label = "cached" if cache else "cache off"
                print(
                    f"statistics ({label}): {float(result['requests_per_second']):,.0f} req/s, "
                    f"p50 {result['p50']}, p99 {result['p99']}, non-2xx {result['non_2xx']}"
                )
                if cache:
                    p50, p99 = _committee_latency(port, committee)
                    print(f"committee summary: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
            finally:
                _stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=10)
    parser.add_argument("--cases-per-party", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not on PATH (Debian: apt-get install wrk)")
    with server() as url:
        asyncio.run(main_async(url, args.parties, args.cases_per_party, args.seconds))


if __name__ == "__main__":
    main()
