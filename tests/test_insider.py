"""Issue 11's insider attacks, rerun: each must fail.

As the registry admin over GraphQL, and as the application role with raw SQL (what a
compromised API process can do): forge a binding, read token hashes, mint or un-revoke
tokens, rewrite a final case, publish a thin release, borrow another party's release.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cases import service as case_service
from db.session import Database
from parties import service as party_service
from parties import tokens
from parties.tokens import Role
from tests.conftest import GraphQLClient
from tests.helpers import CASES, decide, issue_token, publish, register_party, submit


async def _party(owner_db: Database, slug: str) -> tuple[UUID, str]:
    async with owner_db.transaction() as session:
        party = await party_service.register_party(session=session, slug=slug, name=slug)
        issued = await tokens.issue_token(session=session, role=Role.OFFICER, party_slug=slug)
    async with owner_db.transaction(party_id=party.id) as session:
        await case_service.submit_case(
            session=session, party_id=party.id, reference=f"{slug}-1",
            received_on=date(2026, 1, 5), provisions=["JC1"], channel="email",
            respondent_role="member", summary="secret",
        )  # fmt: skip
    return party.id, issued.secret


async def test_the_registry_admin_cannot_get_a_partys_token(
    gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "lantern")
    officer = await issue_token(gql, admin_token, "OFFICER", "lantern")  # via its own admin
    await submit(gql, officer, "L-1")
    for role in ("OFFICER", "PARTY_ADMIN"):
        body = await gql.ok(
            'mutation($r: AccountRole!) { issueToken(input: {role: $r, party: "lantern"}) '
            "{ token errors { code } } }",
            {"r": role},
            token=admin_token,
        )
        assert body["issueToken"] == {"token": None, "errors": [{"code": "ROLE_NOT_ISSUABLE"}]}
    listed = await gql.ok("{ tokens(first: 10) { edges { node { id role } } } }",
                          token=admin_token)  # fmt: skip
    officer_id = next(
        e["node"]["id"] for e in listed["tokens"]["edges"] if e["node"]["role"] == "OFFICER"
    )
    rotated = await gql.ok(
        "mutation($id: ID!) { rotateToken(input: {id: $id}) { token errors { code } } }",
        {"id": officer_id},
        token=admin_token,
    )
    assert rotated["rotateToken"]["token"] is None
    # the officer still works: the admin neither got its secret nor locked the party out
    assert (await gql.ok(CASES, {"first": 5}, token=officer))["cases"]["totalCount"] == 1
    # the admin itself reads no case
    body = await gql(CASES, {"first": 5}, token=admin_token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_app_role_cannot_bind_itself(db: Database, owner_db: Database) -> None:
    party_a, secret_a = await _party(owner_db, "party-a")
    async with db.transaction(credential=secret_a) as session:
        captured = await session.scalar(text("SELECT current_setting('jointcode.binding')"))
        assert (await session.execute(text("SELECT count(*) FROM cases"))).scalar() == 1
    forged = [
        ("jointcode.party_id", str(party_a)),  # the old plain setting
        ("jointcode.binding", captured),  # a real binding, copied from another transaction
        ("jointcode.binding", f"officer||{party_a}|{captured.split('|')[3]}|{'0' * 64}"),
    ]
    for key, value in forged:
        async with db.transaction() as session:
            await session.execute(text("SELECT set_config(:k, :v, true)"), {"k": key, "v": value})
            for table in ("cases", "party_keys", "audit_entries", "release_previews"):
                seen = (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
                assert seen == 0, (key, table)


async def test_the_app_role_cannot_read_hashes_or_mint_tokens(
    db: Database, owner_db: Database
) -> None:
    _, secret_a = await _party(owner_db, "party-a")
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction(credential=secret_a) as session:
            await session.execute(text("SELECT token_hash FROM tokens"))
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction(credential=secret_a) as session:
            await session.execute(text("SELECT * FROM binding_key"))
    for credential in (None, secret_a):  # unbound, or an officer's binding
        with pytest.raises(DBAPIError, match="row-level security"):
            async with db.transaction(credential=credential) as session:
                await session.execute(
                    text(
                        "INSERT INTO tokens (token_hash, display_prefix, role) "
                        "VALUES ('\\x00', 'jc_x', 'admin')"
                    )
                )
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction() as session:
            await session.execute(text("SELECT jc_bind_operator(NULL)"))
    # a revoked token stays revoked, whoever asks
    async with owner_db.transaction() as session:
        await session.execute(text("UPDATE tokens SET revoked_at = now()"))
    async with owner_db.transaction() as session:
        live = await tokens.issue_token(session=session, role=Role.OFFICER, party_slug="party-a")
        manager = await tokens.issue_token(
            session=session, role=Role.PARTY_ADMIN, party_slug="party-a"
        )
    async with db.transaction(credential=live.secret) as session:  # an officer: sees none
        changed = await session.execute(text("UPDATE tokens SET revoked_at = NULL"))
        assert changed.rowcount == 0
    with pytest.raises(DBAPIError, match=r"row-level security|stays revoked"):
        async with db.transaction(credential=manager.secret) as session:  # its manager
            await session.execute(
                text("UPDATE tokens SET revoked_at = NULL WHERE revoked_at IS NOT NULL")
            )
    with pytest.raises(DBAPIError, match="stays revoked"):
        async with owner_db.transaction() as session:
            await session.execute(text("UPDATE tokens SET revoked_at = NULL"))


async def test_final_is_final_and_releases_hold_k(
    gql: GraphQLClient, admin_token: str, db: Database, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    await register_party(gql, admin_token, "party-b")
    officer_a = await issue_token(gql, admin_token, "OFFICER", "party-a")
    officer_b = await issue_token(gql, admin_token, "OFFICER", "party-b")
    for n in range(12):
        await decide(gql, officer_a, await submit(gql, officer_a, f"A-{n}"))
        await decide(gql, officer_b, await submit(gql, officer_b, f"B-{n}"))
    assert (await publish(gql, officer_a))["errors"] == []
    assert (await publish(gql, officer_b))["errors"] == []

    with pytest.raises(DBAPIError, match="final case cannot change"):
        async with db.transaction(credential=officer_a) as session:
            await session.execute(text("UPDATE cases SET sanction = 'expulsion'"))
    with pytest.raises(DBAPIError, match="stays in its release"):
        async with db.transaction(credential=officer_a) as session:
            await session.execute(text("UPDATE cases SET release_id = NULL"))
    async with owner_db.transaction() as session:
        release_b = await session.scalar(
            text("SELECT r.id FROM releases r JOIN parties p ON p.id = r.party_id "
                 "WHERE p.slug = 'party-b'")
        )  # fmt: skip
    with pytest.raises(DBAPIError, match=r"own party|stays in its release"):
        async with db.transaction(credential=officer_a) as session:
            await session.execute(text("UPDATE cases SET release_id = :r"), {"r": release_b})
    # a case not yet final, pointed at another party's release
    await submit(gql, officer_a, "OPEN-1")
    with pytest.raises(DBAPIError, match="own party"):
        async with db.transaction(credential=officer_a) as session:
            await session.execute(
                text("UPDATE cases SET release_id = :r WHERE reference = 'OPEN-1'"),
                {"r": release_b},
            )
    insert_release = (
        "INSERT INTO releases (party_id, number, code_version, k, record_count, "
        "held_back_count, content_hash) SELECT party_id, 99, '1', :k, 1, 0, 'x' "
        "FROM cases LIMIT 1 RETURNING id"
    )
    with pytest.raises(DBAPIError, match="code's k"):
        async with db.transaction(credential=officer_a) as session:
            await session.execute(text(insert_release), {"k": 2})
    with pytest.raises(DBAPIError, match="at least k records"):
        async with db.transaction(credential=officer_a) as session:
            release = await session.scalar(text(insert_release), {"k": 10})
            await session.execute(
                text("INSERT INTO published_outcomes (release_id, party_id, year) "
                     "SELECT :r, party_id, 2026 FROM cases LIMIT 1"),
                {"r": release},
            )  # fmt: skip


async def test_a_published_release_takes_no_new_record(
    gql: GraphQLClient, admin_token: str, db: Database
) -> None:
    """Issue 21: bound as its own party, the app role appended rows to a release published
    earlier (caught later by `release verify`, not refused). Now refused, whatever the rows."""
    await register_party(gql, admin_token, "party-a")
    officer_a = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(12):
        await decide(gql, officer_a, await submit(gql, officer_a, f"A-{n}"))
    assert (await publish(gql, officer_a))["errors"] == []
    copy_rows = (
        "INSERT INTO published_outcomes (release_id, party_id, year) "
        "SELECT release_id, party_id, year FROM published_outcomes LIMIT :n"
    )
    for n in (1, 10, 12):  # a thin class, a class of k, a copy of the whole release
        with pytest.raises(DBAPIError, match="only as it is published"):
            async with db.transaction(credential=officer_a) as session:
                await session.execute(text(copy_rows), {"n": n})
    # the seal is the owner's: a mark set by hand, or copied, opens nothing
    async with db.transaction(credential=officer_a) as session:
        release = await session.scalar(text("SELECT id FROM releases"))
        here = await session.scalar(text("SELECT jc_here()"))
    for forged in (f"{release}|{here}|{'0' * 64}", f"{release}|x|y", str(release)):
        with pytest.raises(DBAPIError, match="only as it is published"):
            async with db.transaction(credential=officer_a) as session:
                await session.execute(
                    text("SELECT set_config('jointcode.open_release', :v, true)"), {"v": forged}
                )
                await session.execute(text(copy_rows), {"n": 10})
    # a new release row opens only itself, and must hold what it names
    insert_release = (
        "INSERT INTO releases (party_id, number, code_version, k, record_count, "
        "held_back_count, content_hash) SELECT party_id, 2, code_version, k, :count, 0, 'x' "
        "FROM releases LIMIT 1 RETURNING id"
    )
    with pytest.raises(DBAPIError, match="only as it is published"):
        async with db.transaction(credential=officer_a) as session:
            await session.scalar(text(insert_release), {"count": 10})
            await session.execute(text(copy_rows), {"n": 10})  # rows of release 1
    with pytest.raises(DBAPIError, match="holds the 20 records it names"):
        async with db.transaction(credential=officer_a) as session:
            new = await session.scalar(text(insert_release), {"count": 20})
            await session.execute(
                text("INSERT INTO published_outcomes (release_id, party_id, year) "
                     "SELECT :r, party_id, year FROM published_outcomes LIMIT 10"),
                {"r": new},
            )  # fmt: skip
    async with db.transaction(credential=officer_a) as session:
        assert await session.scalar(text("SELECT count(*) FROM published_outcomes")) == 12
        assert await session.scalar(text("SELECT count(*) FROM releases")) == 1
