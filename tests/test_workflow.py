"""The case workflow: every transition, every illegal one, appeals, closures, concurrency."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from cases import lifecycle
from cases.workflow import TRANSITIONS, Step
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import issue_token, register_party, submit

CASE_FIELDS = """
  id state version sanction effectiveSanction severityLevel recommendedFrom recommendedTo
  outOfScopeReason closedOn finalisedOn allowedNextSteps
  appeal { appellant lodgedOn outcome decidedOn sanction suspensionMonths }
  interimMeasures { kind startsOn endsOn }
  deadlines { name dueOn doneOn status }
"""
INPUT_TYPES = {
    "triageCase": "TriageCaseInput",
    "startAssessment": "StartAssessmentInput",
    "recordAssessment": "RecordAssessmentInput",
    "decideCase": "DecideCaseInput",
    "lodgeAppeal": "LodgeAppealInput",
    "decideAppeal": "DecideAppealInput",
    "withdrawCase": "CloseCaseInput",
    "recordRespondentLeft": "CloseCaseInput",
    "recordInterimMeasure": "RecordInterimMeasureInput",
}
# A valid input for each step, apart from the id and version.
STEP_INPUTS: dict[str, dict[str, Any]] = {
    "triageCase": {"inScope": True, "triagedOn": "2026-03-03"},
    "startAssessment": {"startedOn": "2026-03-04"},
    "recordAssessment": {
        "assessment": {
            "findings": [{"provision": "JC6", "proven": True}],
            "factors": ["repeated"],
            "assessedOn": "2026-03-05",
        }
    },
    "decideCase": {"sanction": "formal_warning", "decidedOn": "2026-03-06"},
    "lodgeAppeal": {"appellant": "RESPONDENT", "lodgedOn": "2026-03-10"},
    "decideAppeal": {
        "outcome": "VARIED",
        "sanction": "advice",
        "decidedOn": "2026-03-20",
    },
    "withdrawCase": {"on": "2026-03-04"},
    "recordRespondentLeft": {"on": "2026-03-04"},
    "recordInterimMeasure": {"startsOn": "2026-03-03", "endsOn": "2026-04-03"},
}


def _doc(step: str) -> str:
    return (
        f"mutation($input: {INPUT_TYPES[step]}!) {{ {step}(input: $input) "
        f"{{ case {{ {CASE_FIELDS} }} errors {{ code field message }} }} }}"
    )


class Officer:
    def __init__(self, gql: GraphQLClient, token: str) -> None:
        self.gql, self.token = gql, token

    async def step(self, step: str, case: dict, **overrides: Any) -> dict:
        values = {"id": case["id"], "expectedVersion": case["version"], **STEP_INPUTS[step]}
        values.update(overrides)
        data = await self.gql.ok(_doc(step), {"input": values}, token=self.token)
        return data[step]

    async def ok(self, step: str, case: dict, **overrides: Any) -> dict:
        payload = await self.step(step, case, **overrides)
        assert payload["errors"] == [], (step, payload)
        return payload["case"]

    async def read(self, case: dict) -> dict:
        data = await self.gql.ok(
            f"query($id: ID!) {{ node(id: $id) {{ ... on Case {{ {CASE_FIELDS} }} }} }}",
            {"id": case["id"]},
            token=self.token,
        )
        return data["node"]


@pytest.fixture
async def officer(gql: GraphQLClient, admin_token: str) -> Officer:
    await register_party(gql, admin_token, "party-a")
    return Officer(gql, await issue_token(gql, admin_token, "OFFICER", "party-a"))


async def _case_in(officer: Officer, state: str, ref: str, db: Database) -> dict:
    case = await submit(officer.gql, officer.token, ref, provisions=["JC6"])
    path = {
        "RECEIVED": [],
        "TRIAGED": ["triageCase"],
        "UNDER_ASSESSMENT": ["triageCase", "startAssessment"],
        "DECIDED": ["triageCase", "startAssessment", "recordAssessment", "decideCase"],
        "APPEALED": ["triageCase", "startAssessment", "recordAssessment", "decideCase",
                     "lodgeAppeal"],
        "APPEAL_DECIDED": ["triageCase", "startAssessment", "recordAssessment", "decideCase",
                           "lodgeAppeal", "decideAppeal"],
        "FINAL": ["triageCase", "startAssessment", "recordAssessment", "decideCase",
                  "lodgeAppeal", "decideAppeal"],
        "WITHDRAWN": ["withdrawCase"],
        "RESPONDENT_LEFT": ["recordRespondentLeft"],
        "CLOSED_OUT_OF_SCOPE": [],
    }[state]  # fmt: skip
    for step in path:
        case = await officer.ok(step, case)
    if state == "CLOSED_OUT_OF_SCOPE":
        case = await officer.ok("triageCase", case, inScope=False, outOfScopeReason="duplicate")
    if state == "FINAL":
        party_id = await _party_id(db)
        async with db.transaction(party_id=party_id, credential=officer.token) as session:
            assert await lifecycle.finalise_due(session=session, party_id=party_id) >= 1
    case = await officer.read(case)
    assert case["state"] == state
    return case


async def _party_id(db: Database) -> Any:
    async with db.transaction() as session:
        return await session.scalar(text("SELECT id FROM parties WHERE slug = 'party-a'"))


# FINAL first: finalising sweeps every decided case whose appeal window has passed.
STATES = [
    "FINAL", "RECEIVED", "TRIAGED", "UNDER_ASSESSMENT", "DECIDED", "APPEALED",
    "APPEAL_DECIDED", "WITHDRAWN", "RESPONDENT_LEFT", "CLOSED_OUT_OF_SCOPE",
]  # fmt: skip


async def test_every_illegal_transition_is_refused_and_changes_nothing(
    officer: Officer, db: Database
) -> None:
    cases = {state: await _case_in(officer, state, f"T-{state}", db) for state in STATES}
    checked = 0
    for state, case in cases.items():
        for step in INPUT_TYPES:
            sources = TRANSITIONS[Step(step)][0]
            if state.lower() in {s.value for s in sources}:
                continue
            payload = await officer.step(step, case)
            assert payload["case"] is None
            [error] = payload["errors"]
            assert error["code"] == "INVALID_TRANSITION", (state, step, error)
            assert f"state {state.lower()}" in error["message"]
            for allowed in case["allowedNextSteps"]:
                assert allowed in error["message"]
            checked += 1
        assert await officer.read(case) == case  # nothing changed
    assert checked == 75  # 10 states x 9 steps, less the 15 legal pairs


async def test_the_whole_path_with_an_appeal(officer: Officer, db: Database) -> None:
    case = await officer.read(await submit(officer.gql, officer.token, "W-1", provisions=["JC6"]))
    case = await officer.ok("triageCase", case)
    assert case["state"] == "TRIAGED" and case["allowedNextSteps"] == [
        "startAssessment", "withdrawCase", "recordRespondentLeft", "recordInterimMeasure",
    ]  # fmt: skip
    case = await officer.ok("recordInterimMeasure", case)
    assert case["interimMeasures"] == [
        {"kind": "administrative_suspension", "startsOn": "2026-03-03", "endsOn": "2026-04-03"}
    ]
    case = await officer.ok("startAssessment", case)
    case = await officer.ok("recordAssessment", case)
    # JC6 (base 2) + repeated: level 3, formal warning to bar from office
    assert (case["severityLevel"], case["recommendedFrom"], case["recommendedTo"]) == (
        3, "formal_warning", "bar_from_office",
    )  # fmt: skip
    again = await officer.ok(
        "recordAssessment",
        case,
        assessment={"findings": [{"provision": "JC6", "proven": True}], "assessedOn": "2026-03-05"},
    )
    assert again["severityLevel"] == 2  # re-recorded without the factor
    case = await officer.ok("decideCase", again, sanction="mandatory_training")
    assert case["state"] == "DECIDED"
    lodge_appeal = {d["name"]: d for d in case["deadlines"]}["lodge_appeal"]
    assert lodge_appeal["dueOn"] == "2026-03-27"  # 21 days from the decision
    case = await officer.ok("lodgeAppeal", case)
    case = await officer.ok("decideAppeal", case)
    assert case["state"] == "APPEAL_DECIDED"
    assert case["appeal"] == {
        "appellant": "RESPONDENT", "lodgedOn": "2026-03-10", "outcome": "VARIED",
        "decidedOn": "2026-03-20", "sanction": "advice", "suspensionMonths": None,
    }  # fmt: skip
    party_id = await _party_id(db)
    async with db.transaction(party_id=party_id, credential=officer.token) as session:
        assert await lifecycle.finalise_due(session=session, party_id=party_id) == 1
    final = await officer.read(case)
    assert final["state"] == "FINAL" and final["allowedNextSteps"] == []

    history = await officer.gql.ok(
        "query($id: ID!) { node(id: $id) { ... on Case { history(first: 100) { totalCount "
        "edges { node { seq action actorRole changes { field before after } } } } "
        "reads { totalCount edges { node { actorRole } } } } } }",
        {"id": case["id"]},
        token=officer.token,
    )
    events = [e["node"] for e in history["node"]["history"]["edges"]]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert history["node"]["history"]["totalCount"] == len(events)
    # reads are on the record too, in the party's access log rather than the chain
    reads = history["node"]["reads"]
    assert reads["totalCount"] > 0 and {r["node"]["actorRole"] for r in reads["edges"]} == {
        "officer"
    }
    actions = [e["action"] for e in events]
    assert actions == [
        "case.submit", "case.triage", "case.record_interim_measure", "case.start_assessment",
        "case.record_assessment", "case.record_assessment", "case.decide", "case.lodge_appeal",
        "case.decide_appeal", "case.finalise",
    ]  # fmt: skip
    decide_event = events[6]
    changed = {c["field"]: (c["before"], c["after"]) for c in decide_event["changes"]}
    assert changed["state"] == ("under_assessment", "decided")
    assert changed["sanction"] == (None, "mandatory_training")


async def test_step_rules(officer: Officer, db: Database) -> None:
    received = await _case_in(officer, "RECEIVED", "R-1", db)
    [no_reason] = (await officer.step("triageCase", received, inScope=False))["errors"]
    assert no_reason["code"] == "OUT_OF_SCOPE_REASON" and "duplicate" in no_reason["message"]
    [extra] = (await officer.step("triageCase", received, outOfScopeReason="duplicate"))["errors"]
    assert extra["code"] == "OUT_OF_SCOPE_REASON"
    [early] = (await officer.step("triageCase", received, triagedOn="2026-03-01"))["errors"]
    assert early["code"] == "INVALID_DATE"
    [backwards] = (await officer.step("recordInterimMeasure", received, endsOn="2026-03-02"))[
        "errors"
    ]
    assert backwards["code"] == "INVALID_DATE" and backwards["field"] == ["input", "endsOn"]
    closed = await officer.ok(
        "triageCase", received, inScope=False, outOfScopeReason="conduct_not_covered"
    )
    assert (closed["state"], closed["outOfScopeReason"], closed["closedOn"]) == (
        "CLOSED_OUT_OF_SCOPE", "conduct_not_covered", "2026-03-03",
    )  # fmt: skip

    decided = await _case_in(officer, "DECIDED", "R-2", db)
    [late] = (await officer.step("lodgeAppeal", decided, lodgedOn="2026-03-28"))["errors"]
    assert late["code"] == "APPEAL_WINDOW_CLOSED" and "2026-03-27" in late["message"]
    appealed = await officer.ok("lodgeAppeal", decided, appellant="COMPLAINANT")
    for overrides, field in (
        ({"outcome": "VARIED", "sanction": None}, "sanction"),
        ({"outcome": "VARIED", "sanction": "formal_warning"}, "sanction"),  # unchanged
        ({"outcome": "UPHELD"}, "sanction"),  # upheld gives no sanction
        ({"outcome": "VARIED", "sanction": "suspension"}, "suspensionMonths"),
    ):
        [error] = (await officer.step("decideAppeal", appealed, **overrides))["errors"]
        assert error["field"] == ["input", field], (overrides, error)
    overturned = await officer.ok("decideAppeal", appealed, outcome="OVERTURNED", sanction=None)
    assert overturned["sanction"] == "formal_warning"  # the decision as it was made
    assert overturned["effectiveSanction"] == "no_further_action"  # what stands


async def test_a_stale_version_changes_nothing(officer: Officer, db: Database) -> None:
    case = await _case_in(officer, "UNDER_ASSESSMENT", "S-1", db)
    for step in ("recordAssessment", "decideCase", "withdrawCase", "recordInterimMeasure"):
        [error] = (await officer.step(step, case, expectedVersion=case["version"] - 1))["errors"]
        assert error["code"] == "STALE_VERSION", step
    assert await officer.read(case) == case


async def test_concurrent_edits_one_wins(officer: Officer, db: Database) -> None:
    case = await _case_in(officer, "UNDER_ASSESSMENT", "C-1", db)
    first, second = await asyncio.gather(
        officer.step("withdrawCase", case),
        officer.step("recordRespondentLeft", case),
    )
    outcomes = sorted([bool(first["errors"]), bool(second["errors"])])
    assert outcomes == [False, True]
    loser = first if first["errors"] else second
    assert loser["errors"][0]["code"] in {"STALE_VERSION", "INVALID_TRANSITION"}
    assert (await officer.read(case))["version"] == case["version"] + 1


async def test_deadlines_and_the_overdue_filter(officer: Officer, db: Database) -> None:
    today = date.today()
    old = await submit(
        officer.gql, officer.token, "D-OLD", receivedOn=(today - timedelta(days=30)).isoformat()
    )
    fresh = await submit(
        officer.gql, officer.token, "D-NEW", receivedOn=today.isoformat(),
        acknowledgedOn=today.isoformat(),
    )  # fmt: skip
    old_deadlines = {d["name"]: d["status"] for d in (await officer.read(old))["deadlines"]}
    assert old_deadlines == {
        "acknowledge": "OVERDUE", "triage": "OVERDUE", "decide": "PENDING",
        "lodge_appeal": "NOT_APPLICABLE", "decide_appeal": "NOT_APPLICABLE",
    }  # fmt: skip
    fresh_deadlines = {d["name"]: d["status"] for d in (await officer.read(fresh))["deadlines"]}
    assert fresh_deadlines["acknowledge"] == "MET" and fresh_deadlines["triage"] == "PENDING"

    query = (
        "query($f: CaseFilter) { cases(first: 10, filter: $f) { edges { node { reference } } } }"
    )
    overdue = await officer.gql.ok(query, {"f": {"overdue": True}}, token=officer.token)
    assert [e["node"]["reference"] for e in overdue["cases"]["edges"]] == ["D-OLD"]
    on_time = await officer.gql.ok(query, {"f": {"overdue": False}}, token=officer.token)
    assert [e["node"]["reference"] for e in on_time["cases"]["edges"]] == ["D-NEW"]

    # a late triage acknowledges too: both become MISSED, and the case is no longer overdue
    triaged = await officer.ok("triageCase", old, triagedOn=today.isoformat())
    statuses = {d["name"]: d["status"] for d in triaged["deadlines"]}
    assert statuses["acknowledge"] == statuses["triage"] == "MISSED"
    overdue = await officer.gql.ok(query, {"f": {"overdue": True}}, token=officer.token)
    assert overdue["cases"]["edges"] == []


async def test_repeat_respondents_by_pseudonym_only(officer: Officer, owner_db: Database) -> None:
    for ref, respondent in (("P-1", "M-1001"), ("P-2", " m-1001 "), ("P-3", "M-2002")):
        await submit(officer.gql, officer.token, ref, respondentRef=respondent,
                     complainantCount=2)  # fmt: skip
    listed = await officer.gql.ok(
        "{ cases(first: 10) { edges { node { reference repeatRespondent complainantCount } } } }",
        token=officer.token,
    )
    repeats = {
        e["node"]["reference"]: e["node"]["repeatRespondent"] for e in listed["cases"]["edges"]
    }
    assert repeats == {"P-1": True, "P-2": True, "P-3": False}
    async with owner_db.transaction() as session:
        dump = str((await session.execute(text("SELECT * FROM cases"))).all())
    assert "1001" not in dump and "2002" not in dump  # the reference itself is never stored


async def test_two_findings_for_one_provision_are_a_user_error_and_change_nothing(
    officer: Officer, db: Database
) -> None:
    """The step's input is read inside its transaction: a refusal while reading it is a
    UserError like any other, for recordAssessment and for decideCase's shortcut."""
    case = await _case_in(officer, "UNDER_ASSESSMENT", "D-1", db)
    twice = [{"provision": "JC6", "proven": True}, {"provision": "JC6", "proven": False}]
    payload = await officer.step("recordAssessment", case, assessment={"findings": twice})
    [error] = payload["errors"]
    assert error["code"] == "DUPLICATE_PROVISION" and payload["case"] is None
    payload = await officer.step("decideCase", case, findings=twice, sanction="advice")
    [error] = payload["errors"]
    assert error["code"] == "DUPLICATE_PROVISION" and payload["case"] is None
    assert await officer.read(case) == case
