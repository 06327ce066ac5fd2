"""Token lifecycle: issue, list, rotate, revoke, expire; never a secret after issue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cli import app as cli
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import issue_token, party_admin_token, register_party

TOKENS = """
query($first: Int!, $after: String, $filter: TokenFilter) {
  tokens(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { node { id displayPrefix label role partySlug createdAt expiresAt lastUsedAt
                   revokedAt rotatedFrom } }
    pageInfo { hasNextPage endCursor }
  }
}"""
ROTATE = """
mutation($input: RotateTokenInput!) {
  rotateToken(input: $input) {
    token tokenInfo { id role partySlug label expiresAt rotatedFrom } errors { code message }
  }
}"""
ISSUE = """
mutation($input: IssueTokenInput!) {
  issueToken(input: $input) { token tokenInfo { id createdAt expiresAt } errors { code } }
}"""


async def _viewer(gql: GraphQLClient, token: str) -> int:
    return (await gql.raw("{ viewer { role } }", token=token)).status_code


async def test_list_rotate_and_revoke(gql: GraphQLClient, admin_token: str) -> None:
    await register_party(gql, admin_token, "ash")
    ash_admin = await party_admin_token(gql, admin_token, "ash")
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    issued = (
        await gql.ok(
            ISSUE,
            {"input": {"role": "OFFICER", "party": "ash", "label": "Ash officer",
                       "expiresAt": expires}},
            token=ash_admin,
        )
    )["issueToken"]  # fmt: skip
    secret, token_id = issued["token"], issued["tokenInfo"]["id"]
    # 256 bits: 32 random bytes are 43 urlsafe base64 characters after the prefix
    assert secret.startswith("jc_") and len(secret) == 3 + 43
    committee = await issue_token(gql, admin_token, "COMMITTEE")
    assert await _viewer(gql, secret) == 200

    listed = (await gql.ok(TOKENS, {"first": 10}, token=admin_token))["tokens"]
    # the admin's own, ash's administrator's, the officer's, the committee's
    assert listed["totalCount"] == 4
    own = (await gql.ok(TOKENS, {"first": 10}, token=ash_admin))["tokens"]
    assert own["totalCount"] == 2  # a party's administrators see their party's tokens only
    by_id = {e["node"]["id"]: e["node"] for e in listed["edges"]}
    officer = by_id[token_id]
    assert officer["displayPrefix"] == secret[:8]
    assert officer["partySlug"] == "ash" and officer["label"] == "Ash officer"
    assert officer["lastUsedAt"] is not None  # the viewer call above
    assert secret not in str(listed) and committee not in str(listed)

    only_ash = await gql.ok(TOKENS, {"first": 10, "filter": {"party": "ash"}}, token=admin_token)
    assert next(e["node"]["id"] for e in only_ash["tokens"]["edges"]) == token_id
    paged = await gql.ok(TOKENS, {"first": 2}, token=admin_token)
    assert paged["tokens"]["pageInfo"]["hasNextPage"] is True
    rest = await gql.ok(
        TOKENS, {"first": 2, "after": paged["tokens"]["pageInfo"]["endCursor"]}, token=admin_token
    )
    seen = [e["node"]["id"] for e in paged["tokens"]["edges"] + rest["tokens"]["edges"]]
    assert sorted(seen) == sorted(by_id)

    # the registry admin may not rotate a party's token (it would hold its secret)
    refused = (await gql.ok(ROTATE, {"input": {"id": token_id}}, token=admin_token))["rotateToken"]
    assert refused["token"] is None and refused["errors"][0]["code"] == "ROLE_NOT_ISSUABLE"
    rotated = (await gql.ok(ROTATE, {"input": {"id": token_id}}, token=ash_admin))["rotateToken"]
    assert rotated["errors"] == []
    new_secret = rotated["token"]
    info = rotated["tokenInfo"]
    assert (info["role"], info["partySlug"], info["label"]) == ("OFFICER", "ash", "Ash officer")
    assert info["rotatedFrom"] == token_id
    assert info["expiresAt"] is not None  # the old lifetime carries over
    assert await _viewer(gql, secret) == 401
    assert await _viewer(gql, new_secret) == 200

    again = (await gql.ok(ROTATE, {"input": {"id": token_id}}, token=ash_admin))["rotateToken"]
    assert again["token"] is None and again["errors"][0]["code"] == "TOKEN_NOT_FOUND"

    live = await gql.ok(TOKENS, {"first": 10}, token=admin_token)
    assert token_id not in [e["node"]["id"] for e in live["tokens"]["edges"]]
    everything = await gql.ok(
        TOKENS, {"first": 10, "filter": {"includeRevoked": True}}, token=admin_token
    )
    assert everything["tokens"]["totalCount"] == 5


async def test_expired_token_is_unauthenticated_like_any_other(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    committee = await issue_token(gql, admin_token, "COMMITTEE")
    assert await _viewer(gql, committee) == 200
    async with owner_db.transaction() as session:
        await session.execute(
            text("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE role = :r"),
            {"r": "committee"},
        )
    expired = await gql.raw("{ viewer { role } }", token=committee)
    unknown = await gql.raw("{ viewer { role } }", token="jc_" + "x" * 43)
    assert expired.status_code == unknown.status_code == 401
    assert expired.json() == unknown.json()

    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    refused = await gql.ok(ISSUE, {"input": {"role": "COMMITTEE", "expiresAt": past}},
                           token=admin_token)  # fmt: skip
    assert refused["issueToken"]["errors"] == [{"code": "INVALID_EXPIRY"}]


@pytest.fixture
def env(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)


def test_cli_list_and_rotate(env: None) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["party", "add", "--slug", "elm", "--name", "Elm"]).exit_code == 0
    issued = runner.invoke(
        cli, ["token", "issue", "--role", "officer", "--party", "elm", "--label", "elm-desk"]
    )
    secret = issued.stdout.strip()  # the secret alone on standard output
    assert "id " in issued.stderr
    listed = runner.invoke(cli, ["token", "list"])
    assert listed.exit_code == 0, listed.output
    header, *rows = listed.output.splitlines()
    assert header.split()[:3] == ["id", "prefix", "role"]
    [line] = [row for row in rows if "elm-desk" in row]
    assert f"id {line.split()[0]}" in issued.stderr  # the id printed at issue is the listed one
    assert secret[:8] in line and secret not in listed.output and "live" in line
    token_id = line.split()[0]

    rotated = runner.invoke(cli, ["token", "rotate", token_id])
    assert rotated.exit_code == 0, rotated.output
    new_secret = rotated.stdout.strip()
    assert new_secret.startswith("jc_") and new_secret != secret
    after = runner.invoke(cli, ["token", "list", "--all", "--party", "elm"])
    assert "revoked" in after.output and new_secret[:8] in after.output
    refused = runner.invoke(cli, ["token", "rotate", token_id])
    assert refused.exit_code == 1 and "No such live token" in refused.output


async def test_a_partys_administrators_see_its_credential_events(
    gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "ash")
    await register_party(gql, admin_token, "elm")
    ash_admin = await party_admin_token(gql, admin_token, "ash")
    await party_admin_token(gql, admin_token, "elm")
    officer = await issue_token(gql, admin_token, "OFFICER", "ash")
    listed = await gql.ok(
        "{ tokens(first: 10, filter: {role: OFFICER}) { edges { node { id } } } }",
        token=admin_token,
    )
    officer_id = listed["tokens"]["edges"][0]["node"]["id"]
    await gql.ok(
        "mutation($id: ID!) { revokeToken(input: {id: $id}) { errors { code } } }",
        {"id": officer_id},
        token=admin_token,
    )  # fmt: skip  (break-glass)
    query = """query($after: String) { credentialEvents(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { seq action actorRole } } } }"""
    first = (await gql.ok(query, token=ash_admin))["credentialEvents"]
    page = [e["node"] for e in first["edges"]]
    # newest first: the registry's break-glass revocation is in the party's own trail
    assert [(e["action"], e["actorRole"]) for e in page] == [
        ("token.revoke", "admin"), ("token.issue", "party_admin")]  # fmt: skip
    assert first["totalCount"] == 7 and first["pageInfo"]["hasNextPage"]
    everything = query.replace("first: 2", "first: 10")
    after = first["pageInfo"]["endCursor"]
    rest = (await gql.ok(everything, {"after": after}, token=ash_admin))["credentialEvents"]
    older = [e["node"] for e in rest["edges"]]
    assert not rest["pageInfo"]["hasNextPage"]
    # the officer's issuer enrolled after the first administrator, who was told of the
    # registry's enrolment and approved it (``enrolments_need_consent()``)
    assert [(e["action"], e["actorRole"]) for e in older] == [
        ("token.enrol", "party_admin"),
        ("enrolment.approve", "party_admin"),
        ("enrolment.create", "admin"),
        ("token.enrol", "party_admin"),
        ("enrolment.create", "admin"),
    ]
    assert (await gql(query, token=officer))["errors"][0]["extensions"]["code"] in (
        "FORBIDDEN", "UNAUTHENTICATED")  # fmt: skip
