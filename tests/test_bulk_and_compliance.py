"""Bulk submission (including a retry after a partial failure) and the compliance report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import GraphQLClient
from tests.helpers import CASES, case_input, decide, issue_token, register_party, submit

SUBMIT_CASES = """
mutation($input: SubmitCasesInput!) {
  submitCases(input: $input) {
    created alreadyPresent rejected
    results { index created case { id reference } errors { code field message } }
    errors { code field message }
  }
}"""
COMPLIANCE = """
query($from: Date!, $to: Date!, $party: String) {
  complianceReport(from: $from, to: $to, party: $party) {
    received acknowledgedOnTime triagedOnTime closedOutOfScope withdrawn respondentLeft
    decided decidedOnTime medianDaysToDecision open openOverdue
    appealsLodged appealsUpheld appealsVaried appealsOverturned appealsPending
    timeToDecision { fromDays toDays count }
  }
}"""


@pytest.fixture
async def officer(gql: GraphQLClient, admin_token: str) -> str:
    await register_party(gql, admin_token, "party-a")
    return await issue_token(gql, admin_token, "OFFICER", "party-a")


async def _bulk(gql: GraphQLClient, officer: str, items: list[dict]) -> dict:
    return (await gql.ok(SUBMIT_CASES, {"input": {"cases": items}}, token=officer))["submitCases"]


async def test_bulk_submission_and_retry_after_partial_failure(
    gql: GraphQLClient, officer: str
) -> None:
    items = [case_input(f"B-{n:03d}") for n in range(20)]
    items[3]["provisions"] = ["JC99"]
    items[7]["channel"] = "pigeon"
    items[12]["reference"] = "B-000"  # twice in one call
    first = await _bulk(gql, officer, items)
    assert (first["created"], first["alreadyPresent"], first["rejected"]) == (17, 0, 3)
    assert [r["index"] for r in first["results"]] == list(range(20))
    rejected = {r["index"]: r["errors"][0] for r in first["results"] if r["errors"]}
    assert rejected[3]["code"] == "UNKNOWN_PROVISION"
    assert rejected[3]["field"] == ["input", "cases", "3", "provisions"]
    assert rejected[7]["field"] == ["input", "cases", "7", "channel"]
    assert rejected[12]["code"] == "INVALID_REFERENCE" and "item 0" in rejected[12]["message"]

    # the retry sends everything again, with the two bad items fixed
    items[3]["provisions"] = ["JC1"]
    items[7]["channel"] = "email"
    items[12]["reference"] = "B-012"
    retry = await _bulk(gql, officer, items)
    assert (retry["created"], retry["alreadyPresent"], retry["rejected"]) == (3, 17, 0)
    assert {r["index"] for r in retry["results"] if r["created"]} == {3, 7, 12}
    total = (await gql.ok(CASES, {"first": 1}, token=officer))["cases"]["totalCount"]
    assert total == 20

    too_many = await _bulk(gql, officer, [case_input(f"X-{n}") for n in range(501)])
    assert too_many["errors"][0]["code"] == "TOO_MANY_CASES" and too_many["results"] == []


async def test_compliance_report(gql: GraphQLClient, officer: str) -> None:
    today = date.today()
    long_ago = (today - timedelta(days=200)).isoformat()
    # decided quickly (5 days) and late (150 days), one left open and overdue
    quick = await submit(gql, officer, "C-1", receivedOn=long_ago, acknowledgedOn=long_ago)
    late = await submit(gql, officer, "C-2", receivedOn=long_ago)
    await submit(gql, officer, "C-3", receivedOn=long_ago)
    await decide(gql, officer, quick, decided_on=(today - timedelta(days=195)).isoformat())
    await decide(gql, officer, late, decided_on=(today - timedelta(days=50)).isoformat())
    await submit(gql, officer, "C-4", receivedOn=today.isoformat())  # outside the period

    report = (
        await gql.ok(
            COMPLIANCE,
            {"from": long_ago, "to": (today - timedelta(days=1)).isoformat()},
            token=officer,
        )
    )["complianceReport"]
    assert report["received"] == 3
    assert report["acknowledgedOnTime"] == 1  # C-1 at receipt; C-2 only at its late triage
    assert report["decided"] == 2 and report["decidedOnTime"] == 1
    assert report["medianDaysToDecision"] == 77.5  # (5 + 150) / 2
    assert [b["count"] for b in report["timeToDecision"]] == [1, 1, 0, 0]
    assert report["open"] == 1 and report["openOverdue"] == 1
    assert report["appealsLodged"] == 0

    body = await gql(COMPLIANCE, {"from": "2026-02-01", "to": "2026-01-01"}, token=officer)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    other = await gql(COMPLIANCE, {"from": long_ago, "to": long_ago, "party": "party-b"},
                      token=officer)  # fmt: skip
    nothing = await gql(COMPLIANCE, {"from": long_ago, "to": long_ago, "party": "no-such"},
                        token=officer)  # fmt: skip
    assert other == nothing and other["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
