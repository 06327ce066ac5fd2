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

    # every figure a labelled column: read back by name, never by position
    figures: dict[str, Any] = {
        "received": func.count(),
        "acknowledged_on_time": count(Case.acknowledged_on <= Case.acknowledge_due),
        "triaged_on_time": count(Case.triaged_on <= Case.triage_due),
        "closed_out_of_scope": count(Case.state == CaseState.CLOSED_OUT_OF_SCOPE.value),
        "withdrawn": count(Case.state == CaseState.WITHDRAWN.value),
        "respondent_left": count(Case.state == CaseState.RESPONDENT_LEFT.value),
        "decided": count(Case.decided_on.is_not(None)),
        "decided_on_time": count(Case.decided_on <= Case.decide_due),
        "median_days_to_decision": func.percentile_cont(0.5).within_group(days),
        "open": count(Case.state.in_(open_states)),
        "open_overdue": count(overdue_condition(today)),
        "appeals_lodged": count(Case.appeal_lodged_on.is_not(None)),
        "appeals_upheld": count(Case.appeal_outcome == "upheld"),
        "appeals_varied": count(Case.appeal_outcome == "varied"),
        "appeals_overturned": count(Case.appeal_outcome == "overturned"),
        "appeals_pending": count(Case.state == CaseState.APPEALED.value),
    }
    band_names = [f"band_{n}" for n in range(len(bands))]
    for name, (low, high) in zip(band_names, bands, strict=True):
        figures[name] = count(
            and_(
                Case.decided_on.is_not(None),
                days >= low,
                *([days <= high] if high is not None else []),
            )
        )
    row = (
        await session.execute(
            select(*(column.label(name) for name, column in figures.items())).where(
                Case.party_id == party_id,
                Case.received_on >= received_from,
                Case.received_on <= received_to,
            )
        )
    ).one()
    values = row._mapping
    median = values["median_days_to_decision"]
    return ComplianceReport(
        **{name: values[name] for name in figures if name != "median_days_to_decision"
           and name not in band_names},
        median_days_to_decision=float(median) if median is not None else None,
        time_to_decision=[
            Band(from_days=low, to_days=high, count=values[name])
            for name, (low, high) in zip(band_names, bands, strict=True)
        ],
    )  # fmt: skip


__all__ = ["Band", "ComplianceReport", "compliance_report"]
