"""Public counts of reports from the public: a declared set of protected tables.

They answer the Committee's "lack of data" on abuse reported around politics: how many
reports, when, where (online or offline), from whom (the person targeted, witnesses,
candidates or agents, party members), about what (families of provisions) and what
became of them (open, accepted, declined by reason, withdrawn). Every report but a
linked duplicate counts, all parties together. Each closed quarter's edition (the
calendar of the public statistics) adds that quarter's cells, and the fourth quarter's
the year's, as the reports stand on that date. Cells are never recomputed, so a report
accepted or declined later changes nothing; all time is the sum of the years. An owner
function perturbs every cell with the cell-key method (migration 0029), so no count is
between 1 and k-1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from codes import elections
from db.errors import DomainError
from publication import statistics
from publication.errors import PublicationErrorCode


class ReportDimension(Enum):
    YEAR = "year"
    QUARTER = "quarter"
    CHANNEL_GROUP = "channel_group"
    REPORTER_KIND = "reporter_kind"
    OUTCOME = "outcome"
    FAMILY = "family"
    CHARACTERISTIC = "characteristic"
    ELECTION_PERIOD = "election_period"


R = ReportDimension
_PERIODS: tuple[tuple[ReportDimension, ...], ...] = ((), (R.YEAR,))
_BREAKDOWNS = (
    R.CHANNEL_GROUP,
    R.REPORTER_KIND,
    R.OUTCOME,
    R.FAMILY,
    R.CHARACTERISTIC,
    R.ELECTION_PERIOD,
)
TABLES: tuple[tuple[ReportDimension, ...], ...] = (
    (),
    (R.YEAR,),
    (R.QUARTER,),
    *((*period, x) for period in _PERIODS for x in _BREAKDOWNS),
)


def table_id(dimensions: tuple[ReportDimension, ...]) -> str:
    return "+".join(d.value for d in dimensions) or "total"


@dataclass(frozen=True, slots=True)
class ReportCount:
    values: dict[ReportDimension, Any]
    count: int


def _arguments() -> dict[str, Any]:
    families: dict[str, str] = {}
    groups: dict[str, str] = {}
    characteristics: dict[str, str] = {}
    for version in codes.load_versions().values():
        families.update({p.id: p.family for p in version.provisions if p.family})
        groups.update({c.id: c.group for c in version.channels if c.group})
        characteristics.update(
            {f.id: f.characteristic for f in version.forms_of_hate if f.characteristic}
        )
    return {
        "t": json.dumps([{"id": table_id(t), "dimensions": [d.value for d in t]} for t in TABLES]),
        "f": json.dumps(families),
        "g": json.dumps(groups),
        "c": json.dumps(characteristics),
        "e": json.dumps(
            [
                {"kind": p.kind, "start": p.start.isoformat(), "end": p.polling_day.isoformat()}
                for p in elections.periods()
            ]
        ),
        "k": max(version.k for version in codes.load_versions().values()),
    }


ARGUMENTS = (
    "CAST(:t AS jsonb), CAST(:f AS jsonb), CAST(:g AS jsonb), CAST(:c AS jsonb), "
    "CAST(:e AS jsonb), :k"
)


async def publish_due(*, session: AsyncSession) -> bool:
    """The service's hourly job: the newest quarter whose date has come gets its cells
    (the database adds each period's once, and refuses anything not yet due)."""
    today, settling = (
        await session.execute(
            text("SELECT current_date, coalesce(max(settling_days), 42) FROM code_rules")
        )
    ).one()
    quarter = statistics.quarter_of(today)
    while statistics.quarter_end(quarter) + timedelta(days=settling) > today:
        quarter = statistics.previous_quarter(quarter)
    return bool(
        await session.scalar(
            text(f"SELECT publish_report_statistics_edition(:q, {ARGUMENTS})"),
            {"q": quarter, **_arguments()},
        )
    )


async def publish_edition(*, session: AsyncSession, edition: str) -> bool:
    """The operator's hand (owner only): a quarter's cells now, whatever the date (a
    time-shifted copy, a missed one); never a second time."""
    return bool(
        await session.scalar(
            text(f"SELECT report_statistics_edition_unchecked(:q, {ARGUMENTS})"),
            {"q": edition, **_arguments()},
        )
    )


async def report_counts(
    *, session: AsyncSession, group_by: list[ReportDimension]
) -> list[ReportCount]:
    """The cells of the one declared table ``group_by`` names, by lookup."""
    dims = tuple(dict.fromkeys(group_by))
    wanted = next((t for t in TABLES if set(t) == set(dims)), None)
    if wanted is None:
        tables = "; ".join(" + ".join(d.name for d in t) or "(no dimension)" for t in TABLES)
        raise DomainError(
            PublicationErrorCode.UNKNOWN_TABLE,
            f"No published table of reports is grouped so. Tables: {tables}.",
            field=("groupBy",),
        )
    rows = await session.execute(
        text(
            "SELECT cell, count AS n FROM report_statistics WHERE table_id = :t ORDER BY cell::text"
        ),
        {"t": table_id(wanted)},
    )
    return [
        ReportCount(values={d: row.cell.get(d.value) for d in dims}, count=int(row.n))
        for row in rows
    ]
