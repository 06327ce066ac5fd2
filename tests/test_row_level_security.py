"""Isolation at the database itself: the application role under row-level security."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cases import service as case_service
from db.session import APP_ROLE, Database
from parties import service as party_service
from parties import tokens
from parties.tokens import Role

# each party's officer token: the only way the application role binds a party
CREDENTIALS: dict[UUID, str] = {}


async def _two_parties_with_a_case_each(db: Database, owner_db: Database) -> tuple[UUID, UUID]:
    """Set up by the operator (the owner); the tests then act as the application role."""
    ids = []
    for slug in ("party-a", "party-b"):
        async with owner_db.transaction() as session:
            party = await party_service.register_party(session=session, slug=slug, name=slug)
            issued = await tokens.issue_token(session=session, role=Role.OFFICER, party_slug=slug)
        CREDENTIALS[party.id] = issued.secret
        async with owner_db.transaction(party_id=party.id) as session:
            await case_service.submit_case(
                session=session,
                party_id=party.id,
                reference=f"{slug}-1",
                received_on=date(2026, 1, 5),
                provisions=["JC1"],
                channel="email",
                respondent_role="member",
                summary="secret",
            )
        ids.append(party.id)
    return ids[0], ids[1]


async def test_app_role_is_not_owner_and_cannot_bypass_rls(db: Database) -> None:
    async with db.transaction() as session:
        row = (
            await session.execute(
                text(
                    "SELECT current_user AS who, rolbypassrls, rolsuper FROM pg_roles "
                    "WHERE rolname = current_user"
                )
            )
        ).one()
        owners = set(
            (
                await session.execute(
                    text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")
                )
            ).scalars()
        )
        forced = dict(
            (
                await session.execute(
                    text(
                        "SELECT relname, relforcerowsecurity FROM pg_class WHERE relname IN "
                        "('cases', 'releases', 'published_outcomes', 'audit_entries', "
                        "'party_sanctions')"
                    )
                )
            ).all()
        )
    assert row.who == APP_ROLE and not row.rolbypassrls and not row.rolsuper
    assert APP_ROLE not in owners
    assert forced == {
        "cases": True,
        "releases": True,
        "published_outcomes": True,
        "audit_entries": True,
        "party_sanctions": True,
    }


async def test_raw_sql_sees_only_the_bound_party(db: Database, owner_db: Database) -> None:
    party_a, party_b = await _two_parties_with_a_case_each(db, owner_db)
    async with db.transaction(credential=CREDENTIALS[party_b]) as session:
        parties = set((await session.execute(text("SELECT party_id FROM cases"))).scalars())
        assert parties == {party_b}
        updated = await session.execute(
            text("UPDATE cases SET state = 'withdrawn' WHERE party_id = :a"), {"a": party_a}
        )
        assert updated.rowcount == 0
    async with db.transaction() as session:  # no party bound: nothing visible
        assert (await session.execute(text("SELECT count(*) FROM cases"))).scalar() == 0


async def test_insert_claiming_another_party_fails(db: Database, owner_db: Database) -> None:
    party_a, party_b = await _two_parties_with_a_case_each(db, owner_db)
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.transaction(credential=CREDENTIALS[party_b]) as session:
            await session.execute(
                text(
                    "INSERT INTO cases (party_id, reference, code_version, received_on, "
                    "provisions, channel, respondent_role) VALUES (:a, 'forged', '1', "
                    "'2026-01-01', ARRAY['JC1'], 'email', 'member')"
                ),
                {"a": party_a},
            )
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.transaction(credential=CREDENTIALS[party_b]) as session:
            await session.execute(
                text(
                    "INSERT INTO releases (party_id, number, code_version, k, record_count, "
                    "held_back_count, content_hash) VALUES (:a, 9, '1', 10, 0, 0, 'x')"
                ),
                {"a": party_a},
            )


async def test_party_binding_never_leaks_through_the_pool(
    owner_url: str, owner_db: Database
) -> None:
    """One pooled connection, requests for A and B interleaved: each sees only its own."""
    from db.session import app_role_url, make_engine

    single = Database(make_engine(app_role_url(owner_url), pool_size=1, max_overflow=0))
    try:
        party_a, party_b = await _two_parties_with_a_case_each(single, owner_db)
        for _ in range(5):
            for party in (party_a, party_b, None):
                async with single.transaction(
                    credential=CREDENTIALS[party] if party else None
                ) as session:
                    seen = set(
                        (await session.execute(text("SELECT party_id FROM cases"))).scalars()
                    )
                assert seen == ({party} if party else set())
    finally:
        await single.dispose()


async def test_app_role_cannot_write_the_committee_rollup(db: Database) -> None:
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction() as session:
            await session.execute(text("UPDATE committee_counts SET n = 0"))


# Tables holding a party's private rows: a raw SELECT as party B shows none of A's.
PRIVATE_TABLES = ("cases", "audit_entries")


async def test_every_private_table_shows_only_the_bound_party(
    db: Database, owner_db: Database
) -> None:
    party_a, party_b = await _two_parties_with_a_case_each(db, owner_db)
    for table in PRIVATE_TABLES:
        async with db.transaction(credential=CREDENTIALS[party_b]) as session:
            seen = set((await session.execute(text(f"SELECT party_id FROM {table}"))).scalars())
        assert seen == {party_b}, table  # B has rows of its own, none of A's
        async with db.transaction() as session:
            unbound = set((await session.execute(text(f"SELECT party_id FROM {table}"))).scalars())
        assert party_a not in unbound and party_b not in unbound, table


async def test_audit_entries_cannot_be_forged_changed_or_deleted(
    db: Database, owner_db: Database
) -> None:
    party_a, party_b = await _two_parties_with_a_case_each(db, owner_db)
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.transaction(credential=CREDENTIALS[party_b]) as session:
            await session.execute(
                text(
                    "INSERT INTO audit_entries (party_id, seq, at, actor, actor_role, action, "
                    "hash) VALUES (:a, 99, now(), 'forger', 'officer', 'case.read', 'x')"
                ),
                {"a": party_a},
            )
    for statement in (
        "UPDATE audit_entries SET action = 'nothing'",
        "DELETE FROM audit_entries",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with db.transaction(credential=CREDENTIALS[party_a]) as session:
                await session.execute(text(statement))


async def test_only_the_registry_writes_sanction_mappings(db: Database, owner_db: Database) -> None:
    party_a, party_b = await _two_parties_with_a_case_each(db, owner_db)
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.transaction(credential=CREDENTIALS[party_b]) as session:
            await session.execute(
                text(
                    "INSERT INTO party_sanctions (party_id, name, sanction, code_version) "
                    "VALUES (:a, 'Forged', 'expulsion', '1')"
                ),
                {"a": party_a},
            )
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction(credential=CREDENTIALS[party_b]) as session:
            await session.execute(text("UPDATE party_sanctions SET sanction = 'advice'"))
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction(credential=CREDENTIALS[party_b]) as session:
            await session.execute(text("UPDATE cases SET party_id = :a"), {"a": party_a})
