"""Party B against party A's objects: every answer is the answer for nothing at all.

For each query and mutation that takes an id, a reference or a filter, party B asks
about party A's object and about an object that does not exist; the two answers must
be identical (same error code and message, no counts, no ids), and nothing of party A
may change.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from db.session import Database
from schema.relay import from_global_id, to_global_id
from tests.conftest import GraphQLClient
from tests.helpers import DECIDE_CASE, SUBMIT_CASE, case_input, issue_token, register_party, submit

CASE_STATE = """
query($id: ID!) {
  node(id: $id) {
    ... on Case { reference state version sanction findings { provision proven } }
  }
}"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
CASES_FILTERED = """
query($filter: CaseFilter) {
  cases(first: 10, filter: $filter) { totalCount edges { node { id reference } } }
}"""
PUBLISH_FOR = """
mutation($party: String) {
  previewRelease(input: {party: $party}) { preview { id } errors { code field message } }
}"""
PUBLISH_PREVIEW = """
mutation($id: ID!) {
  publishRelease(input: {previewId: $id}) { release { id } errors { code field message } }
}"""


@pytest.fixture
async def world(gql: GraphQLClient, admin_token: str) -> dict[str, Any]:
    await register_party(gql, admin_token, "party-a")
    await register_party(gql, admin_token, "party-b")
    officer_a = await issue_token(gql, admin_token, "OFFICER", "party-a")
    officer_b = await issue_token(gql, admin_token, "OFFICER", "party-b")
    case_a = await submit(gql, officer_a, "A-SECRET-1", provisions=["JC7"])
    await submit(gql, officer_b, "B-1", provisions=["JC1"])
    before = (await gql.ok(CASE_STATE, {"id": case_a["id"]}, token=officer_a))["node"]
    return {"a": officer_a, "b": officer_b, "case_a": case_a, "before": before}


def _absent_case_id() -> str:
    return to_global_id("Case", uuid.uuid4())


def _probes(world: dict[str, Any]) -> list[tuple[str, str, dict, dict]]:
    """(name, document, variables about A's object, variables about nothing)."""
    case_a = world["case_a"]
    decide = {
        "findings": [{"provision": "JC7", "proven": True}],
        "sanction": "formal_warning",
        "expectedVersion": 1,
    }
    steps = [
        ("triageCase", "TriageCaseInput", {"inScope": True}),
        ("startAssessment", "StartAssessmentInput", {}),
        ("recordAssessment", "RecordAssessmentInput",
         {"assessment": {"findings": [{"provision": "JC7", "proven": True}]}}),
        ("lodgeAppeal", "LodgeAppealInput", {"appellant": "RESPONDENT"}),
        ("decideAppeal", "DecideAppealInput", {"outcome": "UPHELD"}),
        ("withdrawCase", "CloseCaseInput", {}),
        ("recordRespondentLeft", "CloseCaseInput", {}),
        ("recordInterimMeasure", "RecordInterimMeasureInput",
         {"startsOn": "2026-03-03", "endsOn": "2026-04-03"}),
    ]  # fmt: skip
    step_probes = [
        (
            name,
            f"mutation($input: {input_type}!) {{ {name}(input: $input) "
            "{ case { id } errors { code field message } } }",
            {"input": {"id": case_a["id"], "expectedVersion": 1, **extra}},
            {"input": {"id": _absent_case_id(), "expectedVersion": 1, **extra}},
        )
        for name, input_type, extra in steps
    ]
    return [
        *step_probes,
        ("node", NODE, {"id": case_a["id"]}, {"id": _absent_case_id()}),
        ("nodes", NODES, {"ids": [case_a["id"]]}, {"ids": [_absent_case_id()]}),
        (
            "cases by reference",
            CASES_FILTERED,
            {"filter": {"reference": "A-SECRET-1"}},
            {"filter": {"reference": "NO-SUCH-REF"}},
        ),
        (
            "cases by provision",
            CASES_FILTERED,
            {"filter": {"provision": "JC7"}},  # only A has a JC7 case
            {"filter": {"provision": "JC13"}},
        ),
        (
            "cases by state and dates",
            CASES_FILTERED,
            {
                "filter": {
                    "states": ["RECEIVED"],
                    "receivedFrom": "2026-03-02",
                    "receivedTo": "2026-03-02",
                    "provision": "JC7",
                }
            },
            {
                "filter": {
                    "states": ["RECEIVED"],
                    "receivedFrom": "2026-03-03",
                    "receivedTo": "2026-03-03",
                    "provision": "JC7",
                }
            },
        ),
        (
            "decideCase",
            DECIDE_CASE,
            {"input": {"id": case_a["id"], **decide}},
            {"input": {"id": _absent_case_id(), **decide}},
        ),
        (
            "decideCase with expectedVersion",
            DECIDE_CASE,
            {"input": {"id": case_a["id"], "expectedVersion": 1, **decide}},
            {"input": {"id": _absent_case_id(), "expectedVersion": 1, **decide}},
        ),
        ("previewRelease for A", PUBLISH_FOR, {"party": "party-a"}, {"party": "party-zzz"}),
        (
            "cases overdue",
            CASES_FILTERED,
            {"filter": {"overdue": True, "provision": "JC7"}},
            {"filter": {"overdue": True, "provision": "JC12"}},
        ),
    ]


async def test_party_b_learns_nothing_about_party_a(
    gql: GraphQLClient, world: dict[str, Any], owner_db: Database
) -> None:
    for name, document, about_a, about_nothing in _probes(world):
        answer_a = await gql(document, about_a, token=world["b"])
        answer_none = await gql(document, about_nothing, token=world["b"])
        assert answer_a == answer_none, name
        assert "A-SECRET-1" not in str(answer_a), name
        assert world["case_a"]["id"] not in str(answer_a), name

    # B may use the same reference: references are per party, and the answer is the one
    # for a fresh reference (created), never "already exists".
    reused = await gql.ok(SUBMIT_CASE, {"input": case_input("A-SECRET-1")}, token=world["b"])
    fresh = await gql.ok(SUBMIT_CASE, {"input": case_input("B-FRESH")}, token=world["b"])
    assert reused["submitCase"]["created"] is fresh["submitCase"]["created"] is True
    assert reused["submitCase"]["case"]["id"] != world["case_a"]["id"]

    after = (await gql.ok(CASE_STATE, {"id": world["case_a"]["id"]}, token=world["a"]))["node"]
    assert after == world["before"]
    async with owner_db.transaction() as session:
        a_cases = await session.scalar(
            text(
                "SELECT count(*) FROM cases c JOIN parties p ON p.id = c.party_id "
                "WHERE p.slug = 'party-a'"
            )
        )
        b_entries_about_a = await session.scalar(
            text(
                "SELECT count(*) FROM audit_entries e JOIN parties p ON p.id = e.party_id "
                "WHERE p.slug = 'party-b' AND CAST(:case AS uuid) = ANY (e.subject_ids)"
            ),
            {"case": str(from_global_id(world["case_a"]["id"])[1])},  # type: ignore[index]
        )
    assert a_cases == 1 and b_entries_about_a == 0


async def test_a_is_seen_by_a(gql: GraphQLClient, world: dict[str, Any]) -> None:
    """The probes are not vacuous: as A, the same questions do find A's case."""
    probes = {name: (doc, about_a) for name, doc, about_a, _ in _probes(world)}
    node = await gql.ok(*probes["node"], token=world["a"])
    assert node["node"] == {"id": world["case_a"]["id"]}
    for name in ("cases by reference", "cases by provision", "cases by state and dates"):
        found = await gql.ok(*probes[name], token=world["a"])
        assert found["cases"]["totalCount"] == 1, name
    # A's own case is found: A gets the workflow's answer, not NOT_FOUND
    decided = await gql.ok(*probes["decideCase"], token=world["a"])
    assert decided["decideCase"]["errors"][0]["code"] == "INVALID_TRANSITION"
    triaged = await gql.ok(*probes["triageCase"], token=world["a"])
    assert triaged["triageCase"]["errors"] == []
