"""Public statistics: a declared set of protected frequency tables, served by lookup.

The tables are computed when a party publishes, from every final outcome of every party
that has published (not only the released records), by an owner-run database function
that stores them already perturbed with the cell-key method (``publication.cellkey``):
no stored count is between 1 and k-1, the same cell always shows the same number, and
exact counts never reach the application. ``statistics`` answers any question that is
exactly one declared table (its group-by dimensions plus its filters), and refuses any
other with the list of what can be asked: a table that is not declared is not computed,
so no two answers can be combined into a new one.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from db.errors import DomainError
from publication.attributes import Dimension
from publication.errors import PublicationErrorCode


@dataclass(frozen=True, slots=True)
class Table:
    dimensions: tuple[Dimension, ...]

    @property
    def id(self) -> str:
        return "+".join(d.value for d in self.dimensions) or "total"

    @property
    def title(self) -> str:
        names = [d.value.replace("_", " ") for d in self.dimensions]
        return "Outcomes by " + " and ".join(names) if names else "All outcomes"


D = Dimension
# What each party's row may be broken down by (periods: all years, or each year).
PARTY_BREAKDOWNS = (
    D.FAMILY,
    D.CHARACTERISTIC,
    D.CHANNEL_GROUP,
    D.RESPONDENT_ROLE_GROUP,
    D.SEVERITY,
    D.SANCTION_BAND,
)
# Across all parties, the detailed vocabularies too.
TOTAL_BREAKDOWNS = (
    D.PROVISION,
    D.FAMILY,
    D.FORM_OF_HATE,
    D.CHARACTERISTIC,
    D.CHANNEL,
    D.CHANNEL_GROUP,
    D.RESPONDENT_ROLE,
    D.RESPONDENT_ROLE_GROUP,
    D.SEVERITY,
    D.SANCTION,
    D.SANCTION_BAND,
)
TABLES: tuple[Table, ...] = (
    *(Table((D.PARTY, *period)) for period in ((), (D.YEAR,), (D.QUARTER,))),
    *(Table((D.PARTY, *period, x)) for period in ((), (D.YEAR,)) for x in PARTY_BREAKDOWNS),
    Table((D.PARTY, D.SEVERITY, D.SANCTION_BAND)),
    *(Table(period) for period in ((), (D.YEAR,), (D.QUARTER,))),
    *(Table((*period, x)) for period in ((), (D.YEAR,)) for x in TOTAL_BREAKDOWNS),
    Table((D.QUARTER, D.FAMILY)),
    Table((D.QUARTER, D.SANCTION_BAND)),
    Table((D.SEVERITY, D.SANCTION_BAND)),
)
BY_DIMENSIONS = {frozenset(t.dimensions): t for t in TABLES}


def find_table(dimensions: set[Dimension]) -> Table | None:
    return BY_DIMENSIONS.get(frozenset(dimensions))


@dataclass(frozen=True, slots=True)
class StatisticsFilter:
    """Equality filters on a table's dimensions."""

    values: dict[Dimension, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatisticsRow:
    count: int
    values: dict[Dimension, Any]
    rate_per_1000_members: float | None = None


def _unanswerable(dimensions: set[Dimension]) -> DomainError:
    asked = " + ".join(sorted(d.name for d in dimensions)) or "no dimension"
    tables = "; ".join(" + ".join(d.name for d in t.dimensions) or "(no dimension)" for t in TABLES)
    return DomainError(
        PublicationErrorCode.UNKNOWN_TABLE,
        f"No published table is {asked}: groupBy and filter together must name exactly the "
        f"dimensions of one table. Tables: {tables}.",
        field=("groupBy",),
    )


def _check_value(dimension: Dimension, value: Any) -> None:
    if isinstance(value, str) and (
        len(value) > 100 or any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    ):
        raise DomainError(
            PublicationErrorCode.BAD_FILTER,
            "A filter value may not hold control characters or exceed 100 characters.",
            field=("filter", dimension.value),
        )


async def statistics(
    *, session: AsyncSession, group_by: list[Dimension], where: StatisticsFilter | None = None
) -> list[StatisticsRow]:
    """The cells of the one declared table that group_by and the filters name, by lookup.

    Every count was perturbed when the table was stored: 0 is never stored, and no count
    is between 1 and k-1.
    """
    where = where or StatisticsFilter()
    dims = list(dict.fromkeys(group_by))  # keep order, drop repeats
    table = find_table(set(dims) | set(where.values))
    if table is None:
        raise _unanswerable(set(dims) | set(where.values))
    for dimension, value in where.values.items():
        _check_value(dimension, value)
    contained = {d.value: v for d, v in where.values.items() if d is not D.PARTY}
    params: dict[str, Any] = {"table": table.id, "contained": json.dumps(contained)}
    conditions = ["s.table_id = :table", "s.cell @> CAST(:contained AS jsonb)"]
    if D.PARTY in where.values:
        conditions.append("p.slug = :party")
        params["party"] = where.values[D.PARTY]
    order = [("p.slug" if d is D.PARTY else f"s.cell -> '{d.value}'") for d in dims]
    rows = await session.execute(
        text(
            "SELECT p.slug, p.membership, s.cell, s.count AS n FROM statistics_cells s "
            "LEFT JOIN parties p ON p.id = s.party_id "
            f"WHERE {' AND '.join(conditions)} ORDER BY {', '.join([*order, 's.count'])}"
        ),
        params,
    )
    found = []
    named = [(d, d.value) for d in dims]  # an enum's .value is slow: once, not per row
    for row in rows:
        values = {d: (row.slug if d is D.PARTY else row.cell.get(name)) for d, name in named}
        found.append(
            StatisticsRow(
                count=row.n,
                values=values,
                rate_per_1000_members=round(row.n * 1000 / row.membership, 3)
                if D.PARTY in dims and row.membership
                else None,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class TableSummary:
    table: Table
    computed_at: datetime | None
    cells: int  # cells with at least one outcome
    published_cells: int  # of those, shown (not perturbed to 0)
    mean_abs_perturbation: float

    @property
    def published_share(self) -> float | None:
        return self.published_cells / self.cells if self.cells else None


async def table_summaries(*, session: AsyncSession) -> list[TableSummary]:
    stored = {
        row.id: row
        for row in await session.execute(
            text(
                "SELECT id, computed_at, cells, published_cells, mean_abs_perturbation "
                "FROM statistics_tables"
            )
        )
    }
    summaries = []
    for table in TABLES:
        row = stored.get(table.id)
        summaries.append(
            TableSummary(
                table=table,
                computed_at=row.computed_at if row else None,
                cells=row.cells if row else 0,
                published_cells=row.published_cells if row else 0,
                mean_abs_perturbation=row.mean_abs_perturbation if row else 0.0,
            )
        )
    return summaries


def _hierarchy() -> dict[str, dict[str, dict[str, str]]]:
    """Each code version's coarser values, for the database to derive them from."""
    found = {}
    for version in codes.load_versions().values():
        found[version.id] = {
            "family": {p.id: p.family for p in version.provisions if p.family},
            "channel_group": {c.id: c.group for c in version.channels if c.group},
            "respondent_role_group": {r.id: r.group for r in version.respondent_roles if r.group},
            "sanction_band": {
                s: band for band, _, members in version.publication.sanction_bands for s in members
            },
        }
    return found


def _tables_json() -> str:
    return json.dumps([{"id": t.id, "dimensions": [d.value for d in t.dimensions]} for t in TABLES])


async def refresh(*, session: AsyncSession, party_id: UUID, k: int) -> None:
    """Recompute every declared table, the publishing party's outcomes now included."""
    await session.execute(
        text("SELECT refresh_statistics(:party, CAST(:tables AS jsonb), CAST(:h AS jsonb), :k)"),
        {
            "party": party_id,
            "tables": _tables_json(),
            "h": json.dumps(_hierarchy()),
            "k": k,
        },
    )


async def verify_tables(*, db: Any) -> list[tuple[str, str]]:
    """Recount every stored table from the tabulated outcomes and compare, changing nothing.

    Run as the operator (it reads every party's outcomes): the owner's function recomputes
    the tables in a transaction that is rolled back. With no publishing party it tabulates
    nothing new, so the recount covers exactly what was published, and the cell-key noise
    is a function of the record keys: any stored count that differs was changed.
    """
    snapshot = text("SELECT table_id, party_id::text AS party, cell::text AS cell, count "
                    "FROM statistics_cells")  # fmt: skip
    async with db.session() as session:
        try:
            before = {tuple(r[:3]): r[3] for r in (await session.execute(snapshot)).all()}
            await session.execute(
                text("SELECT refresh_statistics(NULL, CAST(:t AS jsonb), CAST(:h AS jsonb), :k)"),
                {
                    "t": _tables_json(),
                    "h": json.dumps(_hierarchy()),
                    "k": codes.default_version().k,
                },
            )
            after = {tuple(r[:3]): r[3] for r in (await session.execute(snapshot)).all()}
        finally:
            await session.rollback()
    differing: Counter[str] = Counter(
        cell[0] for cell in before.keys() | after.keys() if before.get(cell) != after.get(cell)
    )
    return [
        (table, f"{n} stored cell(s) differ from a recount of the outcomes")
        for table, n in sorted(differing.items())
    ]


@dataclass(frozen=True, slots=True)
class Cell:
    table: str
    party: str | None
    is_demo: bool
    values: dict[str, Any]
    count: int


async def all_cells(*, session: AsyncSession) -> list[Cell]:
    """Every published cell of every declared table (open data), in table order."""
    order = {t.id: n for n, t in enumerate(TABLES)}
    rows = await session.execute(
        text(
            "SELECT s.table_id, p.slug, coalesce(p.is_demo, bool_and_demo.all_demo) AS is_demo, "
            "s.cell, s.count AS n FROM statistics_cells s LEFT JOIN parties p ON p.id = s.party_id "
            "CROSS JOIN (SELECT coalesce(bool_and(is_demo), false) AS all_demo FROM parties) "
            "AS bool_and_demo ORDER BY s.table_id, p.slug, s.cell::text"
        )
    )
    cells = [
        Cell(table=r.table_id, party=r.slug, is_demo=r.is_demo, values=r.cell, count=r.n)
        for r in rows
        if r.table_id in order
    ]
    return sorted(cells, key=lambda c: order[c.table])
