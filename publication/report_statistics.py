"""Public counts of reports from the public: a declared set of protected tables.

They answer the Committee's "lack of data" on abuse reported around politics: how many
reports, when, where (online or offline), from whom (the person targeted, witnesses,
candidates or agents, party members), about what (families of provisions) and what
became of them (open, accepted, declined by reason, withdrawn). Every report but a
linked duplicate counts, all parties together. Each closed quarter's edition (the
calendar of the public statistics) adds that quarter's cells, and the fourth quarter's
the year's, as the reports stand on that date. Cells are never recomputed, so a report
accepted or declined later changes nothing; all time is the sum of the years. An owner
function perturbs every cell with the cell-key method
(``publish_report_statistics_edition()``), so no count is between 1 and k-1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from itertools import product
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from cases.reports import REPORTER_KINDS
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


@dataclass(frozen=True, slots=True)
class ReportCell:
    """A cell of a declared table as downloaded: ``count`` None is withheld (none, or
    fewer than k, which look alike); ``edition`` is the quarter whose edition added it."""

    table: str
    values: dict[ReportDimension, Any]
    count: int | None
    edition: str


def vocabularies() -> dict[ReportDimension, list[Any]]:
    """Every value a breakdown can take in any code version, as the database codes it."""
    found: dict[ReportDimension, set[Any]] = {d: set() for d in _BREAKDOWNS}
    for version in codes.load_versions().values():
        found[R.CHANNEL_GROUP] |= {c.group or "other" for c in version.channels}
        found[R.FAMILY] |= {f.id for f in version.families}
        found[R.CHARACTERISTIC] |= {c.id for c in version.characteristics}
        found[R.OUTCOME] |= {f"declined_{r.id}" for r in version.out_of_scope_reasons}
    found[R.OUTCOME] |= {"open", "accepted", "withdrawn"}
    found[R.REPORTER_KIND] = set(REPORTER_KINDS)
    found[R.ELECTION_PERIOD] = {p.kind for p in elections.periods()} | {"none"}
    return {d: sorted(values) for d, values in found.items()}


async def full_tables(*, session: AsyncSession) -> list[ReportCell]:
    """Every cell of every declared table that an edition has published, listed or
    withheld, so a download never leaves a silent gap: each quarter with an edition,
    each year whose fourth quarter has one, and all time once a year has ended."""
    quarters = list(
        (await session.scalars(text("SELECT edition FROM report_statistics_editions"))).all()
    )
    quarters.sort(key=statistics.quarter_end)
    years = sorted({int(q[:4]) for q in quarters if q.endswith("-Q4")})
    stored = {
        (row.table_id, json.dumps(row.cell, sort_keys=True)): int(row.n)
        for row in await session.execute(
            text("SELECT table_id, cell, count AS n FROM report_statistics")
        )
    }
    domains: dict[ReportDimension, list[Any]] = {
        **vocabularies(),
        R.YEAR: years,
        R.QUARTER: quarters,
    }
    found = []
    for table in TABLES:
        if not (R.YEAR in table or R.QUARTER in table) and not years:
            continue  # all time is the sum of the ended years: none has ended yet
        for combination in product(*(domains[d] for d in table)):
            values = dict(zip(table, combination, strict=True))
            key = json.dumps({d.value: v for d, v in values.items()}, sort_keys=True)
            if R.QUARTER in values:
                edition = values[R.QUARTER]
            else:
                edition = f"{values.get(R.YEAR, years[-1] if years else '')}-Q4"
            found.append(
                ReportCell(table_id(table), values, stored.get((table_id(table), key)), edition)
            )
    return found


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
