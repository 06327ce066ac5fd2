"""GraphQL documents and small helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import codes
from codes.guidance import sanction_guidance
from tests.conftest import GraphQLClient

REGISTER_PARTY = """
mutation($input: RegisterPartyInput!) {
  registerParty(input: $input) { party { id slug } errors { code field message } }
}"""
ISSUE_TOKEN = """
mutation($input: IssueTokenInput!) {
  issueToken(input: $input) {
    token tokenInfo { id role partySlug } errors { code field message }
  }
}"""
SUBMIT_CASE = """
mutation($input: SubmitCaseInput!) {
  submitCase(input: $input) {
    created
    case { id reference state version provisions receivedOn }
    errors { code field message }
  }
}"""
DECIDE_CASE = """
mutation($input: DecideCaseInput!) {
  decideCase(input: $input) {
    case { id state sanction version provisions findings { provision proven } }
    errors { code field message }
  }
}"""
TRIAGE = """
mutation($input: TriageCaseInput!) {
  triageCase(input: $input) { case { id state version provisions } errors { code field message } }
}"""
START = """
mutation($input: StartAssessmentInput!) {
  startAssessment(input: $input) {
    case { id state version provisions } errors { code field message }
  }
}"""
PREVIEW = """
mutation {
  previewRelease(input: {}) {
    preview { id recordCount heldBackCount waiting k levels { attribute level } }
    errors { code message }
  }
}"""
PUBLISH = """
mutation($input: PublishReleaseInput!) {
  publishRelease(input: $input) {
    release { id number recordCount heldBackCount k contentHash previousHash }
    errors { code message }
  }
}"""
STATISTICS = """
query($groupBy: [StatisticsDimension!]!, $filter: StatisticsFilter) {
  statistics(groupBy: $groupBy, filter: $filter) { party year provision sanction count }
}"""
CASES = """
query($first: Int!, $after: String, $filter: CaseFilter) {
  cases(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id reference state } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def register_party(gql: GraphQLClient, admin: str, slug: str) -> str:
    data = await gql.ok(
        REGISTER_PARTY, {"input": {"slug": slug, "name": f"Party {slug}"}}, token=admin
    )
    assert data["registerParty"]["errors"] == []
    return data["registerParty"]["party"]["id"]


ENROLMENT = """mutation($party: String!) {
  createEnrolment(input: {party: $party}) { code errors { code message } }
}"""
ENROL = """mutation($code: String!) {
  enrol(input: {code: $code, label: "test"}) { token errors { code message } }
}"""


APPROVE = """mutation($id: ID!) {
  approveEnrolment(input: {id: $id}) { enrolment { id approvedBy } errors { code message } }
}"""


async def party_admin_token(gql: GraphQLClient, admin: str, party: str) -> str:
    """A party's administrator, as in production: the registry admin's one-time code,
    traded for a PARTY_ADMIN token with no token at all. A party's first administrator
    is enrolled once per test; later ones are approved by the first
    (``enrolments_need_consent()``)."""
    first = gql.party_admins.get(party)
    created = await gql.ok(
        ENROLMENT.replace("code errors", "code enrolmentId errors"), {"party": party}, token=admin
    )
    assert created["createEnrolment"]["errors"] == [], created
    if first is not None:
        approved = await gql.ok(
            APPROVE, {"id": created["createEnrolment"]["enrolmentId"]}, token=first
        )
        assert approved["approveEnrolment"]["errors"] == [], approved
    enrolled = await gql.ok(ENROL, {"code": created["createEnrolment"]["code"]})
    assert enrolled["enrol"]["errors"] == [], enrolled
    gql.party_admins.setdefault(party, enrolled["enrol"]["token"])
    return enrolled["enrol"]["token"]


async def issue_token(gql: GraphQLClient, admin: str, role: str, party: str | None = None) -> str:
    """A token of any role: party roles go through the party's own administrator."""
    if role == "PARTY_ADMIN":
        assert party is not None
        return await party_admin_token(gql, admin, party)
    issuer = await party_admin_token(gql, admin, party) if role == "OFFICER" else admin
    assert role != "OFFICER" or party is not None
    data = await gql.ok(ISSUE_TOKEN, {"input": {"role": role, "party": party}}, token=issuer)
    assert data["issueToken"]["errors"] == [], data
    return data["issueToken"]["token"]


def case_input(reference: str, **overrides: Any) -> dict[str, Any]:
    values = {
        "reference": reference,
        "receivedOn": "2026-03-02",
        "provisions": ["JC6"],
        "channel": "social_x",
        "respondentRole": "member",
        "summary": "Private narrative that must never leave the party.",
    }
    values.update(overrides)
    return values


async def submit(gql: GraphQLClient, token: str, reference: str, **overrides: Any) -> dict:
    data = await gql.ok(SUBMIT_CASE, {"input": case_input(reference, **overrides)}, token=token)
    assert data["submitCase"]["errors"] == [], data
    return data["submitCase"]["case"]


def departure_for(
    provisions: list[str], sanction: str, factors: Sequence[str] = (), version: str = "1"
) -> str | None:
    """Tests choose sanctions freely; the code asks for a coded reason outside its range."""
    code = codes.get_version(version)
    assert code is not None
    guidance = sanction_guidance(code, provisions=provisions, factors=factors)
    term = code.sanction(sanction)
    return "proportionality" if term is not None and not guidance.within_range(term) else None


async def to_assessment(gql: GraphQLClient, token: str, case: dict, on: str = "2026-05-04") -> dict:
    """Triage and start assessing a received case; returns it under assessment."""
    data = await gql.ok(
        TRIAGE,
        {"input": {"id": case["id"], "expectedVersion": case["version"], "inScope": True,
                   "triagedOn": on}},
        token=token,
    )  # fmt: skip
    assert data["triageCase"]["errors"] == [], data
    case = data["triageCase"]["case"]
    data = await gql.ok(
        START,
        {"input": {"id": case["id"], "expectedVersion": case["version"], "startedOn": on}},
        token=token,
    )
    assert data["startAssessment"]["errors"] == [], data
    return data["startAssessment"]["case"]


async def decide(
    gql: GraphQLClient,
    token: str,
    case: dict,
    sanction: str = "advice",
    proven: bool = True,
    decided_on: str = "2026-05-04",
    **extra: Any,
) -> dict:
    case = await to_assessment(gql, token, case, on=decided_on)
    payload = {
        "id": case["id"],
        "expectedVersion": case["version"],
        "findings": [{"provision": p, "proven": proven} for p in case["provisions"]],
        "sanction": sanction,
        "decidedOn": decided_on,
        **extra,
    }
    if proven and "departureReason" not in extra:
        reason = departure_for(case["provisions"], sanction, extra.get("factors", ()))
        if reason:
            payload["departureReason"] = reason
    data = await gql.ok(DECIDE_CASE, {"input": payload}, token=token)
    assert data["decideCase"]["errors"] == [], data
    return data["decideCase"]["case"]


OPERATOR: list[Any] = []  # the owner's Database, registered by the owner_db fixture


async def preview_release(
    gql: GraphQLClient, token: str, document: str = PREVIEW, *, close_year: bool = True
) -> dict:
    """previewRelease's preview (``document`` must ask for ``waiting``). Records are
    released for closed, published years only; a test cannot wait for the year to close,
    so unless ``close_year`` is False, when outcomes wait for it the operator publishes
    (or revises) this year's last edition, as the calendar would, and previews again."""
    data = (await gql.ok(document, token=token))["previewRelease"]
    assert data["errors"] == [], data
    if close_year and data["preview"]["waiting"] and OPERATOR:
        await publish_statistics(OPERATOR[0])
        data = (await gql.ok(document, token=token))["previewRelease"]
        assert data["errors"] == [], data
    return data["preview"]


async def publish(gql: GraphQLClient, token: str, *, close_year: bool = True) -> dict:
    """Preview (closing the year unless told not to: ``preview_release``), then publish
    that preview; returns the publishRelease payload."""
    preview = await preview_release(gql, token, close_year=close_year)
    data = await gql.ok(PUBLISH, {"input": {"previewId": preview["id"]}}, token=token)
    return data["publishRelease"]


async def publish_statistics(owner_db: Any) -> None:
    """The operator publishes this year's last edition of the statistics now (or revises
    it), as the calendar would once the year closed: a test cannot wait."""
    from codes import clock
    from publication import statistics

    # the year's last quarter: it holds every outcome made final this year and closes the
    # year, so the year and all-time tables hold them too, whatever day the suite runs
    quarter = f"{clock.today().year}-Q4"
    async with owner_db.transaction() as session:
        made = await statistics.publish_edition(session=session, edition=quarter)
        if made is None:
            await statistics.publish_edition(session=session, edition=quarter, reason="test")
