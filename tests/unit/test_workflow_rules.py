"""The transition table and deadlines, without a database."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from cases.deadlines import DeadlineStatus, deadlines
from cases.models import CaseState
from cases.workflow import TRANSITIONS, Step, allowed_steps, check
from db.errors import DomainError


def test_every_state_is_reachable_and_final_states_are_closed() -> None:
    reached = {CaseState.RECEIVED} | {t for _, targets in TRANSITIONS.values() for t in targets}
    assert reached == set(CaseState)
    for closed in (CaseState.FINAL, CaseState.WITHDRAWN, CaseState.CLOSED_OUT_OF_SCOPE,
                   CaseState.RESPONDENT_LEFT):  # fmt: skip
        assert allowed_steps(closed) == []


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("step", list(Step))
def test_check_agrees_with_the_table(state: CaseState, step: Step) -> None:
    if state in TRANSITIONS[step][0]:
        check(state, step)
    else:
        with pytest.raises(DomainError) as refused:
            check(state, step)
        assert refused.value.code.name == "INVALID_TRANSITION"
        assert state.value in refused.value.message


def _case(**fields: object) -> SimpleNamespace:
    base = dict(
        case_state=CaseState.RECEIVED, acknowledge_due=date(2026, 1, 3),
        acknowledged_on=None, triage_due=date(2026, 1, 10), triaged_on=None,
        decide_due=date(2026, 3, 1), decided_on=None, appeal_window_ends=None,
        appeal_lodged_on=None, appeal_decide_due=None, appeal_decided_on=None,
    )  # fmt: skip
    base.update(fields)
    return SimpleNamespace(**base)


def test_deadlines_met_missed_and_pending() -> None:
    statuses = {d.name: d.status for d in deadlines(_case(), today=date(2026, 1, 5))}  # type: ignore[arg-type]
    assert statuses["acknowledge"] is DeadlineStatus.OVERDUE
    assert statuses["triage"] is DeadlineStatus.PENDING
    acknowledged = _case(acknowledged_on=date(2026, 1, 2))
    statuses = {d.name: d.status for d in deadlines(acknowledged, today=date(2026, 1, 5))}  # type: ignore[arg-type]
    assert statuses["acknowledge"] is DeadlineStatus.MET
