"""The audit trail names the acting account for every mutation and every read of a case."""

from __future__ import annotations

from sqlalchemy import text

from db.audit import Actor, entry_hash
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import CASES, decide, issue_token, publish, register_party, submit

VIEWER_TOKEN = "{ viewer { role } }"


async def _entries(owner_db: Database) -> list:
    async with owner_db.transaction() as session:
        return list(
            await session.execute(
                text(
                    "SELECT e.*, p.slug FROM audit_entries e LEFT JOIN parties p "
                    "ON p.id = e.party_id ORDER BY e.id"
                )
            )
        )


async def _token_id(owner_db: Database, secret_prefix: str) -> str:
    async with owner_db.transaction() as session:
        token_id = await session.scalar(
            text("SELECT id FROM tokens WHERE display_prefix = :p"), {"p": secret_prefix}
        )
    return f"token:{token_id}"


async def test_every_change_and_case_read_names_the_account(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    case = await submit(gql, officer, "AU-1", provisions=["JC6"])
    await decide(gql, officer, case)
    await gql.ok(CASES, {"first": 5}, token=officer)
    await gql.ok("query($id: ID!) { node(id: $id) { id } }", {"id": case["id"]}, token=officer)
    refused = await publish(gql, officer, close_year=False)  # its year is open, and one case
    assert refused["errors"][0]["code"] == "NOTHING_TO_PUBLISH"

    admin = await _token_id(owner_db, admin_token[:8])
    officer_actor = await _token_id(owner_db, officer[:8])
    rows = await _entries(owner_db)
    trail = [(r.slug, r.action, r.actor, r.actor_role) for r in rows]
    assert trail[0] == (None, "token.issue", "operator", "operator")  # the fixture's bootstrap
    enrolled = rows[3].subject_ids[0] if rows[3].subject_ids else None
    party_admin = f"token:{enrolled}"
    assert trail[1:3] == [
        (None, "party.register", admin, "admin"),
        ("party-a", "enrolment.create", admin, "admin"),  # told to the party (0025)
    ]
    rows = rows[2:]  # so that the case's entries keep their places below
    trail = trail[2:]
    assert trail[1:] == [
        ("party-a", "token.enrol", party_admin, "party_admin"),
        ("party-a", "token.issue", party_admin, "party_admin"),
        ("party-a", "case.submit", officer_actor, "officer"),
        ("party-a", "case.triage", officer_actor, "officer"),
        ("party-a", "case.start_assessment", officer_actor, "officer"),
        ("party-a", "case.decide", officer_actor, "officer"),
        ("party-a", "case.finalise", officer_actor, "officer"),  # the preview finalises first
        ("party-a", "release.preview", officer_actor, "officer"),
    ]  # the refused publication left nothing behind: one transaction per mutation
    case_uuid = rows[3].subject_ids[0]
    # reads go to the party's access log, outside the chain: the cases connection and
    # node(id) each read the case once (the preview holds nothing back: its year is open)
    async with owner_db.transaction() as session:
        reads = (
            await session.execute(
                text("SELECT actor, actor_role, case_id FROM case_reads ORDER BY id")
            )
        ).all()
    assert [(r.actor, r.actor_role, r.case_id) for r in reads] == [
        (officer_actor, "officer", case_uuid)
    ] * 2
    decided = rows[6].details
    assert decided["before"]["state"] == "under_assessment"
    assert decided["after"]["state"] == "decided"
    assert decided["after"]["sanction"] == "advice"
    # coded fields only: the party's reference and free text never enter the trail
    assert "AU-1" not in str([r.details for r in rows])
    assert "Private narrative" not in str([r.details for r in rows])


async def test_each_chain_links_and_hashes(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    for slug in ("party-a", "party-b"):
        await register_party(gql, admin_token, slug)
        officer = await issue_token(gql, admin_token, "OFFICER", slug)
        for n in range(3):
            await submit(gql, officer, f"{slug}-{n}")
    rows = await _entries(owner_db)
    chains: dict = {}
    for row in rows:
        chains.setdefault(row.party_id, []).append(row)
    assert len(chains) == 3  # the service's own chain and one per party
    for chain in chains.values():
        assert [r.seq for r in chain] == list(range(1, len(chain) + 1))
        previous = None
        for row in chain:
            assert row.previous_hash == previous
            assert row.hash == entry_hash(
                party_id=row.party_id,
                seq=row.seq,
                at=row.at,
                actor=Actor(id=row.actor, role=row.actor_role),
                action=row.action,
                subject_type=row.subject_type,
                subject_ids=list(row.subject_ids),
                details=row.details,
                previous_hash=row.previous_hash,
            )
            previous = row.hash


async def test_cli_actions_name_the_operator(
    owner_url: str, owner_db: Database, monkeypatch
) -> None:
    import asyncio
    import getpass

    from typer.testing import CliRunner

    from cli import app as cli

    monkeypatch.setenv("DATABASE_URL", owner_url)
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, ["party", "add", "--slug", "cli-p", "--name", "P"]
    )
    assert result.exit_code == 0, result.output
    row = (await _entries(owner_db))[-1]
    assert (row.action, row.actor, row.actor_role) == (
        "party.register",
        f"cli:{getpass.getuser()}",
        "operator",
    )


async def test_rotation_and_revocation_are_recorded(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    issued = await gql.ok(
        "mutation { issueToken(input: {role: COMMITTEE}) { tokenInfo { id } } }",
        token=admin_token,
    )
    token_id = issued["issueToken"]["tokenInfo"]["id"]
    rotated = await gql.ok(
        "mutation($i: RotateTokenInput!) { rotateToken(input: $i) { tokenInfo { id } } }",
        {"i": {"id": token_id}},
        token=admin_token,
    )
    new_id = rotated["rotateToken"]["tokenInfo"]["id"]
    await gql.ok(
        "mutation($i: RevokeTokenInput!) { revokeToken(input: $i) { tokenInfo { id } } }",
        {"i": {"id": new_id}},
        token=admin_token,
    )
    actions = [r.action for r in await _entries(owner_db)]
    assert actions[-4:] == ["token.issue", "token.rotate", "token.issue", "token.revoke"]
