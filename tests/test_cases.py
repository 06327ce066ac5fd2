"""Case submission and decision: validation against the code, states, versions, paging."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQLClient
from tests.helpers import (
    CASES,
    DECIDE_CASE,
    SUBMIT_CASE,
    case_input,
    decide,
    issue_token,
    register_party,
    submit,
    to_assessment,
)


@pytest.fixture
async def officer(gql: GraphQLClient, admin_token: str) -> str:
    await register_party(gql, admin_token, "party-a")
    return await issue_token(gql, admin_token, "OFFICER", "party-a")


async def _count(gql: GraphQLClient, officer: str) -> int:
    return (await gql.ok(CASES, {"first": 1}, token=officer))["cases"]["totalCount"]


async def test_submission_errors_list_allowed_ids_and_change_nothing(
    gql: GraphQLClient, officer: str
) -> None:
    bad = case_input(
        "R-1",
        provisions=["JC1", "JC99"],
        channel="carrier_pigeon",
        respondentRole="king",
        receivedOn="2999-01-01",
    )
    body = await gql.ok(SUBMIT_CASE, {"input": bad}, token=officer)
    errors = body["submitCase"]["errors"]
    assert {e["code"] for e in errors} == {
        "UNKNOWN_PROVISION",
        "UNKNOWN_CHANNEL",
        "UNKNOWN_RESPONDENT_ROLE",
        "INVALID_DATE",
    }
    provision_error = next(e for e in errors if e["code"] == "UNKNOWN_PROVISION")
    assert provision_error["field"] == ["input", "provisions"]
    assert "JC99" in provision_error["message"] and "JC13" in provision_error["message"]
    assert body["submitCase"]["case"] is None
    assert await _count(gql, officer) == 0


async def test_decision_rules(gql: GraphQLClient, officer: str) -> None:
    received = await submit(gql, officer, "D-1", provisions=["JC1", "JC6"])
    case = await to_assessment(gql, officer, received, on="2026-03-05")

    async def attempt(**fields) -> list[dict]:
        payload = {
            "id": case["id"],
            "expectedVersion": case["version"],
            "findings": [],
            "sanction": "advice",
            "decidedOn": "2026-04-01",
            **fields,
        }
        return (await gql.ok(DECIDE_CASE, {"input": payload}, token=officer))["decideCase"][
            "errors"
        ]

    errors = await attempt(
        findings=[{"provision": "JC1", "proven": True}, {"provision": "JC2", "proven": True}]
    )
    assert {e["code"] for e in errors} == {"MISSING_FINDING", "FINDING_NOT_ALLEGED"}
    both_unproven = [{"provision": "JC1", "proven": False}, {"provision": "JC6", "proven": False}]
    assert [e["code"] for e in await attempt(findings=both_unproven)] == [
        "SANCTION_WITHOUT_FINDING"
    ]
    proven = [{"provision": "JC1", "proven": True}, {"provision": "JC6", "proven": False}]
    assert [e["code"] for e in await attempt(findings=proven, sanction="suspension")] == [
        "SUSPENSION_LENGTH"
    ]
    assert [e["code"] for e in await attempt(findings=proven, sanction="flogging")] == [
        "UNKNOWN_SANCTION"
    ]
    assert [e["code"] for e in await attempt(findings=proven, expectedVersion=7)] == [
        "STALE_VERSION"
    ]
    assert [e["code"] for e in await attempt(findings=None)] == ["ASSESSMENT_REQUIRED"]
    assert [e["code"] for e in await attempt(findings=proven, decidedOn="2026-03-01")] == [
        "INVALID_DATE"
    ]
    # Nothing above changed the case.
    listed = await gql.ok(CASES, {"first": 5}, token=officer)
    assert listed["cases"]["edges"][0]["node"]["state"] == "UNDER_ASSESSMENT"

    assert await attempt(findings=proven, sanction="suspension", suspensionMonths=6) == []
    again = await attempt(findings=proven, expectedVersion=case["version"] + 1)
    assert again[0]["code"] == "INVALID_TRANSITION"
    assert "decided" in again[0]["message"] and "lodgeAppeal" in again[0]["message"]


async def test_keyset_pagination_visits_every_case_once(gql: GraphQLClient, officer: str) -> None:
    for n in range(25):
        await submit(gql, officer, f"P-{n:02d}", receivedOn=f"2026-01-{(n % 5) + 1:02d}")
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await gql.ok(CASES, {"first": 10, "after": after}, token=officer))["cases"]
        assert page["totalCount"] == 25
        seen += [e["node"]["reference"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert sorted(seen) == sorted(f"P-{n:02d}" for n in range(25))

    body = await gql(CASES, {"first": 10, "after": "bm9wZQ=="}, token=officer)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = await gql(CASES, {"first": 500}, token=officer)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_filter_by_state_and_provision(gql: GraphQLClient, officer: str) -> None:
    first = await submit(gql, officer, "F-1", provisions=["JC4"])
    await submit(gql, officer, "F-2", provisions=["JC6"])
    await decide(gql, officer, first)
    decided = await gql.ok(CASES, {"first": 10, "filter": {"states": ["DECIDED"]}}, token=officer)
    assert [e["node"]["reference"] for e in decided["cases"]["edges"]] == ["F-1"]
    jc6 = await gql.ok(CASES, {"first": 10, "filter": {"provision": "JC6"}}, token=officer)
    assert [e["node"]["reference"] for e in jc6["cases"]["edges"]] == ["F-2"]


CASE_CODES = """
query($id: ID!) {
  node(id: $id) {
    ... on Case {
      targetRole characteristics formsOfHate factors referrals departureReason
      severityLevel recommendedFrom recommendedTo sanction version
    }
  }
}"""


async def test_every_coded_submission_field_is_checked_against_the_version(
    gql: GraphQLClient, officer: str
) -> None:
    bad = case_input(
        "V-1",
        provisions=["JC4", "JC4"],
        targetRole="monarch",
        characteristics=["height", "race", "race"],
        formsOfHate=["snobbery"],
    )
    errors = (await gql.ok(SUBMIT_CASE, {"input": bad}, token=officer))["submitCase"]["errors"]
    by_code = {e["code"]: e for e in errors}
    assert sorted(by_code) == [
        "DUPLICATE_PROVISION",
        "DUPLICATE_VALUE",
        "UNKNOWN_CHARACTERISTIC",
        "UNKNOWN_FORM_OF_HATE",
        "UNKNOWN_TARGET_ROLE",
    ]
    assert by_code["UNKNOWN_TARGET_ROLE"]["field"] == ["input", "targetRole"]
    assert "journalist" in by_code["UNKNOWN_TARGET_ROLE"]["message"]
    assert "sexual_orientation" in by_code["UNKNOWN_CHARACTERISTIC"]["message"]
    assert "islamophobia" in by_code["UNKNOWN_FORM_OF_HATE"]["message"]
    assert by_code["DUPLICATE_VALUE"]["field"] == ["input", "characteristics"]
    assert await _count(gql, officer) == 0

    good = case_input(
        "V-2",
        provisions=["JC4"],
        targetRole="candidate",
        characteristics=["age"],
        formsOfHate=["antisemitism", "misogyny"],
    )
    case = await submit(gql, officer, "V-2", **{k: v for k, v in good.items() if k != "reference"})
    stored = (await gql.ok(CASE_CODES, {"id": case["id"]}, token=officer))["node"]
    assert stored["targetRole"] == "candidate"
    # a form of hate records the characteristic it targets too, in the code's order
    assert stored["characteristics"] == ["age", "religion_belief", "sex"]
    assert stored["formsOfHate"] == ["antisemitism", "misogyny"]


async def test_decision_stores_guidance_and_needs_a_reason_to_depart(
    gql: GraphQLClient, officer: str
) -> None:
    received = await submit(gql, officer, "G-1", provisions=["JC6"])  # base severity 2
    case = await to_assessment(gql, officer, received)
    proven = [{"provision": "JC6", "proven": True}]

    async def attempt(**fields) -> list[dict]:
        payload = {
            "id": case["id"],
            "expectedVersion": case["version"],
            "findings": proven,
            "sanction": "advice",
            "decidedOn": "2026-05-04",
            **fields,
        }
        return (await gql.ok(DECIDE_CASE, {"input": payload}, token=officer))["decideCase"][
            "errors"
        ]

    errors = await attempt(factors=["charm", "apology", "apology"])
    assert sorted(e["code"] for e in errors) == ["DUPLICATE_FACTOR", "UNKNOWN_FACTOR"]
    unknown_factor = next(e for e in errors if e["code"] == "UNKNOWN_FACTOR")
    assert unknown_factor["field"] == ["input", "factors"]
    assert "previous_sanction" in unknown_factor["message"]
    [referral] = await attempt(referrals=["press"])
    assert referral["code"] == "UNKNOWN_REFERRAL" and "platform" in referral["message"]

    # repeated + previous sanction: level 4, suspension to expulsion; advice departs
    factors = ["repeated", "previous_sanction"]
    [needed] = await attempt(factors=factors)
    assert needed["code"] == "DEPARTURE_REASON_REQUIRED"
    assert "level 4 (suspension to expulsion)" in needed["message"]
    assert "proportionality" in needed["message"]
    [bad_reason] = await attempt(factors=factors, departureReason="whim")
    assert bad_reason["code"] == "UNKNOWN_DEPARTURE_REASON"
    assert "exceptional_circumstances" in bad_reason["message"]
    [not_needed] = await attempt(
        factors=factors, sanction="expulsion", departureReason="proportionality"
    )
    assert not_needed["code"] == "DEPARTURE_REASON_NOT_NEEDED"
    unchanged = (await gql.ok(CASE_CODES, {"id": case["id"]}, token=officer))["node"]
    assert unchanged["version"] == 3 and unchanged["sanction"] is None

    assert (
        await attempt(
            factors=factors, referrals=["police"], departureReason="exceptional_circumstances"
        )
        == []
    )
    stored = (await gql.ok(CASE_CODES, {"id": case["id"]}, token=officer))["node"]
    assert stored == {
        "targetRole": None,
        "characteristics": [],
        "formsOfHate": [],
        "factors": ["repeated", "previous_sanction"],
        "referrals": ["police"],
        "departureReason": "exceptional_circumstances",
        "severityLevel": 4,
        "recommendedFrom": "suspension",
        "recommendedTo": "expulsion",
        "sanction": "advice",
        "version": 4,
    }


async def test_nothing_proven_has_no_guidance(gql: GraphQLClient, officer: str) -> None:
    case = await submit(gql, officer, "N-1", provisions=["JC3"])
    decided = await decide(gql, officer, case, sanction="no_further_action", proven=False)
    stored = (await gql.ok(CASE_CODES, {"id": decided["id"]}, token=officer))["node"]
    assert stored["severityLevel"] is None and stored["recommendedFrom"] is None


async def test_oldest_first_ordering_pages_too(gql: GraphQLClient, officer: str) -> None:
    for n in range(7):
        await submit(gql, officer, f"O-{n}", receivedOn=f"2026-01-{n + 1:02d}")
    query = """
    query($after: String) {
      cases(first: 3, after: $after, orderBy: RECEIVED_OLDEST) {
        edges { node { reference } } pageInfo { hasNextPage endCursor }
      }
    }"""
    seen, after = [], None
    while True:
        page = (await gql.ok(query, {"after": after}, token=officer))["cases"]
        seen += [e["node"]["reference"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"O-{n}" for n in range(7)]
    newest_cursor = (await gql.ok(CASES, {"first": 1}, token=officer))["cases"]["pageInfo"][
        "endCursor"
    ]
    mixed = await gql(query, {"after": newest_cursor}, token=officer)
    assert mixed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
