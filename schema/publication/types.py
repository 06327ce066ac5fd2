from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeAlias

import strawberry

from publication import committee, models, releases
from publication import statistics as stats
from publication.attributes import (
    DIMENSION_DESCRIPTIONS,
    DIMENSION_KINDS,
    PUBLISHED_COLUMNS,
    PUBLISHED_VALUES,
    Dimension,
    Kind,
)
from schema.copying import copied
from schema.relay import Node, to_global_id

StatisticsDimension = Dimension  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(StatisticsDimension, name="StatisticsDimension")


@strawberry.type(description="A numbered, immutable, hash-chained batch of published outcomes.")
class Release(Node):
    party_slug: str
    number: int
    published_at: datetime
    code_version: str
    k: int
    record_count: int
    held_back_count: int | None = strawberry.field(
        description="Always null: released plus held back would be the party's exact count "
        "of the year's outcomes, which the tables perturb. See heldBackShare.",
        deprecation_reason="An exact count would undo the tables' perturbation; use heldBackShare.",
    )
    held_back: str = strawberry.field(
        description='The share held back for a later release, in words: "under 5%" or "about 15%".'
    )
    content_hash: str
    previous_hash: str | None
    levels: list[AttributeLevel]
    held_back_share: float | None = strawberry.field(
        description="The share of the release's outcomes held back, rounded to 5% (0.05); "
        "0 means under 2.5%, not none."
    )

    @classmethod
    def from_model(cls, r: models.Release, party_slug: str) -> Release:
        return copied(
            cls,
            r,
            id=to_global_id("Release", r.id),
            party_slug=party_slug,
            held_back_count=None,
            held_back=releases.held_back_words(r),
            levels=[
                AttributeLevel(
                    attribute=attribute,
                    level=level,
                    generalised_share=(r.information_loss or {})
                    .get("generalised_share", {})
                    .get(attribute),
                )
                for attribute, level in (r.levels or {}).items()
            ],
            held_back_share=releases.held_back_share(r),
        )


_PYTHON_TYPES: dict[Kind, Any] = {Kind.TEXT: str, Kind.INTEGER: int, Kind.LIST: list[str]}


def annotated_class(name: str, fields: Any, *, bases: tuple[type, ...]) -> type:
    """A class with these annotated fields, for strawberry to turn into a type: how the
    published values become GraphQL fields (with their descriptions)."""
    namespace: dict[str, Any] = {"__annotations__": {}}
    for field_name, python_type, field in fields:
        namespace["__annotations__"][field_name] = python_type
        namespace[field_name] = field
    return type(name, bases, namespace)


class _FilterMethods:
    def to_domain(self) -> stats.StatisticsFilter:
        values = {
            d: getattr(self, d.value) for d in Dimension if getattr(self, d.value) is not None
        }
        return stats.StatisticsFilter(values=values)


_NO_VALUES: dict[str, Any] = {d.value: None for d in Dimension}
_NAMES = {d: d.value for d in Dimension}  # an enum's .value is slow, per row per field


class _RowMethods:
    @classmethod
    def from_row(cls, row: stats.StatisticsRow) -> Any:
        values = dict(_NO_VALUES)
        for d, v in row.values.items():
            values[_NAMES[d]] = v
        make: Callable[..., Any] = cls  # its fields are known at run time only
        return make(count=row.count, rate_per_1000_members=row.rate_per_1000_members, **values)

    @staticmethod
    def reader(attribute: str) -> Callable[[stats.StatisticsRow], Any]:
        """One field as ``from_row`` sets it, read straight from the domain's row: a
        planned answer (``api.plans``) makes no row of this type."""
        if attribute in ("count", "rate_per_1000_members"):
            return attrgetter(attribute)
        dimension = Dimension(attribute)
        return lambda row: row.values.get(dimension)


class _RecordMethods:
    @classmethod
    def from_values(
        cls, values: dict[str, Any], *, party: str | None = None, release_number: int | None = None
    ) -> Any:
        make: Callable[..., Any] = cls  # its fields are known at run time only
        return make(
            party=party,
            release_number=release_number,
            **{name: values.get(name) for name in PUBLISHED_COLUMNS},
        )


def _dimension_fields(**field_options: Any) -> list[tuple[str, Any, Any]]:
    """A field per statistics dimension (``publication.attributes.Dimension``), described."""
    return [
        (
            d.value,
            _PYTHON_TYPES[DIMENSION_KINDS[d]] | None,
            strawberry.field(description=DIMENSION_DESCRIPTIONS[d], **field_options),
        )
        for d in Dimension
    ]


_RATE = strawberry.field(
    description="Outcomes per 1,000 members in one named year: when grouped by party and by "
    "year (or filtered to a year), and the party gave its membership; null otherwise (all "
    "time over today's members means nothing). Outcomes measure enforcement and reporting, "
    "not how much abuse there is."
)

# Types whose fields are made from the published values at import (the statistics'
# dimensions, a record's columns): the checker sees their methods.
if TYPE_CHECKING:
    StatisticsFilter: TypeAlias = _FilterMethods
    StatisticsRow: TypeAlias = _RowMethods
    PublishedRecord: TypeAlias = _RecordMethods
else:
    StatisticsFilter = strawberry.input(
        annotated_class(
            "StatisticsFilter", _dimension_fields(default=None), bases=(_FilterMethods,)
        ),
        description="Equality filters on published values; list values match when the record "
        "lists the value.",
    )
    StatisticsRow = strawberry.type(
        annotated_class(
            "StatisticsRow",
            [
                *_dimension_fields(),
                ("count", int, strawberry.field(description="The cell's protected count.")),
                ("rate_per_1000_members", float | None, _RATE),
            ],
            bases=(_RowMethods,),
        ),
        description="One cell of a protected table: count carries cell-key noise and is never "
        "between 1 and k-1 (cells perturbed to 0 are not listed).",
    )
    PublishedRecord = strawberry.type(
        annotated_class(
            "PublishedRecord",
            [
                (
                    "party",
                    str | None,
                    strawberry.field(description="Null inside a preview: your party."),
                ),
                ("release_number", int | None, strawberry.field()),
                *(
                    (
                        p.column,
                        _PYTHON_TYPES[p.kind] | None,
                        strawberry.field(description=p.description),
                    )
                    for p in PUBLISHED_VALUES
                ),
            ],
            bases=(_RecordMethods,),
        ),
        description="A published outcome: coded values only; null = not published at that level.",
    )


@strawberry.type(description="The generalisation level published for one attribute.")
class AttributeLevel:
    attribute: str
    level: str = strawberry.field(description="A level of the code's hierarchy; any = hidden.")
    generalised_share: float | None = strawberry.field(
        description="Share of the released records that do not show this value (left out "
        "so that their class holds k and their group l); null for a value no record shows "
        "(level any). Releases before issue 22 meant the share shown coarser than recorded."
    )


@strawberry.type(
    description="A figure for the Committee: counts carry cell-key noise; null when withheld."
)
class Figure:
    value: float | None
    suppressed: bool = strawberry.field(
        description="Withheld: a count fewer than k (possibly none), or a share or median "
        "made from one."
    )
    explanation: str | None = strawberry.field(description="Why it is withheld, in words.")

    @classmethod
    def of(cls, f: committee.Figure) -> Figure:
        return cls(value=f.value, suppressed=f.suppressed, explanation=f.explanation)


@strawberry.type(
    description="Decided cases whose time to decision falls in one of the code's bands."
)
class TimeBandFigure:
    from_days: int
    to_days: int | None
    figure: Figure


@strawberry.type(description="One party's compliance figures (or all parties': party *).")
class PartyFigures:
    party: str
    name: str
    is_demo: bool
    received: Figure
    closed_out_of_scope: Figure
    withdrawn: Figure
    respondent_left: Figure
    decided: Figure
    open: Figure
    appealed: Figure
    decided_on_time: Figure
    open_overdue: Figure
    published: Figure
    time_to_decision: list[TimeBandFigure]
    median_band: str | None = strawberry.field(
        description="The time-to-decision band holding the median decided case."
    )
    median_days_to_decision: Figure = strawberry.field(
        description="Estimated from the protected band counts (interpolated in its band)."
    )
    share_decided_on_time: Figure = strawberry.field(
        description="Decided within the code's deadline, as a share of the complaints whose "
        "result against it is known: every decided one and every one still open past a "
        "deadline (as of the edition's date). A withheld overdue count adds 0."
    )
    share_published: Figure = strawberry.field(description="Of decided outcomes.")

    @classmethod
    def of(cls, p: committee.PartyFigures) -> PartyFigures:
        return cls(
            party=p.party,
            name=p.name,
            is_demo=p.is_demo,
            time_to_decision=[
                TimeBandFigure(from_days=b.from_days, to_days=b.to_days, figure=Figure.of(b.figure))
                for b in p.time_to_decision
            ],
            median_band=p.median_band,
            median_days_to_decision=Figure.of(p.median_days_to_decision),
            share_decided_on_time=Figure.of(p.share_decided_on_time),
            share_published=Figure.of(p.share_published),
            **{metric: Figure.of(f) for metric, f in p.counts.items()},
        )


@strawberry.type
class SanctionFigure:
    sanction: str
    figure: Figure


@strawberry.type(description="A party's sanctions at one severity level.")
class PartySanctions:
    party: str
    total: Figure
    sanctions: list[SanctionFigure]


@strawberry.type(description="Sanction consistency: at one severity level, each party's sanctions.")
class LevelConsistency:
    level: int
    title: str
    parties: list[PartySanctions]


# strawberry.enum marks the domain's class itself, so the checker sees its members
ReportingPeriodKind = committee.PeriodKind
strawberry.enum(ReportingPeriodKind, name="ReportingPeriodKind")


@strawberry.type(description="A fixed reporting period the Committee may ask for.")
class ReportingPeriod:
    label: str = strawberry.field(description="2026-Q2, 2026 or 2026/27: give it as period.")
    kind: ReportingPeriodKind
    starts_on: date
    ends_on: date

    @classmethod
    def of(cls, p: committee.ReportingPeriod) -> ReportingPeriod:
        return cls(label=p.label, kind=p.kind, starts_on=p.start, ends_on=p.end)


@strawberry.type(
    description="Cross-party figures for cases received in one fixed reporting period, every "
    "count protected by the cell-key method (small noise; fewer than k withheld)."
)
class CommitteeSummary:
    period: ReportingPeriod
    received_from: date
    received_to: date
    k: int
    parties: list[PartyFigures]
    total: PartyFigures
    sanction_consistency: list[LevelConsistency]
    as_of: date = strawberry.field(
        description="The day this period's edition was computed (its publication date, when "
        "the hourly job ran): counts of open and overdue cases describe that day."
    )

    @classmethod
    def of(cls, s: committee.CommitteeSummary) -> CommitteeSummary:
        return cls(
            period=ReportingPeriod.of(s.period),
            as_of=s.as_of,
            received_from=s.period.start,
            received_to=s.period.end,
            k=s.k,
            parties=[PartyFigures.of(p) for p in s.parties],
            total=PartyFigures.of(s.total),
            sanction_consistency=[
                LevelConsistency(
                    level=level.level,
                    title=level.title,
                    parties=[
                        PartySanctions(
                            party=p.party,
                            total=Figure.of(p.total),
                            sanctions=[
                                SanctionFigure(sanction=name, figure=Figure.of(f))
                                for name, f in p.sanctions.items()
                            ],
                        )
                        for p in level.parties
                    ],
                )
                for level in s.consistency
            ],
        )


@strawberry.type(description="A declared statistical table and how much protection cost it.")
class StatisticsTable:
    id: str
    title: str
    dimensions: list[StatisticsDimension]
    computed_at: datetime | None = strawberry.field(
        description="When the current edition (statisticsEdition) was computed."
    )
    published_share: float | None = strawberry.field(
        description="The share of the table's cells the current edition shows, rounded to "
        "5%. No count of cells, of withheld cells or of noise is published: each would tell "
        "what the cells hide."
    )

    @classmethod
    def of(cls, t: stats.TableSummary) -> StatisticsTable:
        return copied(
            cls,
            t,
            id=t.table.id,
            title=t.table.title,
            dimensions=list(t.table.dimensions),
        )


@strawberry.type(
    description="An edition of the public statistics: every declared table as of the end of "
    "one closed quarter, published once on the date the calendar announced. A revision is a "
    "new edition of the same quarter, with its reason; the earlier one stays readable."
)
class StatisticsEdition:
    edition: str = strawberry.field(description="The quarter it closes, e.g. 2026-Q3.")
    revision: int
    period_end: date
    publishes_on: date = strawberry.field(description="The date the calendar announced.")
    computed_at: datetime
    reason: str | None = strawberry.field(description="Why a revision was made.")

    @classmethod
    def of(cls, e: stats.Edition) -> StatisticsEdition:
        return copied(cls, e)


@strawberry.type(description="One quarter on the release calendar of the public statistics.")
class CalendarEntry:
    edition: str
    period_end: date
    publishes_on: date = strawberry.field(
        description="The quarter's end plus the code's settling lag: the day its edition is "
        "published, fixed in advance."
    )
    published: StatisticsEdition | None = strawberry.field(
        description="Its newest revision, once published."
    )

    @classmethod
    def of(cls, c: stats.CalendarEntry) -> CalendarEntry:
        return copied(cls, c, published=StatisticsEdition.of(c.published) if c.published else None)
