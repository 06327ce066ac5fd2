"""Each case's procedural deadlines: due date and whether it was met, missed or is pending.

Due dates are stored on the case when the step that starts them happens (so "overdue"
is an indexed comparison in SQL); this module reads them against what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from cases.models import Case, CaseState

CLOSED_EARLY = (CaseState.WITHDRAWN, CaseState.CLOSED_OUT_OF_SCOPE, CaseState.RESPONDENT_LEFT)
OPEN = (CaseState.RECEIVED, CaseState.TRIAGED, CaseState.UNDER_ASSESSMENT)


class DeadlineStatus(Enum):
    MET = "met"  # done on or before the due date
    MISSED = "missed"  # done, but late
    PENDING = "pending"  # not done, not yet due
    OVERDUE = "overdue"  # not done, past due
    NOT_APPLICABLE = "not_applicable"  # never started, or the case closed first


@dataclass(frozen=True, slots=True)
class Deadline:
    name: str
    due_on: date | None
    done_on: date | None
    status: DeadlineStatus


def _status(due: date | None, done: date | None, *, live: bool, today: date) -> DeadlineStatus:
    if due is None:
        return DeadlineStatus.NOT_APPLICABLE
    if done is not None:
        return DeadlineStatus.MET if done <= due else DeadlineStatus.MISSED
    if not live:
        return DeadlineStatus.NOT_APPLICABLE
    return DeadlineStatus.PENDING if today <= due else DeadlineStatus.OVERDUE


def deadlines(case: Case, *, today: date) -> list[Deadline]:
    state = case.case_state
    open_case = state in OPEN
    triaged = case.triaged_on
    lodge_done = case.appeal_lodged_on
    items = [
        ("acknowledge", case.acknowledge_due, case.acknowledged_on,
         state not in CLOSED_EARLY),
        ("triage", case.triage_due, triaged, state is CaseState.RECEIVED),
        ("decide", case.decide_due, case.decided_on, open_case),
        # The appeal window is the parties' right, not the party's promise: it is met
        # when an appeal came in time and not applicable once it closed unused.
        ("lodge_appeal", case.appeal_window_ends if case.decided_on else None, lodge_done,
         state is CaseState.DECIDED and lodge_done is None),
        ("decide_appeal", case.appeal_decide_due, case.appeal_decided_on,
         state is CaseState.APPEALED),
    ]  # fmt: skip
    result = []
    for name, due, done, live in items:
        status = _status(due, done, live=live, today=today)
        if name == "lodge_appeal" and status is DeadlineStatus.OVERDUE:
            status = DeadlineStatus.NOT_APPLICABLE
        result.append(Deadline(name=name, due_on=due, done_on=done, status=status))
    return result
