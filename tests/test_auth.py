"""Authentication and roles: UNAUTHENTICATED and FORBIDDEN as top-level errors."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQLClient
from tests.helpers import (
    CASES,
    DECIDE_CASE,
    SUBMIT_CASE,
    case_input,
    issue_token,
    register_party,
)

CASE_FIELDS = [
    (CASES, {"first": 5}),
    (SUBMIT_CASE, {"input": case_input("X-1")}),
    ("mutation { previewRelease(input: {}) { errors { code } } }", {}),
    (
        'mutation { publishRelease(input: {previewId: "UmVsZWFzZVByZXZpZXc6eA=="}) '
        "{ errors { code } } }",
        {},
    ),
    (
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": "Q2FzZTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="},
    ),
    (
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": ["Q2FzZTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="]},
    ),
    (
        DECIDE_CASE,
        {
            "input": {
                "id": "Q2FzZTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA=",
                "expectedVersion": 1,
                "sanction": "advice",
            }
        },
    ),
]
ADMIN_FIELDS = [
    ("{ tokens(first: 5) { totalCount } }", {}),
    ("mutation { issueToken(input: {role: COMMITTEE}) { token } }", {}),
    ('mutation { revokeToken(input: {id: "x"}) { errors { code } } }', {}),
    ('mutation { rotateToken(input: {id: "x"}) { errors { code } } }', {}),
    ('mutation { registerParty(input: {slug: "zz", name: "Z"}) { errors { code } } }', {}),
    ('mutation { updateParty(input: {party: "zz", name: "Z"}) { errors { code } } }', {}),
    (
        'mutation { adoptCode(input: {party: "zz", codeVersion: "1", adoptedOn: "2026-01-01"}) '
        "{ errors { code } } }",
        {},
    ),
    (
        'mutation { setSanctionMapping(input: {party: "zz", entries: []}) { errors { code } } }',
        {},
    ),
]


def _codes(body: dict) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors", [])}


async def test_public_fields_need_no_token(gql: GraphQLClient) -> None:
    data = await gql.ok("{ viewer { role } parties { slug } code { version k provisions { id } } }")
    assert data["viewer"] is None
    assert data["code"]["k"] == 10
    assert "JC1" in [p["id"] for p in data["code"]["provisions"]]


@pytest.mark.parametrize(("query", "variables"), CASE_FIELDS)
async def test_case_fields_need_a_token(gql: GraphQLClient, query: str, variables: dict) -> None:
    assert _codes(await gql(query, variables)) == {"UNAUTHENTICATED"}


@pytest.mark.parametrize("role", ["COMMITTEE", "ADMIN"])
@pytest.mark.parametrize(("query", "variables"), CASE_FIELDS)
async def test_committee_and_admin_are_forbidden_every_case_field(
    gql: GraphQLClient, admin_token: str, role: str, query: str, variables: dict
) -> None:
    token = admin_token if role == "ADMIN" else await issue_token(gql, admin_token, role)
    assert _codes(await gql(query, variables, token=token)) == {"FORBIDDEN"}


@pytest.mark.parametrize("role", ["OFFICER", "COMMITTEE", None])
@pytest.mark.parametrize(("query", "variables"), ADMIN_FIELDS)
async def test_only_admins_administer(
    gql: GraphQLClient, admin_token: str, role: str | None, query: str, variables: dict
) -> None:
    token = None
    if role == "OFFICER":
        await register_party(gql, admin_token, "party-a")
        token = await issue_token(gql, admin_token, role, "party-a")
    elif role == "COMMITTEE":
        token = await issue_token(gql, admin_token, role)
    expected = {"UNAUTHENTICATED"} if token is None else {"FORBIDDEN"}
    assert _codes(await gql(query, variables, token=token)) == expected


async def test_officer_cannot_administer(gql: GraphQLClient, admin_token: str) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    body = await gql("mutation { issueToken(input: {role: ADMIN}) { token } }", token=officer)
    assert _codes(body) == {"FORBIDDEN"}
    body = await gql('{ committeeSummary(period: "2026") { k } }', token=officer)
    assert _codes(body) == {"FORBIDDEN"}


async def test_bad_and_revoked_tokens_look_alike(gql: GraphQLClient, admin_token: str) -> None:
    committee = await issue_token(gql, admin_token, "COMMITTEE")
    ok = await gql.ok("{ viewer { role party { slug } } }", token=committee)
    assert ok["viewer"] == {"role": "COMMITTEE", "party": None}

    listed = await gql.ok(
        "mutation($i: IssueTokenInput!) { issueToken(input: $i) { token tokenInfo { id } } }",
        {"i": {"role": "COMMITTEE", "label": "to revoke"}},
        token=admin_token,
    )
    secret = listed["issueToken"]["token"]
    token_id = listed["issueToken"]["tokenInfo"]["id"]
    assert secret.startswith("jc_") and len(secret) >= 46
    revoked = await gql.ok(
        "mutation($i: RevokeTokenInput!) { revokeToken(input: $i) { tokenInfo { revokedAt } "
        "errors { code } } }",
        {"i": {"id": token_id}},
        token=admin_token,
    )
    assert revoked["revokeToken"]["tokenInfo"]["revokedAt"] is not None

    answers = []
    for token in (secret, "jc_not-a-real-token", "garbage"):
        response = await gql.raw("{ viewer { role } }", token=token)
        assert response.status_code == 401
        answers.append(response.json())
    assert answers[0] == answers[1] == answers[2]
    assert _codes(answers[0]) == {"UNAUTHENTICATED"}


async def test_token_issue_validation(gql: GraphQLClient, admin_token: str) -> None:
    body = await gql.ok(
        "mutation { issueToken(input: {role: OFFICER}) { token errors { code field } } }",
        token=admin_token,
    )
    # the registry admin never issues a party's tokens: its own administrators do
    assert body["issueToken"] == {
        "token": None,
        "errors": [{"code": "ROLE_NOT_ISSUABLE", "field": ["input", "role"]}],
    }
    body = await gql.ok(
        'mutation { issueToken(input: {role: OFFICER, party: "nope"}) { token errors { code } } }',
        token=admin_token,
    )
    assert body["issueToken"]["errors"] == [{"code": "ROLE_NOT_ISSUABLE"}]
