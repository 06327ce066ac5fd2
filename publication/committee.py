"""The Committee's cross-party figures: from all cases, with every small count suppressed.

Counts come from owner-run aggregate functions (the application role never reads
another party's case rows); this module arranges them into tables with their published
totals and applies small-count and secondary suppression before anything leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from parties.models import Party
from publication.suppression import Relation, suppress

TOTAL = "*"
COUNTS = (
    "received",
    "closed_out_of_scope",
    "withdrawn",
    "respondent_left",
    "decided",
    "open",
    "appealed",
    "decided_on_time",
    "open_overdue",
    "published",
)
# received = the five ways a case can stand now, so a reader can subtract: a relation
RECEIVED_PARTS = ("closed_out_of_scope", "withdrawn", "respondent_left", "decided", "open")


@dataclass(frozen=True, slots=True)
class Figure:
    value: float | None  # None when suppressed
    suppressed: bool


@dataclass(frozen=True, slots=True)
class PartyFigures:
    party: str  # slug, or "*" for all parties together
    name: str
    is_demo: bool
    counts: dict[str, Figure]
    median_days_to_decision: Figure
    share_decided_on_time: Figure
    share_published: Figure


@dataclass(frozen=True, slots=True)
class SanctionFigures:
    party: str
    total: Figure
    sanctions: dict[str, Figure]


@dataclass(frozen=True, slots=True)
class LevelConsistency:
    level: int
    title: str
    parties: list[SanctionFigures]


@dataclass(frozen=True, slots=True)
class CommitteeSummary:
    received_from: date
    received_to: date
    k: int
    parties: list[PartyFigures]
    total: PartyFigures
    consistency: list[LevelConsistency]


def _figure(value: float | None, hidden: bool) -> Figure:
    return Figure(value=None if hidden else value, suppressed=hidden)


def _share(part: str, whole: str, values: dict, hidden: set, row: str) -> Figure:
    if (row, part) in hidden or (row, whole) in hidden:
        return Figure(value=None, suppressed=True)
    denominator = values[(row, whole)]
    return Figure(value=round(values[(row, part)] / denominator, 4) if denominator else None,
                  suppressed=False)  # fmt: skip


async def committee_summary(
    *, session: AsyncSession, received_from: date, received_to: date, today: date
) -> CommitteeSummary:
    version = codes.default_version(today)
    k = version.k
    party_rows = {p.id: p for p in await session.scalars(select(Party).order_by(Party.name))}
    figures = {
        row.party_id: row
        for row in await session.execute(
            text("SELECT * FROM committee_case_figures(:f, :t, :today)"),
            {"f": received_from, "t": received_to, "today": today},
        )
    }
    slugs = [p.slug for p in party_rows.values()]
    by_slug = {p.slug: p for p in party_rows.values()}
    values: dict[tuple[str, str], int] = {}
    medians: dict[str, float | None] = {}
    for party_id, party in party_rows.items():
        row = figures.get(party_id)
        for metric in COUNTS:
            values[(party.slug, metric)] = int(getattr(row, metric)) if row else 0
        medians[party.slug] = row.median_days if row else None
    for metric in COUNTS:
        values[(TOTAL, metric)] = sum(values[(s, metric)] for s in slugs)
    relations = [
        Relation(total=(row, "received"), parts=tuple((row, m) for m in RECEIVED_PARTS))
        for row in [*slugs, TOTAL]
    ] + [
        Relation(total=(TOTAL, metric), parts=tuple((s, metric) for s in slugs))
        for metric in COUNTS
    ]
    hidden = suppress(values, relations, k=k)

    def party_figures(row: str, name: str, is_demo: bool, median: float | None) -> PartyFigures:
        decided_hidden = (row, "decided") in hidden or values[(row, "decided")] < k
        return PartyFigures(
            party=row,
            name=name,
            is_demo=is_demo,
            counts={m: _figure(values[(row, m)], (row, m) in hidden) for m in COUNTS},
            median_days_to_decision=_figure(median, decided_hidden and median is not None),
            share_decided_on_time=_share("decided_on_time", "decided", values, hidden, row),
            share_published=_share("published", "decided", values, hidden, row),
        )

    everyone = figures.get(None)
    overall = everyone.median_days if everyone else None
    return CommitteeSummary(
        received_from=received_from,
        received_to=received_to,
        k=k,
        parties=[party_figures(s, by_slug[s].name, by_slug[s].is_demo, medians[s]) for s in slugs],
        total=party_figures(TOTAL, "All parties", False, overall),
        consistency=await _consistency(
            session, version=version, party_rows=party_rows, received=(received_from, received_to)
        ),
    )


async def _consistency(
    session: AsyncSession,
    *,
    version: codes.CodeVersion,
    party_rows: dict[UUID, Party],
    received: tuple[date, date],
) -> list[LevelConsistency]:
    """Per severity level: each party's distribution of sanctions, suppressed like above."""
    k = version.k
    counts: dict[tuple[int, str, str], int] = {}
    for row in await session.execute(
        text("SELECT * FROM committee_sanction_figures(:f, :t)"),
        {"f": received[0], "t": received[1]},
    ):
        party = party_rows.get(row.party_id)
        if party is not None and row.sanction:
            counts[(row.severity, party.slug, row.sanction)] = int(row.n)
    slugs = [p.slug for p in party_rows.values()]
    ladder = list(version.sanction_ids)
    levels = []
    for level in version.severity.levels:
        values: dict[tuple[str, str], int] = {}
        for slug in slugs:
            for sanction in ladder:
                values[(slug, sanction)] = counts.get((level.level, slug, sanction), 0)
            values[(slug, TOTAL)] = sum(values[(slug, s)] for s in ladder)
        for sanction in [*ladder, TOTAL]:
            values[(TOTAL, sanction)] = sum(values[(s, sanction)] for s in slugs)
        relations = [
            Relation(total=(row, TOTAL), parts=tuple((row, s) for s in ladder))
            for row in [*slugs, TOTAL]
        ] + [
            Relation(total=(TOTAL, column), parts=tuple((s, column) for s in slugs))
            for column in [*ladder, TOTAL]
        ]
        hidden = suppress(values, relations, k=k)
        levels.append(
            LevelConsistency(
                level=level.level,
                title=level.title,
                parties=[
                    SanctionFigures(
                        party=row,
                        total=_figure(values[(row, TOTAL)], (row, TOTAL) in hidden),
                        sanctions={
                            s: _figure(values[(row, s)], (row, s) in hidden) for s in ladder
                        },
                    )
                    for row in [*slugs, TOTAL]
                ],
            )
        )
    return levels
