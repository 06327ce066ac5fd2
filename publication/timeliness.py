"""A party's timeliness figures for the public, where the party chose to publish them.

They are the Committee's protected cells for that party (``publication.committee``):
the same perturbed counts, for the same fixed periods, read through an owner function
that refuses a party that does not publish. Shown for the last published quarters and
reporting years only (closed and settled, their editions stored once:
``publish_committee_edition()``), so the public sees settled periods rather than a running tally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from parties.models import Party
from publication.committee import (
    PartyFigures,
    PeriodKind,
    ReportingPeriod,
    edition_day,
    party_figures,
    periods_up_to,
    publishes_on,
)


@dataclass(frozen=True, slots=True)
class PeriodTimeliness:
    period: ReportingPeriod
    figures: PartyFigures
    as_of: date  # the day the edition was computed: open and overdue counts are as of it


async def public_timeliness(
    *, session: AsyncSession, party: Party, today: date, quarters: int = 4, years: int = 2
) -> list[PeriodTimeliness]:
    """The last complete quarters and reporting years, newest first; [] if not published."""
    if not party.publishes_timeliness:
        return []
    version = codes.default_version(today)
    start_month = version.publication.reporting_year_start_month
    bands = version.publication.time_to_decision_bands
    complete = [  # published: closed and settled (its edition's date has come)
        p
        for p in periods_up_to(today, since=date(today.year - 3, 1, 1), start_month=start_month)
        if publishes_on(p, version) <= today
    ]
    chosen = [p for p in complete if p.kind is PeriodKind.QUARTER][:quarters] + [
        p for p in complete if p.kind is PeriodKind.REPORTING_YEAR
    ][:years]
    found = []
    for period in chosen:
        rows = await session.execute(
            text(
                "SELECT metric, value FROM public_timeliness(:party, :f, :t, :today, :k, :m, "
                "CAST(:bands AS integer[]))"
            ),
            {
                "party": party.id,
                "f": period.start,
                "t": period.end,
                "today": today,
                "k": version.k,
                "m": start_month,
                "bands": [low for low, _ in bands],
            },
        )
        values = {row.metric: int(row.value) for row in rows}
        figures = party_figures(
            values, slug=party.slug, name=party.name, is_demo=party.is_demo, k=version.k,
            bands=bands,
        )  # fmt: skip
        as_of = await edition_day(session=session, period=period) or publishes_on(period, version)
        found.append(PeriodTimeliness(period, figures, as_of))
    return found
