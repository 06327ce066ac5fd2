"""Public statistics: a declared set of protected frequency tables, served by lookup.

The tables are published in **editions**, one per closed quarter, on a date fixed in
advance: the quarter's end plus the code's ``settling_days`` (the release calendar,
:func:`calendar`). An outcome counts in the quarter it became final, so nothing is ever
added to a closed period. An edition's tables hold quarters up to its own, years only
once closed, and "all time" as every closed year. Nothing about an open period is in
them, and a party's release changes no figure. Between two editions of one year only the
quarter tables gain the new quarter, so comparing editions tells no more than a closed
quarter's own tables do. An owner-run database function (``publish_statistics_edition()``)
computes them and stores them already perturbed with the cell-key method
(``publication.cellkey``):
- no stored count is between 1 and k-1;
- the same cell always shows the same number;
- exact counts never reach the application.

It computes an edition only once it is due, and never again: only the operator
revises one, with a reason, and the old edition stays readable.

``statistics`` answers any question that is exactly one declared table (its group-by
dimensions plus its filters), and refuses any other with the list of what can be asked:
a table that is not declared is not computed, so no two answers can be combined into a
new one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import product
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from db import audit
from db.errors import DomainError
from db.session import Database, fetch_in
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


@dataclass(frozen=True, slots=True)
class _Question:
    """One declared table's cells as asked: the SQL (asyncpg's ``$n`` parameters), its
    arguments, and how each row becomes a ``StatisticsRow``."""

    dims: list[Dimension]
    conditions: list[str]
    arguments: list[Any]
    per_year: bool

    def sql(self, source: str) -> str:
        order = [("p.slug" if d is D.PARTY else f"s.cell -> '{d.value}'") for d in self.dims]
        return (
            f"SELECT p.slug, p.membership, s.cell, s.count FROM {source} s "
            "LEFT JOIN parties p ON p.id = s.party_id "
            f"WHERE {' AND '.join(self.conditions)} ORDER BY {', '.join([*order, 's.count'])}"
        )

    def rows(self, records: Iterable[Sequence[Any]]) -> list[StatisticsRow]:
        found = []
        # an enum's .value and a row's attributes are slow: looked up once, not per cell
        named = [(d is D.PARTY, d, d.value) for d in self.dims]
        per_year = self.per_year
        for slug, membership, cell, n in records:
            values = {d: (slug if is_party else cell.get(name)) for is_party, d, name in named}
            rate = round(n * 1000 / membership, 3) if per_year and membership else None
            found.append(StatisticsRow(n, values, rate))
        return found


def _question(group_by: list[Dimension], where: StatisticsFilter | None) -> _Question:
    """The question checked: exactly one declared table, and filter values that may be
    asked; else the DomainError that says what can be asked."""
    where = where or StatisticsFilter()
    dims = list(dict.fromkeys(group_by))  # keep order, drop repeats
    table = find_table(set(dims) | set(where.values))
    if table is None:
        raise _unanswerable(set(dims) | set(where.values))
    for dimension, value in where.values.items():
        _check_value(dimension, value)
    contained = {d.value: v for d, v in where.values.items() if d is not D.PARTY}
    conditions = ["s.table_id = $1", "s.cell @> $2::jsonb"]
    arguments: list[Any] = [table.id, json.dumps(contained)]
    if D.PARTY in where.values:
        arguments.append(where.values[D.PARTY])
        conditions.append(f"p.slug = ${len(arguments)}")
    # a rate needs a named year: outcomes of all time over today's members mean nothing
    per_year = D.PARTY in dims and (D.YEAR in dims or D.YEAR in where.values)
    return _Question(dims, conditions, arguments, per_year)


async def statistics(
    *,
    session: AsyncSession,
    group_by: list[Dimension],
    where: StatisticsFilter | None = None,
    edition: str | None = None,
) -> list[StatisticsRow]:
    """The cells of the one declared table that group_by and the filters name, by lookup,
    from the newest edition or the one named (its newest revision), in the session's
    transaction.

    Every count was perturbed when the table was stored: 0 is never stored, and no count
    is between 1 and k-1.
    """
    question = _question(group_by, where)
    source = "statistics_cells"
    if edition is not None:
        found_edition = await _edition(session, edition)
        source = "statistics_edition_cells"
        question.arguments.append(found_edition.id)
        question.conditions.append(f"s.edition_id = ${len(question.arguments)}")
    return question.rows(await fetch_in(session, question.sql(source), *question.arguments))


async def current_statistics(
    *, db: Database, group_by: list[Dimension], where: StatisticsFilter | None = None
) -> list[StatisticsRow]:
    """``statistics`` from the current edition, as one unbound statement outside any
    transaction (``Database.read_public``): what every caller may see, without a
    transaction's extra round trips. A public answer that misses the cache is mostly this."""
    question = _question(group_by, where)
    records = await db.read_public(question.sql("statistics_cells"), *question.arguments)
    return question.rows(records)


@dataclass(frozen=True, slots=True)
class TableSummary:
    """What is said of a table: its share of cells published, rounded to 5%, and nothing
    more (no count of cells, of hidden cells or of noise, which would tell what the cells
    hide)."""

    table: Table
    computed_at: datetime | None
    published_share: float | None


@dataclass(frozen=True, slots=True)
class Edition:
    id: int
    edition: str  # the quarter it closes, e.g. 2026-Q3
    revision: int
    period_end: date
    publishes_on: date
    computed_at: datetime
    reason: str | None
    tables: dict[str, Any]


EDITION_COLUMNS = "id, edition, revision, period_end, publishes_on, computed_at, reason, tables"


async def _editions(
    session: AsyncSession, where: str = "", *, first: bool = False, **params: Any
) -> list[Edition]:
    """Editions (every revision), newest first; ``first``: the newest only."""
    rows = await session.execute(
        text(
            f"SELECT {EDITION_COLUMNS} FROM statistics_editions {where} "
            f"ORDER BY period_end DESC, revision DESC {'LIMIT 1' if first else ''}"
        ),
        params,
    )
    return [Edition(*row) for row in rows]


async def current_edition(*, session: AsyncSession) -> Edition | None:
    """The newest edition (its newest revision): what ``statistics`` answers from."""
    found = await _editions(session, first=True)
    return found[0] if found else None


async def editions(*, session: AsyncSession) -> list[Edition]:
    """Every edition and revision, newest first: none is ever replaced."""
    return await _editions(session)


async def _edition(session: AsyncSession, name: str) -> Edition:
    """A named edition's newest revision."""
    found = await _editions(session, "WHERE edition = :e", first=True, e=name)
    if not found:
        raise DomainError(
            PublicationErrorCode.UNKNOWN_EDITION,
            f"No edition {name!r} has been published (see releaseCalendar).",
            field=("edition",),
        )
    return found[0]


async def records_closed_until(*, session: AsyncSession) -> date | None:
    """The last day of the newest year a published edition covers whole (an edition holds
    every closed year up to its quarter): per-outcome records are released for those
    years only, so a release never shows anything of a period the tables have not
    published (issue 22)."""
    found = await session.scalar(
        text(
            "SELECT max(make_date(extract(year FROM period_end + 1)::int, 1, 1) - 1) "
            "FROM statistics_editions"
        )
    )
    return found if isinstance(found, date) else None


async def table_summaries(*, session: AsyncSession) -> list[TableSummary]:
    edition = await current_edition(session=session)
    shares = edition.tables if edition else {}
    return [
        TableSummary(
            table=table,
            computed_at=edition.computed_at if edition else None,
            published_share=(shares.get(table.id) or {}).get("published_share"),
        )
        for table in TABLES
    ]


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_end(quarter: str) -> date:
    year, number = int(quarter[:4]), int(quarter[-1])
    if number == 4:
        return date(year, 12, 31)
    return date(year, number * 3 + 1, 1) - timedelta(days=1)


def previous_quarter(quarter: str) -> str:
    year, number = int(quarter[:4]), int(quarter[-1])
    return f"{year - 1}-Q4" if number == 1 else f"{year}-Q{number - 1}"


def next_quarter(quarter: str) -> str:
    year, number = int(quarter[:4]), int(quarter[-1])
    return f"{year + 1}-Q1" if number == 4 else f"{year}-Q{number + 1}"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    edition: str
    period_end: date
    publishes_on: date
    published: Edition | None  # its newest revision, once published


async def calendar(*, session: AsyncSession, ahead: int = 4) -> list[CalendarEntry]:
    """The release calendar: every quarter from the first outcome's to ``ahead`` quarters
    after the current one, with the date its edition is (or was) published."""
    today, settling, first = (
        await session.execute(
            text(
                "SELECT current_date, (SELECT coalesce(max(settling_days), 42) FROM code_rules), "
                "(SELECT min(period_end) FROM statistics_editions)"
            )
        )
    ).one()
    published = {e.edition: e for e in reversed(await editions(session=session))}
    quarter = quarter_of(first) if first else quarter_of(today)
    last = quarter_of(today)
    for _ in range(ahead):
        last = next_quarter(last)
    entries = []
    while True:
        end = quarter_end(quarter)
        entries.append(CalendarEntry(quarter, end, end + timedelta(days=settling),
                                     published.get(quarter)))  # fmt: skip
        if quarter == last:
            return entries
        quarter = next_quarter(quarter)


async def publish_due(*, session: AsyncSession) -> Edition | None:
    """The service's scheduled work: publish the newest edition that is due, once.

    The database decides what is due from its own date and the code's settling lag, and
    refuses anything else (whoever calls); quarters missed while the service was down
    are folded into the next edition, which holds every closed period anyway.
    """
    today, settling = (
        await session.execute(
            text("SELECT current_date, coalesce(max(settling_days), 42) FROM code_rules")
        )
    ).one()
    due = previous_quarter(quarter_of(today))
    while quarter_end(due) + timedelta(days=settling) > today:
        due = previous_quarter(due)
    made = await session.scalar(
        text("SELECT publish_statistics_edition(:e, CAST(:t AS jsonb), CAST(:h AS jsonb), :k)"),
        {"e": due, "t": _tables_json(), "h": json.dumps(_hierarchy()), "k": _k()},
    )
    return await current_edition(session=session) if made else None


async def publish_edition(
    *, session: AsyncSession, edition: str, reason: str | None = None
) -> Edition | None:
    """The operator's hand (owner only): publish a quarter's edition whatever the date
    (a time-shifted copy, a missed one), or revise the newest with ``reason``. A revision
    is a new edition of the same quarter; the old one stays readable."""
    made = await session.scalar(
        text(
            "SELECT statistics_edition_unchecked(:e, :r, CAST(:t AS jsonb), CAST(:h AS jsonb), :k)"
        ),
        {
            "e": edition,
            "r": reason,
            "t": _tables_json(),
            "h": json.dumps(_hierarchy()),
            "k": _k(),
        },
    )
    if not made:
        return None
    published = await current_edition(session=session)
    assert published is not None
    await audit.append(
        session,
        action="statistics.edition",
        subject_type="StatisticsEdition",
        details={"edition": edition, "revision": published.revision, "reason": reason},
    )
    return published


def _k() -> int:
    return max(version.k for version in codes.load_versions().values())


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


async def verify_tables(*, db: Any) -> list[tuple[str, str]]:
    """Recount the newest edition from the outcomes and compare, changing nothing.

    Run as the operator (it reads every party's outcomes): in a transaction that is rolled
    back, the newest edition is computed again as of its own end. The cell-key noise is a
    function of the record keys and final outcomes never change, so any stored count that
    differs was changed.
    """
    snapshot = text("SELECT table_id, party_id::text AS party, cell::text AS cell, count "
                    "FROM statistics_cells")  # fmt: skip
    async with db.session() as session:
        try:
            newest = await current_edition(session=session)
            if newest is None:
                return []
            before = {tuple(r[:3]): r[3] for r in (await session.execute(snapshot)).all()}
            await session.execute(
                text("DELETE FROM statistics_edition_cells WHERE edition_id = :e"),
                {"e": newest.id},
            )
            await session.execute(
                text("DELETE FROM statistics_editions WHERE id = :e"), {"e": newest.id}
            )
            await publish_edition(session=session, edition=newest.edition, reason="recount")
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
    count: int | None  # None: withheld (0, or fewer than k)


def _vocabularies() -> dict[Dimension, set[Any]]:
    """Every value a dimension can take in any code version."""
    found: dict[Dimension, set[Any]] = {d: set() for d in Dimension}
    for version in codes.load_versions().values():
        found[D.PROVISION] |= {p.id for p in version.provisions}
        found[D.FAMILY] |= {f.id for f in version.families}
        found[D.FORM_OF_HATE] |= {f.id for f in version.forms_of_hate}
        found[D.CHARACTERISTIC] |= {c.id for c in version.characteristics}
        found[D.CHANNEL] |= {c.id for c in version.channels}
        found[D.CHANNEL_GROUP] |= {c.group for c in version.channels if c.group}
        found[D.RESPONDENT_ROLE] |= {r.id for r in version.respondent_roles}
        found[D.RESPONDENT_ROLE_GROUP] |= {r.group for r in version.respondent_roles if r.group}
        found[D.SANCTION] |= {s.id for s in version.sanctions}
        found[D.SANCTION_BAND] |= {band for band, _, _ in version.publication.sanction_bands}
        found[D.SEVERITY] |= {level.level for level in version.severity.levels}
    return found


def _periods(values: set[Any], step: Any) -> list[Any]:
    """Every period from the first published to the last: a gap is a withheld cell."""
    if not values:
        return []
    found, current = [], min(values)
    while current <= max(values):
        found.append(current)
        current = step(current)
    return found


async def full_tables(
    *, session: AsyncSession, only: Table | None = None, where: StatisticsFilter | None = None
) -> list[Cell]:
    """Every cell of every declared table of the current edition (or of ``only``, its
    cells that match ``where``), published or withheld (``count`` None: 0, or fewer than
    k, which look alike), so a download never leaves a silent gap. The grid is each
    table's dimensions over every party, the periods from the first published to the
    last, and every value the code versions define."""
    fixed = {d: v for d, v in (where.values if where else {}).items()}
    published = await all_cells(session=session, table=only.id if only else None)
    parties = (await session.execute(text("SELECT slug, is_demo FROM parties ORDER BY slug"))).all()
    all_demo = bool(parties) and all(p.is_demo for p in parties)
    domains: dict[Dimension, list[Any]] = {
        d: sorted(values, key=str) for d, values in _vocabularies().items()
    }
    periods = (
        await session.execute(
            text(
                "SELECT array_agg(DISTINCT (cell ->> 'year')::int) FILTER (WHERE cell ? 'year'), "
                "array_agg(DISTINCT cell ->> 'quarter') FILTER (WHERE cell ? 'quarter') "
                "FROM statistics_cells WHERE cell ?| array['year', 'quarter']"
            )
        )
    ).one()
    domains[D.YEAR] = _periods(set(periods[0] or ()), lambda y: y + 1)
    domains[D.QUARTER] = _periods(set(periods[1] or ()), next_quarter)
    domains[D.SEVERITY] = sorted(domains[D.SEVERITY])
    for dimension, value in fixed.items():
        domains[dimension] = [value]
    counts = {(c.table, c.party, json.dumps(c.values, sort_keys=True)): c.count for c in published}
    found = []
    for table in [only] if only else TABLES:
        dims = [d for d in table.dimensions if d is not D.PARTY]
        owners = [(p.slug, p.is_demo) for p in parties] if D.PARTY in table.dimensions else [
            (None, all_demo)
        ]  # fmt: skip
        if D.PARTY in fixed:
            owners = [o for o in owners if o[0] == fixed[D.PARTY]]
        for slug, is_demo in owners:
            for combination in product(*(domains[d] for d in dims)):
                values = {d.value: v for d, v in zip(dims, combination, strict=True)}
                key = (table.id, slug, json.dumps(values, sort_keys=True))
                found.append(Cell(table.id, slug, is_demo, values, counts.get(key)))
    return found


async def all_cells(*, session: AsyncSession, table: str | None = None) -> list[Cell]:
    """Every published cell of every declared table, or of one (open data), in table
    order."""
    order = {t.id: n for n, t in enumerate(TABLES)}
    rows = await session.execute(
        text(
            "SELECT s.table_id, p.slug, coalesce(p.is_demo, bool_and_demo.all_demo) AS is_demo, "
            "s.cell, s.count AS n FROM statistics_cells s LEFT JOIN parties p ON p.id = s.party_id "
            "CROSS JOIN (SELECT coalesce(bool_and(is_demo), false) AS all_demo FROM parties) "
            "AS bool_and_demo WHERE CAST(:table AS text) IS NULL OR s.table_id = :table "
            "ORDER BY s.table_id, p.slug, s.cell::text"
        ),
        {"table": table},
    )
    cells = [
        Cell(table=r.table_id, party=r.slug, is_demo=r.is_demo, values=r.cell, count=r.n)
        for r in rows
        if r.table_id in order
    ]
    return sorted(cells, key=lambda c: order[c.table])
