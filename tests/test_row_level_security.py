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


async def _two_parties_with_a_case_each(db: Database) -> tuple[UUID, UUID]:
    ids = []
    for slug in ("party-a", "party-b"):
        async with db.transaction() as session:
            party = await party_service.register_party(session=session, slug=slug, name=slug)
        async with db.transaction(party_id=party.id) as session:
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
                        "('cases', 'releases', 'published_outcomes')"
                    )
                )
            ).all()
        )
    assert row.who == APP_ROLE and not row.rolbypassrls and not row.rolsuper
    assert APP_ROLE not in owners
    assert forced == {"cases": True, "releases": True, "published_outcomes": True}


async def test_raw_sql_sees_only_the_bound_party(db: Database) -> None:
    party_a, party_b = await _two_parties_with_a_case_each(db)
    async with db.transaction(party_id=party_b) as session:
        parties = set((await session.execute(text("SELECT party_id FROM cases"))).scalars())
        assert parties == {party_b}
        updated = await session.execute(
            text("UPDATE cases SET state = 'withdrawn' WHERE party_id = :a"), {"a": party_a}
        )
        assert updated.rowcount == 0
    async with db.transaction() as session:  # no party bound: nothing visible
        assert (await session.execute(text("SELECT count(*) FROM cases"))).scalar() == 0


async def test_insert_claiming_another_party_fails(db: Database) -> None:
    party_a, party_b = await _two_parties_with_a_case_each(db)
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.transaction(party_id=party_b) as session:
            await session.execute(
                text(
                    "INSERT INTO cases (party_id, reference, code_version, received_on, "
                    "provisions, channel, respondent_role) VALUES (:a, 'forged', '1', "
                    "'2026-01-01', ARRAY['JC1'], 'email', 'member')"
                ),
                {"a": party_a},
            )
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.transaction(party_id=party_b) as session:
            await session.execute(
                text(
                    "INSERT INTO releases (party_id, number, code_version, k, record_count, "
                    "held_back_count, content_hash) VALUES (:a, 9, '1', 10, 0, 0, 'x')"
                ),
                {"a": party_a},
            )


async def test_party_binding_never_leaks_through_the_pool(owner_url: str) -> None:
    """One pooled connection, requests for A and B interleaved: each sees only its own."""
    from db.session import app_role_url, make_engine

    single = Database(make_engine(app_role_url(owner_url), pool_size=1, max_overflow=0))
    try:
        party_a, party_b = await _two_parties_with_a_case_each(single)
        for _ in range(5):
            for party in (party_a, party_b, None):
                async with single.transaction(party_id=party) as session:
                    seen = set(
                        (await session.execute(text("SELECT party_id FROM cases"))).scalars()
                    )
                assert seen == ({party} if party else set())
    finally:
        await single.dispose()


async def test_app_role_cannot_write_the_committee_rollup(db: Database) -> None:
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction() as session:
            await session.execute(text("UPDATE party_case_counts SET received = 0"))
