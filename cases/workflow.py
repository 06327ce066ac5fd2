"""The case workflow as an explicit transition table.

Every change to a case is one step; a step is legal only from the states listed here.
The table is data so that the error for an illegal step can name the allowed ones, and
a test can walk every (state, step) pair.
"""

from __future__ import annotations

from enum import Enum

from cases.errors import CaseErrorCode
from cases.models import CaseState
from db.errors import DomainError

S = CaseState
OPEN = (S.RECEIVED, S.TRIAGED, S.UNDER_ASSESSMENT)
CLOSED = (S.WITHDRAWN, S.CLOSED_OUT_OF_SCOPE, S.RESPONDENT_LEFT)


class Step(Enum):
    """One per mutation; the value is the mutation's name, as clients see it."""

    TRIAGE = "triageCase"
    START_ASSESSMENT = "startAssessment"
    RECORD_ASSESSMENT = "recordAssessment"
    DECIDE = "decideCase"
    LODGE_APPEAL = "lodgeAppeal"
    DECIDE_APPEAL = "decideAppeal"
    WITHDRAW = "withdrawCase"
    RECORD_RESPONDENT_LEFT = "recordRespondentLeft"
    RECORD_INTERIM_MEASURE = "recordInterimMeasure"
    FINALISE = "finalise"


# step -> (states it may start from, states it may lead to)
TRANSITIONS: dict[Step, tuple[tuple[CaseState, ...], tuple[CaseState, ...]]] = {
    Step.TRIAGE: ((S.RECEIVED,), (S.TRIAGED, S.CLOSED_OUT_OF_SCOPE)),
    Step.START_ASSESSMENT: ((S.TRIAGED,), (S.UNDER_ASSESSMENT,)),
    Step.RECORD_ASSESSMENT: ((S.UNDER_ASSESSMENT,), (S.UNDER_ASSESSMENT,)),
    Step.DECIDE: ((S.UNDER_ASSESSMENT,), (S.DECIDED,)),
    Step.LODGE_APPEAL: ((S.DECIDED,), (S.APPEALED,)),
    Step.DECIDE_APPEAL: ((S.APPEALED,), (S.APPEAL_DECIDED,)),
    Step.WITHDRAW: (OPEN, (S.WITHDRAWN,)),
    Step.RECORD_RESPONDENT_LEFT: (OPEN, (S.RESPONDENT_LEFT,)),
    Step.RECORD_INTERIM_MEASURE: (OPEN, OPEN),
    Step.FINALISE: ((S.DECIDED, S.APPEAL_DECIDED), (S.FINAL,)),
}


def allowed_steps(state: CaseState) -> list[Step]:
    """What a client may do next with a case in this state (finalising is the service's)."""
    return [
        step
        for step, (sources, _) in TRANSITIONS.items()
        if state in sources and step is not Step.FINALISE
    ]


def check(state: CaseState, step: Step) -> None:
    """Raise INVALID_TRANSITION naming the current state and the allowed next steps."""
    if state in TRANSITIONS[step][0]:
        return
    allowed = [s.value for s in allowed_steps(state)]
    raise DomainError(
        CaseErrorCode.INVALID_TRANSITION,
        f"A case in state {state.value} cannot take {step.value}; allowed next: "
        f"{', '.join(allowed) if allowed else 'none (the case is closed)'}.",
    )
