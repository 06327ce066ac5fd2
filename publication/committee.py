"""The Committee's cross-party figures: fixed reporting periods, protected cell by cell.

Each period's figures are an edition (``publish_committee_edition()``): computed once, on
the period's end plus the code's settling lag, and stored, so polling before and after a
decision shows nothing and an open period is never shown.

Figures come from rollups kept with the cases, through owner-run functions that accept
only a fixed reporting period (a calendar quarter, a calendar year, or the Committee's
reporting year from the code) and return counts already perturbed with the cell-key
method (``publication.cellkey``): the application never holds an exact count of another
party. So:

- no day-level window can be asked, and two periods overlap only as a quarter inside a
  year, where differencing leaves the noise of both cells, never an exact count;
- a count perturbed to 0 (a true 0, or 1..k-1) is *withheld* with its reason, so a zero
  is indistinguishable from a small count and no row of zeros completes a small cell;
- there is no secondary suppression: every cell, each party's and the all-party total,
  is protected on its own, so a small party never blanks a large one;
- shares and the median are computed from the protected counts only (the median from
  the code's time-to-decision bands), so they reveal nothing the counts do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from db.errors import DomainError
from parties.models import Party
from publication.errors import PublicationErrorCode

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


class PeriodKind(Enum):
    QUARTER = "quarter"
    YEAR = "year"
    REPORTING_YEAR = "reporting_year"


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    kind: PeriodKind
    label: str  # 2026-Q2, 2026, 2026/27
    start: date
    end: date


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _period(kind: PeriodKind, label: str, start: date, months: int) -> ReportingPeriod:
    return ReportingPeriod(kind, label, start, _add_months(start, months) - timedelta(days=1))


def parse_period(value: str, *, start_month: int) -> ReportingPeriod:
    """2026-Q2 (a quarter), 2026 (a calendar year) or 2026/27 (a reporting year)."""
    value = value.strip()
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        year, quarter = int(m[1]), int(m[2])
        return _period(PeriodKind.QUARTER, value, date(year, 3 * quarter - 2, 1), 3)
    if m := re.fullmatch(r"(\d{4})", value):
        return _period(PeriodKind.YEAR, value, date(int(m[1]), 1, 1), 12)
    if (m := re.fullmatch(r"(\d{4})/(\d{2})", value)) and (int(m[1]) + 1) % 100 == int(m[2]):
        return _period(PeriodKind.REPORTING_YEAR, value, date(int(m[1]), start_month, 1), 12)
    raise DomainError(
        PublicationErrorCode.NOT_A_REPORTING_PERIOD,
        "Committee figures are for fixed reporting periods only: a quarter (2026-Q2), a "
        f"calendar year (2026) or a reporting year from month {start_month} (2026/27).",
        field=("period",),
    )


def periods_up_to(today: date, *, since: date, start_month: int) -> list[ReportingPeriod]:
    """Every period that has begun, newest first (the Committee's figures for one are
    published once it has closed and settled: ``publishes_on``)."""
    found: list[ReportingPeriod] = []
    for year in range(since.year - 1, today.year + 1):
        for q in range(1, 5):
            found.append(parse_period(f"{year}-Q{q}", start_month=start_month))
        found.append(parse_period(str(year), start_month=start_month))
        found.append(parse_period(f"{year}/{(year + 1) % 100:02d}", start_month=start_month))
    found = [p for p in found if p.start <= today and p.end >= since]
    return sorted(found, key=lambda p: (p.start, p.end), reverse=True)


@dataclass(frozen=True, slots=True)
class Figure:
    value: float | None  # None when withheld
    suppressed: bool
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class BandFigure:
    from_days: int
    to_days: int | None
    figure: Figure


@dataclass(frozen=True, slots=True)
class PartyFigures:
    party: str  # slug, or "*" for all parties together
    name: str
    is_demo: bool
    counts: dict[str, Figure]
    time_to_decision: list[BandFigure]
    median_band: str | None
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
    period: ReportingPeriod
    k: int
    parties: list[PartyFigures]
    total: PartyFigures
    consistency: list[LevelConsistency]
    as_of: date  # the day the edition was computed: open and overdue counts are as of it


def _count(value: int, k: int) -> Figure:
    if value <= 0:
        return Figure(
            value=None,
            suppressed=True,
            explanation=f"Fewer than {k} (possibly none): counts this small are never shown, "
            "so that no case can be singled out.",
        )
    return Figure(value=value, suppressed=False)


def _share(part: Figure, whole: Figure) -> Figure:
    if part.value is None or whole.value is None:
        return Figure(
            value=None,
            suppressed=True,
            explanation="Not shown: a count it is made from is withheld.",
        )
    return Figure(value=round(min(1.0, part.value / whole.value), 4), suppressed=False)


def _known(counts: dict[str, Figure]) -> Figure:
    """Complaints whose result against the deadline is known: every decided one, and every
    one still open past a deadline (late whatever happens). Those still open within their
    deadlines are left out, so a party with many overdue cases cannot show "92% on time"
    of the few it decided. A withheld overdue count adds 0 (its true value is not used)."""
    decided, overdue = counts["decided"], counts["open_overdue"]
    if decided.value is None:
        return decided
    return Figure(value=decided.value + (overdue.value or 0), suppressed=False)


def _band_label(low: int, high: int | None) -> str:
    return f"{low}-{high} days" if high is not None else f"over {low - 1} days"


def _median(bands: list[BandFigure], k: int) -> tuple[str | None, Figure]:
    """The grouped median of the protected band counts (interpolated inside its band)."""
    shown = [(b, int(b.figure.value or 0)) for b in bands]
    total = sum(n for _, n in shown)
    if total < k:
        return None, Figure(
            value=None,
            suppressed=True,
            explanation=f"Not shown: fewer than {k} decided cases in the period.",
        )
    below = 0
    for band, n in shown:
        if n and below + n >= total / 2:
            label = _band_label(band.from_days, band.to_days)
            if band.to_days is None:
                return label, Figure(
                    value=None,
                    suppressed=True,
                    explanation=f"The median is in the open-ended band ({label}).",
                )
            width = band.to_days - band.from_days + 1
            estimate = band.from_days + (total / 2 - below) / n * width
            return label, Figure(value=round(estimate, 1), suppressed=False)
        below += n
    return None, Figure(value=None, suppressed=True, explanation="No decided cases.")


def party_figures(
    values: dict[str, int],
    *,
    slug: str,
    name: str,
    is_demo: bool,
    k: int,
    bands: tuple[tuple[int, int | None], ...],
) -> PartyFigures:
    """One party's figures from its perturbed cells (metric -> count; absent: 0)."""
    counts = {m: _count(values.get(m, 0), k) for m in COUNTS}
    band_figures = [
        BandFigure(low, high, _count(values.get(f"days_band_{i}", 0), k))
        for i, (low, high) in enumerate(bands, start=1)
    ]
    label, median = _median(band_figures, k)
    return PartyFigures(
        party=slug,
        name=name,
        is_demo=is_demo,
        counts=counts,
        time_to_decision=band_figures,
        median_band=label,
        median_days_to_decision=median,
        share_decided_on_time=_share(counts["decided_on_time"], _known(counts)),
        share_published=_share(counts["published"], counts["decided"]),
    )


def publishes_on(period: ReportingPeriod, version: codes.CodeVersion) -> date:
    """A period's figures are computed once, on this date (the calendar of 0027/0028)."""
    return period.end + timedelta(days=version.publication.settling_days)


async def committee_summary(*, session: AsyncSession, period: str, today: date) -> CommitteeSummary:
    """The period's edition: computed once on its publication date (or at the first
    question after it) and stored, so asking again, or after another decision, gives the
    same cells; a period before its date is refused."""
    version = codes.default_version(today)
    k = version.k
    chosen = parse_period(period, start_month=version.publication.reporting_year_start_month)
    if publishes_on(chosen, version) > today:
        raise DomainError(
            PublicationErrorCode.NOT_YET_PUBLISHED,
            f"The figures for {chosen.label} are published on "
            f"{publishes_on(chosen, version):%d %B %Y}, once the period has closed and "
            "settled; they never change afterwards.",
            field=("period",),
        )
    bands = version.publication.time_to_decision_bands
    parties = {p.id: p for p in await session.scalars(select(Party).order_by(Party.name))}
    values: dict[tuple[UUID | None, str], int] = {}
    for row in await session.execute(
        text(
            "SELECT * FROM committee_period_figures(:f, :t, :today, :k, :m, "
            "CAST(:bands AS integer[]))"
        ),
        {
            "f": chosen.start,
            "t": chosen.end,
            "today": today,
            "k": k,
            "m": version.publication.reporting_year_start_month,
            "bands": [low for low, _ in bands],
        },
    ):
        values[(row.party_id, row.metric)] = int(row.value)

    def figures(party_id: UUID | None, slug: str, name: str, is_demo: bool) -> PartyFigures:
        mine = {metric: value for (p, metric), value in values.items() if p == party_id}
        return party_figures(mine, slug=slug, name=name, is_demo=is_demo, k=k, bands=bands)

    return CommitteeSummary(
        period=chosen,
        k=k,
        parties=[figures(p.id, p.slug, p.name, p.is_demo) for p in parties.values()],
        total=figures(None, TOTAL, "All parties", False),
        consistency=await _consistency(session, version=version, parties=parties, period=chosen),
        as_of=await edition_day(session=session, period=chosen) or today,
    )


async def edition_day(*, session: AsyncSession, period: ReportingPeriod) -> date | None:
    """The UK day a period's edition was computed (its publication date, when the hourly
    job ran): the day its open and overdue counts describe. None before it exists."""
    found: date | None = await session.scalar(
        text(
            "SELECT (computed_at AT TIME ZONE 'Europe/London')::date FROM committee_editions "
            "WHERE period_start = :f AND period_end = :t"
        ),
        {"f": period.start, "t": period.end},
    )
    return found


async def publish_due(*, session: AsyncSession, today: date) -> int:
    """The service's hourly job: every fixed period of the last three years whose date
    has come gets its edition (the database computes each once); returns how many."""
    version = codes.default_version(today)
    start_month = version.publication.reporting_year_start_month
    bands = [low for low, _ in version.publication.time_to_decision_bands]
    made = 0
    for period in periods_up_to(today, since=date(today.year - 3, 1, 1), start_month=start_month):
        if publishes_on(period, version) > today:
            continue
        made += bool(
            await session.scalar(
                text("SELECT publish_committee_edition(:f, :t, :k, :m, CAST(:b AS integer[]))"),
                {"f": period.start, "t": period.end, "k": version.k, "m": start_month, "b": bands},
            )
        )
    return made


async def _consistency(
    session: AsyncSession,
    *,
    version: codes.CodeVersion,
    parties: dict[UUID, Party],
    period: ReportingPeriod,
) -> list[LevelConsistency]:
    """Per severity level: each party's sanctions, every cell protected on its own."""
    k = version.k
    values: dict[tuple[int, UUID | None, str | None], int] = {}
    for row in await session.execute(
        text("SELECT * FROM committee_period_sanctions(:f, :t, :k, :m)"),
        {
            "f": period.start,
            "t": period.end,
            "k": k,
            "m": version.publication.reporting_year_start_month,
        },
    ):
        values[(row.severity, row.party_id, row.sanction)] = int(row.value)
    rows: list[tuple[UUID | None, str]] = [(p.id, p.slug) for p in parties.values()]
    rows.append((None, TOTAL))
    return [
        LevelConsistency(
            level=level.level,
            title=level.title,
            parties=[
                SanctionFigures(
                    party=slug,
                    total=_count(values.get((level.level, party_id, None), 0), k),
                    sanctions={
                        s: _count(values.get((level.level, party_id, s), 0), k)
                        for s in version.sanction_ids
                    },
                )
                for party_id, slug in rows
            ],
        )
        for level in version.severity.levels
    ]
