"""A party's compliance with the code's procedural promises, computed in one SQL query.

Counts are of cases received in the period; time to decision is in the code's bands.
Everything is grouped by PostgreSQL, never in Python, so a party with 100,000 cases
costs one scan of its own rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from cases.models import Case, CaseState
from cases.service import overdue_condition
from codes import clock


@dataclass(frozen=True, slots=True)
class Band:
    from_days: int
    to_days: int | None
    count: int


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    received: int
    acknowledged_on_time: int
    triaged_on_time: int
    closed_out_of_scope: int
    withdrawn: int
    respondent_left: int
    decided: int
    decided_on_time: int
    median_days_to_decision: float | None
    time_to_decision: list[Band]
    open: int
    open_overdue: int
    appeals_lodged: int
    appeals_upheld: int
    appeals_varied: int
    appeals_overturned: int
    appeals_pending: int


async def compliance_report(
    *,
    session: AsyncSession,
    party_id: UUID,
    version: codes.CodeVersion,
    received_from: date,
    received_to: date,
) -> ComplianceReport:
    today = clock.today()
    days = Case.decided_on - Case.received_on
    bands = version.publication.time_to_decision_bands
    open_states = [CaseState.RECEIVED.value, CaseState.TRIAGED.value,
                   CaseState.UNDER_ASSESSMENT.value]  # fmt: skip

    def count(condition: ColumnElement[bool]) -> Any:
        return func.count().filter(condition)

    band_columns = [
        count(
            and_(
                Case.decided_on.is_not(None),
                days >= low,
                *([days <= high] if high is not None else []),
            )
        )
        for low, high in bands
    ]
    row = (
        await session.execute(
            select(
                func.count(),
                count(Case.acknowledged_on <= Case.acknowledge_due),
                count(Case.triaged_on <= Case.triage_due),
                count(Case.state == CaseState.CLOSED_OUT_OF_SCOPE.value),
                count(Case.state == CaseState.WITHDRAWN.value),
                count(Case.state == CaseState.RESPONDENT_LEFT.value),
                count(Case.decided_on.is_not(None)),
                count(Case.decided_on <= Case.decide_due),
                func.percentile_cont(0.5).within_group(days),
                count(Case.state.in_(open_states)),
                count(overdue_condition(today)),
                count(Case.appeal_lodged_on.is_not(None)),
                count(Case.appeal_outcome == "upheld"),
                count(Case.appeal_outcome == "varied"),
                count(Case.appeal_outcome == "overturned"),
                count(Case.state == CaseState.APPEALED.value),
                *band_columns,
            ).where(
                Case.party_id == party_id,
                Case.received_on >= received_from,
                Case.received_on <= received_to,
            )
        )
    ).one()
    values = list(row)
    median = values[8]
    return ComplianceReport(
        received=values[0],
        acknowledged_on_time=values[1],
        triaged_on_time=values[2],
        closed_out_of_scope=values[3],
        withdrawn=values[4],
        respondent_left=values[5],
        decided=values[6],
        decided_on_time=values[7],
        median_days_to_decision=float(median) if median is not None else None,
        open=values[9],
        open_overdue=values[10],
        appeals_lodged=values[11],
        appeals_upheld=values[12],
        appeals_varied=values[13],
        appeals_overturned=values[14],
        appeals_pending=values[15],
        time_to_decision=[
            Band(from_days=low, to_days=high, count=n)
            for (low, high), n in zip(bands, values[16:], strict=True)
        ],
    )


__all__ = ["Band", "ComplianceReport", "compliance_report"]
