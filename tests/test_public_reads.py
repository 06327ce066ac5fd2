"""Public reads in one unbound statement (``Database.read_public``, on a pool of their
own: ``db.public_reads``), attacked as the application role: right after a caller's
transaction, such a read sees only what row-level security shows every caller, and
carries no caller's binding."""

from __future__ import annotations

from sqlalchemy import text

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
