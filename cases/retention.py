"""Erasure under the retention schedule (``codes.retention``): exactly the personal
fields whose period has passed, nothing else, recorded in the party's audit trail as
counts and ids, never content. Running it again erases nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from codes.retention import Retention
from db import audit

CLOSED_CASE = "('final', 'closed_out_of_scope', 'withdrawn', 'respondent_left')"


@dataclass(frozen=True, slots=True)
class Erased:
    report_ids: list[UUID]
    case_ids: list[UUID]


async def apply(
    *, session: AsyncSession, party_id: UUID, schedule: Retention, today: date
) -> Erased:
    """Erase, for one party, the sealed contents of reports closed (or whose case ended)
    before the schedule's cutoff, and the summary and respondent pseudonym of cases final
    before theirs. Coded values, statistics and published records stay."""
    reports = [
        row.id
        for row in await session.execute(
            text(
                "UPDATE reports r SET sealed = NULL, notify_sealed = NULL, erased_at = now() "
                "WHERE r.party_id = :party AND r.sealed IS NOT NULL AND ("
                "  (r.status IN ('declined', 'withdrawn') AND r.closed_at::date < :cutoff) OR"
                "  (r.status = 'accepted' AND EXISTS (SELECT 1 FROM cases c WHERE c.id = r.case_id"
                f"   AND c.state IN {CLOSED_CASE}"
                "   AND coalesce(c.finalised_on, c.updated_at::date) < :cutoff))) "
                "RETURNING r.id"
            ),
            {"party": party_id, "cutoff": schedule.reports_closed_before(today)},
        )
    ]
    cases = [
        row.id
        for row in await session.execute(
            text(
                "UPDATE cases SET summary = NULL, respondent_pseudonym = NULL "
                "WHERE party_id = :party AND state = 'final' AND finalised_on < :cutoff "
                "AND (summary IS NOT NULL OR respondent_pseudonym IS NOT NULL) RETURNING id"
            ),
            {"party": party_id, "cutoff": schedule.cases_final_before(today)},
        )
    ]
    if reports or cases:
        await audit.append(
            session,
            action="retention.erase",
            subject_type="Retention",
            subject_ids=[*reports, *cases],
            details={
                "schedule": schedule.id,
                "on": today.isoformat(),
                "reports": len(reports),
                "report_fields": ["what_happened", "respondent_name", "links", "contact"],
                "cases": len(cases),
                "case_fields": ["summary", "respondent_pseudonym"],
            },
        )
    return Erased(report_ids=reports, case_ids=cases)
