"""Public counts of reports from the public: a declared set of protected tables.

They answer the Committee's "lack of data" on abuse reported around politics: how many
reports, when, where (online or offline), from whom (the person targeted, witnesses,
candidates or agents, party members), about what (families of provisions) and what
became of them (open, accepted, declined by reason, withdrawn). Every report but a
linked duplicate counts, all parties together. They are recomputed once a day by an
owner function that perturbs every cell with the cell-key method, so no count is
between 1 and k-1 and counts change daily, not report by report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from codes import elections
from db.errors import DomainError
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


async def refresh(*, session: AsyncSession, today: date) -> None:
    """Recompute every table from the reports (run daily by the service)."""
    families: dict[str, str] = {}
    groups: dict[str, str] = {}
    characteristics: dict[str, str] = {}
    for version in codes.load_versions().values():
        families.update({p.id: p.family for p in version.provisions if p.family})
        groups.update({c.id: c.group for c in version.channels if c.group})
        characteristics.update(
            {f.id: f.characteristic for f in version.forms_of_hate if f.characteristic}
        )
    await session.execute(
        text(
            "SELECT refresh_report_statistics(CAST(:t AS jsonb), CAST(:f AS jsonb), "
            "CAST(:g AS jsonb), CAST(:c AS jsonb), CAST(:e AS jsonb), :k, :today)"
        ),
        {
            "t": json.dumps(
                [{"id": table_id(t), "dimensions": [d.value for d in t]} for t in TABLES]
            ),
            "f": json.dumps(families),
            "g": json.dumps(groups),
            "c": json.dumps(characteristics),
            "e": json.dumps(
                [
                    {"kind": p.kind, "start": p.start.isoformat(), "end": p.polling_day.isoformat()}
                    for p in elections.periods()
                ]
            ),
            "k": codes.default_version().k,
            "today": today,
        },
    )


async def computed_on(*, session: AsyncSession) -> date | None:
    found = await session.scalar(text("SELECT max(computed_on) FROM report_statistics"))
    return found if isinstance(found, date) else None


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
