"""Public reads in one unbound statement (``Database.read_public``, on a pool of their
own: ``db.public_reads``), attacked as the application role: right after a caller's
transaction, such a read sees only what row-level security shows every caller, and
carries no caller's binding."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from db.public_reads import PublicReads
from db.session import Database, app_role_url, make_engine
from tests.conftest import GraphQLClient
from tests.helpers import issue_token, register_party, submit

_SEEN = text(
    "SELECT (SELECT count(*) FROM cases) AS cases, jc_party() AS party, "
    "coalesce(current_setting('jointcode.binding', true), '') AS binding, "
    "(SELECT count(*) FROM parties) AS parties"
)


async def test_a_public_read_on_a_connection_just_bound_sees_only_what_is_public(
    gql: GraphQLClient, admin_token: str, owner_url: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    await submit(gql, officer, "PR-1")
    # one connection in the engine's pool, bound by the officer's transaction a moment
    # before; the public read runs on its own pool, which never binds anyone
    base = Database(make_engine(app_role_url(owner_url), pool_size=1, max_overflow=0))
    caller = base.for_caller(credential=officer, actor=None)
    try:
        async with caller.transaction() as session:
            bound = (await session.execute(_SEEN)).one()
        assert (bound.cases, bound.party is not None) == (1, True)  # the binding works
        for db in (caller, base):
            [seen] = await db.read_public(_SEEN.text)
            assert (seen["cases"], seen["party"], seen["binding"]) == (0, None, "")
            assert seen["parties"] == 1  # what is public, it does see
    finally:
        await base.dispose()


async def test_a_busy_public_pool_is_the_engines_timeout_so_service_busy(owner_url: str) -> None:
    """Every public-read connection busy past the wait is SQLAlchemy's own TimeoutError,
    the error the service answers as SERVICE_BUSY (503) for the engine's pool too."""
    engine = make_engine(app_role_url(owner_url), pool_size=1, max_overflow=0)
    reads = PublicReads(engine, server_settings={}, max_size=1, timeout_s=0.05)
    try:
        assert await reads.fetch("SELECT 1 AS one") == [(1,)]
        assert reads._pool is not None
        async with reads._pool.acquire():  # the only connection, held
            assert reads.in_use == 1
            with pytest.raises(PoolTimeout):
                await reads.fetch("SELECT 1 AS one")
        assert await reads.fetch("SELECT 1 AS one") == [(1,)]  # free again
    finally:
        await reads.close()
        await engine.dispose()
