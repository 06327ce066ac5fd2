"""Every database test starts from empty tables: the fixture that empties them between
tests (``_emptying``: a superuser's DELETE with triggers off, else TRUNCATE) must leave
what TRUNCATE ... RESTART IDENTITY CASCADE would, or tests would pass or fail by order."""

from __future__ import annotations

from sqlalchemy import text

from db.session import Database
from tests.conftest import _OWNED_SEQUENCES, _REFERRING, TABLES, GraphQLClient
from tests.helpers import decide, issue_token, publish, register_party, submit


async def test_emptying_leaves_what_truncate_would(
    gql: GraphQLClient, admin_token: str, owner_db: Database, _emptying: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    await decide(gql, officer, await submit(gql, officer, "E-1"))
    await submit(gql, officer, "E-2")
    await publish(gql, officer)
    async with owner_db.transaction() as session:
        tables = list((await session.execute(text(_REFERRING), {"tables": TABLES})).scalars())
        sequences = list(
            (await session.execute(text(_OWNED_SEQUENCES), {"tables": ",".join(tables)})).scalars()
        )
        written = [t for t in tables if await session.scalar(text(f"SELECT count(*) FROM {t}"))]
    assert {"parties", "tokens", "cases", "audit_entries"} <= set(written), written
    assert "audit_entries_id_seq" in sequences

    async with owner_db.transaction() as session:
        await session.execute(text(_emptying))
    async with owner_db.transaction() as session:
        left = {t: await session.scalar(text(f"SELECT count(*) FROM {t}")) for t in tables}
        restarted = {
            s: tuple(await session.execute(text(f"SELECT last_value, is_called FROM {s}")))
            for s in sequences
        }
        kept = await session.scalar(text("SELECT count(*) FROM binding_key"))
    assert {t: n for t, n in left.items() if n} == {}
    assert set(restarted.values()) == {((1, False),)}
    assert kept == 1  # what the migration wrote, and TRUNCATE leaves, stays
