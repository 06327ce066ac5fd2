"""Public reads from a real streaming replica (JOINTCODE_READ_DATABASE_URL).

A process given a replica answers token-less reads from it and everything else from the
primary. Pausing the replica's replay proves which is which: a release published on the
primary stays out of public answers while replay is paused, the officer sees it at once,
and public answers show it within the cache's refresh time of replay resuming.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.app import create_app
from db.session import Database, app_role_url, make_engine, run_autocommit
from migrations import migrate
from parties import tokens
from parties.tokens import Role
from tests.conftest import GraphQLClient
from tests.helpers import (
    decide,
    issue_token,
    preview_release,
    publish,
    publish_statistics,
    register_party,
    submit,
)
from tests.replica import Pair, binaries, streaming_replica
from tests.test_reports import STATUS, SUBMIT, report

REFRESH_MS = 300
# what a release changes publicly (statistics change only with an edition: 0027)
RECORDS = "{ publishedOutcomes(first: 1) { edges { node { party } } } }"
ASKED = iter(range(1_000_000))


async def _major(server_url: str) -> int:
    engine = make_engine(server_url, pool_size=1)
    async with engine.connect() as connection:
        number = int(await connection.scalar(text("SHOW server_version_num")))
    await engine.dispose()
    return number // 10000


@pytest.fixture(scope="module")
def pair(server_url: str) -> Iterator[Pair]:
    major = asyncio.run(_major(server_url))
    if binaries(major) is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the PostgreSQL {major} server binaries for the replica test")
        pytest.skip(f"no PostgreSQL {major} server binaries (pg_basebackup) on this machine")
    with streaming_replica(server_url, major) as found:
        yield found


def _on(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


async def _replica_has(url: str) -> bool:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(text("SELECT to_regclass('statistics_cells')"))
            return found is not None
    except Exception:  # the database has not reached the replica yet
        return False
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def service(pair: Pair) -> AsyncIterator[dict[str, Any]]:
    name = f"jointcode_replica_{uuid.uuid4().hex[:8]}"
    postgres = _on(pair.primary_url, "postgres")
    await run_autocommit(postgres, f'CREATE DATABASE "{name}"')
    owner = _on(pair.primary_url, name)
    await asyncio.to_thread(migrate.upgrade, owner)
    replica_owner = _on(pair.replica_url, name)
    for _ in range(200):
        if await _replica_has(replica_owner):
            break
        await asyncio.sleep(0.05)
    db = Database(make_engine(app_role_url(owner), pool_size=4))
    read_db = Database(make_engine(app_role_url(replica_owner), pool_size=4))
    owner_db = Database(make_engine(owner, pool_size=1), operator=True)
    async with owner_db.transaction() as session:
        admin = (await tokens.issue_token(session=session, role=Role.ADMIN)).secret
    app = create_app(
        db,
        read_db=read_db,
        public_cache_refresh_ms=REFRESH_MS,
        anonymous_rate=None,
        failed_auth_rate=None,
        report_rate=None,
        background=False,
    )
    replica_admin = make_engine(_on(pair.replica_url, "postgres"), pool_size=1)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield {"http": http, "gql": GraphQLClient(http), "admin": admin,
                   "replica": replica_admin, "pair": pair, "owner": owner_db}  # fmt: skip
    finally:
        await owner_db.dispose()
        await db.dispose()
        await read_db.dispose()
        await replica_admin.dispose()
        await run_autocommit(postgres, f'DROP DATABASE "{name}" WITH (FORCE)')


async def _replay(engine: Any, *, paused: bool) -> None:
    async with engine.connect() as connection:
        await connection.execute(
            text("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")
        )
        await connection.commit()


async def _public_parties(gql: GraphQLClient) -> list[str]:
    """A document never asked before (its own alias), so no cached answer can stand in."""
    alias = f"a{next(ASKED)}"
    data = await gql.ok(RECORDS.replace("publishedOutcomes", f"{alias}: publishedOutcomes", 1))
    return [edge["node"]["party"] for edge in data[alias]["edges"]]


async def test_public_reads_come_from_the_replica_and_catch_up_within_the_refresh(
    service: dict[str, Any],
) -> None:
    gql: GraphQLClient = service["gql"]
    http: httpx.AsyncClient = service["http"]
    admin, replica = service["admin"], service["replica"]
    # writes, and every request with a token, go to the primary
    await register_party(gql, admin, "party-a")
    officer = await issue_token(gql, admin, "OFFICER", "party-a")
    for n in range(10):
        await decide(gql, officer, await submit(gql, officer, f"C-{n}"))
    assert await _public_parties(gql) == []
    # final now (the preview finalises them), and the year's edition out: records may follow
    await preview_release(gql, officer, close_year=False)
    await publish_statistics(service["owner"])

    await _replay(replica, paused=True)
    try:
        release = await publish(gql, officer, close_year=False)
        assert release["errors"] == [] and release["release"]["number"] == 1
        officer_view = await gql.ok(RECORDS, token=officer)
        assert [e["node"]["party"] for e in officer_view["publishedOutcomes"]["edges"]] == [
            "party-a"
        ]
        # public answers come from the paused replica: the release is not there, however
        # long past the cache's refresh, in GraphQL, the site and open data alike
        await asyncio.sleep(REFRESH_MS / 1000 * 2)
        assert await _public_parties(gql) == []
        content_hash = release["release"]["contentHash"]
        assert content_hash not in (await http.get("/releases")).text
        assert (await http.get("/open-data/outcomes.csv")).text.count("\n") == 1  # header
        # an anonymous write reaches the primary, and so does the receipt's lookup: a
        # reporter reads what they just filed, whatever the replica's lag
        filed = (await gql.ok(SUBMIT, {"input": report()}))["submitReport"]
        assert filed["errors"] == [], filed
        status = await gql.ok(STATUS, filed["receipt"])
        assert status["reportStatus"]["status"] == "RECEIVED"
    finally:
        await _replay(replica, paused=False)

    async def caught_up() -> bool:
        releases = (await http.get("/releases")).text
        return content_hash in releases and await _public_parties(gql) == ["party-a"]

    # the replica replays in milliseconds; the cache notices a new epoch within its refresh
    started = time.monotonic()
    while not await caught_up():
        assert time.monotonic() - started < REFRESH_MS / 1000 + 2.0, "the replica never caught up"
        await asyncio.sleep(0.02)
    elapsed = time.monotonic() - started
    pair = service["pair"]
    copied = "the test server" if pair.copied_test_server else f"its own primary: {pair.why_not}"
    print(f"public answers showed the release {elapsed * 1000:.0f} ms after replay resumed "
          f"(a replica of {copied})")  # fmt: skip
    assert elapsed <= REFRESH_MS / 1000 + 1.0
    assert (await http.get("/open-data/outcomes.csv")).text.count("\n") > 1
    metrics = (await http.get("/metrics")).text
    assert "jointcode_read_db_connections_in_use" in metrics
