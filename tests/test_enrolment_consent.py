"""No operator path to a party's cases (issue 21): the registry admin enrolled itself as a
party's administrator, issued an officer token and read the party's cases. Now a party
that has had an administrator must consent (or the Committee co-sign), and is told."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    APPROVE,
    CASES,
    ENROL,
    ISSUE_TOKEN,
    issue_token,
    party_admin_token,
    register_party,
    submit,
)

CREATE = """mutation($party: String!) {
  createEnrolment(input: {party: $party}) { code enrolmentId needsConsent errors { code } }
}"""
LIST = "{ enrolments(first: 10) { totalCount edges { node { id partySlug needsConsent approvedBy usedAt } } } }"  # noqa: E501
EVENTS = "{ credentialEvents(first: 20) { edges { node { action actorRole } } } }"
REVOKE = "mutation($id: ID!) { revokeToken(input: {id: $id}) { errors { code } } }"


@pytest.fixture
async def committee_token(gql: GraphQLClient, admin_token: str) -> str:
    return await issue_token(gql, admin_token, "COMMITTEE")


async def _registry_tries_to_take_over(gql: GraphQLClient, admin: str, party: str) -> dict:
    created = (await gql.ok(CREATE, {"party": party}, token=admin))["createEnrolment"]
    assert created["errors"] == [] and created["needsConsent"] is True
    enrolled = (await gql.ok(ENROL, {"code": created["code"]}))["enrol"]
    assert enrolled["token"] is None
    assert [e["code"] for e in enrolled["errors"]] == ["ENROLMENT_AWAITS_CONSENT"]
    return created


async def test_the_registry_cannot_enrol_itself_into_a_party_that_has_an_administrator(
    gql: GraphQLClient, admin_token: str, committee_token: str
) -> None:
    await register_party(gql, admin_token, "lantern")
    await register_party(gql, admin_token, "meadow")
    officer = await issue_token(gql, admin_token, "OFFICER", "lantern")
    await submit(gql, officer, "L-1")
    lantern_admin = gql.party_admins["lantern"]
    meadow_admin = await party_admin_token(gql, admin_token, "meadow")

    created = await _registry_tries_to_take_over(gql, admin_token, "lantern")
    # the party is told at once: in its trail, and in its list of enrolments
    events = (await gql.ok(EVENTS, token=lantern_admin))["credentialEvents"]["edges"]
    events = [e["node"] for e in events]
    assert (events[0]["action"], events[0]["actorRole"].lower()) == ("enrolment.create", "admin")
    listed = (await gql.ok(LIST, token=lantern_admin))["enrolments"]
    pending = [e["node"] for e in listed["edges"] if e["node"]["id"] == created["enrolmentId"]]
    assert pending == [{"id": created["enrolmentId"], "partySlug": "lantern",
                        "needsConsent": True, "approvedBy": None, "usedAt": None}]  # fmt: skip
    # another party sees none of it
    theirs = (await gql.ok(LIST, token=meadow_admin))["enrolments"]["edges"]
    assert theirs and all(e["node"]["partySlug"] == "meadow" for e in theirs)
    # nobody but the party's administrators (or the Committee) may consent
    body = await gql.ok(APPROVE, {"id": created["enrolmentId"]}, token=meadow_admin)
    assert [e["code"] for e in body["approveEnrolment"]["errors"]] == ["ENROLMENT_NOT_FOUND"]
    for token in (admin_token, officer):
        body = await gql(APPROVE, {"id": created["enrolmentId"]}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    still = (await gql.ok(ENROL, {"code": created["code"]}))["enrol"]
    assert [e["code"] for e in still["errors"]] == ["ENROLMENT_AWAITS_CONSENT"]
    # the party consents: the code works, once
    approved = await gql.ok(APPROVE, {"id": created["enrolmentId"]}, token=lantern_admin)
    assert approved["approveEnrolment"]["enrolment"]["approvedBy"] == "PARTY_ADMIN"
    enrolled = (await gql.ok(ENROL, {"code": created["code"]}))["enrol"]
    assert enrolled["errors"] == [] and enrolled["token"]


async def test_revoking_every_administrator_opens_nothing_but_the_committee_can_cosign(
    gql: GraphQLClient, admin_token: str, committee_token: str
) -> None:
    """Break-glass revocation of all a party's administrators does not make it a "new"
    party again; a party that lost them all gets a new one with a second person."""
    await register_party(gql, admin_token, "lantern")
    officer = await issue_token(gql, admin_token, "OFFICER", "lantern")
    await submit(gql, officer, "L-1")
    listed = await gql.ok(
        '{ tokens(first: 20, filter: {party: "lantern"}) { edges { node { id role } } } }',
        token=admin_token,
    )
    for edge in listed["tokens"]["edges"]:
        assert (await gql.ok(REVOKE, {"id": edge["node"]["id"]}, token=admin_token))[
            "revokeToken"]["errors"] == []  # fmt: skip
    created = await _registry_tries_to_take_over(gql, admin_token, "lantern")
    seen = (await gql.ok(LIST, token=committee_token))["enrolments"]["edges"]
    assert [e["node"]["id"] for e in seen] == [created["enrolmentId"]]  # awaiting only
    cosigned = await gql.ok(APPROVE, {"id": created["enrolmentId"]}, token=committee_token)
    assert cosigned["approveEnrolment"]["enrolment"]["approvedBy"] == "COMMITTEE"
    new_admin = (await gql.ok(ENROL, {"code": created["code"]}))["enrol"]["token"]
    events = (await gql.ok(EVENTS, token=new_admin))["credentialEvents"]["edges"]
    events = [e["node"] for e in events]
    assert [e["action"] for e in events[:3]] == ["token.enrol", "enrolment.approve",
                                                 "enrolment.create"]  # fmt: skip
    assert events[1]["actorRole"].lower() == "committee"
    # the new administrator runs the party; the registry itself still reads no case
    new_officer = await gql.ok(ISSUE_TOKEN, {"input": {"role": "OFFICER", "party": "lantern"}},
                               token=new_admin)  # fmt: skip
    assert (await gql.ok(CASES, {"first": 5}, token=new_officer["issueToken"]["token"]))[
        "cases"]["totalCount"] == 1  # fmt: skip


async def test_the_app_role_cannot_forge_consent_or_an_untold_enrolment(
    gql: GraphQLClient, admin_token: str, db: Database
) -> None:
    """As a compromised API process holding the registry admin's token, in raw SQL."""
    await register_party(gql, admin_token, "lantern")
    await issue_token(gql, admin_token, "OFFICER", "lantern")
    await _registry_tries_to_take_over(gql, admin_token, "lantern")
    async with db.transaction(credential=admin_token) as session:
        raw_id = await session.scalar(
            text("SELECT id FROM enrolments WHERE needs_consent ORDER BY created_at DESC")
        )
        # the registry's own binding cannot consent
        assert await session.scalar(text("SELECT jc_approve_enrolment(:e)"), {"e": raw_id}) is None
    for statement in (
        "UPDATE enrolments SET approved_at = now(), approved_by = 'party_admin:x'",
        "UPDATE enrolments SET needs_consent = false",
        "INSERT INTO enrolments (party_id, code_hash, expires_at, needs_consent, approved_at) "
        "SELECT party_id, '\\x01', now() + interval '1 day', false, now() FROM enrolments LIMIT 1",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with db.transaction(credential=admin_token) as session:
                await session.execute(text(statement))
    # a row written past the domain code (no entry in the party's trail): opens nothing,
    # and the database marks it as needing consent whatever the writer wanted
    code = "jce_written-by-hand"
    async with db.transaction(credential=admin_token) as session:
        await session.execute(
            text(
                "INSERT INTO enrolments (party_id, code_hash, expires_at) SELECT party_id, "
                ":h, now() + interval '1 day' FROM enrolments LIMIT 1"
            ),
            {"h": hashlib.sha256(code.encode()).digest()},
        )
    with pytest.raises(DBAPIError, match="not told"):
        async with db.transaction() as session:
            await session.execute(
                text("SELECT * FROM jc_enrol(:c, '\\x02', 'jc_x', '')"), {"c": code}
            )
    async with db.transaction(credential=gql.party_admins["lantern"]) as session:
        rows = (
            await session.execute(
                text("SELECT needs_consent, approved_at FROM enrolments ORDER BY created_at")
            )
        ).all()
    assert [tuple(r) for r in rows] == [(False, None), (True, None), (True, None)]
