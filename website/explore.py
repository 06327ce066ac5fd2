"""The explorer: a question asked with plain GET parameters, answered by one declared table.

The form offers the declared tables and nothing else (``table``), so no choice it offers
is refused. A question in full is a breakdown (one dimension, or none), a party choice
(all parties together, each party, or one party) and a period choice (all time, by year,
by quarter, or one year); links (a party's page, a year) use that form. It names exactly
one of the declared tables or none: the statistics service refuses anything else, so the
explorer can show nothing that the tables do not already publish, and the shareable URL,
the chart, the table and the CSV all hold the same rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from publication import statistics as stats
from publication.attributes import Dimension
from publication.statistics import StatisticsFilter, StatisticsRow
from website.words import value_words

D = Dimension
PERIODS = {"": "All time", "year": "By year", "quarter": "By quarter"}
BREAKDOWNS = tuple(d for d in Dimension if d not in (D.PARTY, D.YEAR, D.QUARTER))


@dataclass(frozen=True, slots=True)
class Question:
    by: Dimension | None = None
    party: str = ""  # "": all parties together; "each"; or a party's slug
    period: str = ""  # "", "year", "quarter", or a year ("2025")
    and_by: Dimension | None = None  # a second breakdown (severity and sanction band)

    @classmethod
    def from_params(cls, params: dict[str, str]) -> Question:
        """Unknown values fall back to the default, so a mangled link still shows a page."""
        by = next((d for d in BREAKDOWNS if d.value == params.get("by", "")), None)
        and_by = next((d for d in BREAKDOWNS if d.value == params.get("and_by", "")), None)
        if by is None or and_by == by:
            and_by = None
        period = params.get("period", "")
        if period not in PERIODS and not (period.isdigit() and len(period) == 4):
            period = ""
        party = params.get("party", "")
        if len(party) > 100 or not all(ch.isalnum() or ch in "-_" for ch in party):
            party = ""
        return cls(by=by, party=party, period=period, and_by=and_by)

    @classmethod
    def for_table(cls, table: stats.Table) -> Question:
        """The question a declared table answers (every party, every period it has)."""
        dims = table.dimensions
        breakdowns = [d for d in dims if d in BREAKDOWNS]
        return cls(
            by=breakdowns[0] if breakdowns else None,
            and_by=breakdowns[1] if len(breakdowns) > 1 else None,
            party="each" if D.PARTY in dims else "",
            period="year" if D.YEAR in dims else "quarter" if D.QUARTER in dims else "",
        )

    @property
    def group_by(self) -> list[Dimension]:
        dims: list[Dimension] = []
        if self.party == "each":
            dims.append(D.PARTY)
        if self.period == "year":
            dims.append(D.YEAR)
        elif self.period == "quarter":
            dims.append(D.QUARTER)
        if self.by is not None:
            dims.append(self.by)
        if self.and_by is not None:
            dims.append(self.and_by)
        return dims

    @property
    def where(self) -> dict[Dimension, object]:
        found: dict[Dimension, object] = {}
        if self.party not in ("", "each"):
            found[D.PARTY] = self.party
        if self.period.isdigit():
            found[D.YEAR] = int(self.period)
        return found

    @property
    def table(self) -> stats.Table | None:
        return stats.find_table(set(self.group_by) | set(self.where))

    @property
    def time_axis(self) -> Dimension | None:
        return next((d for d in self.group_by if d in (D.YEAR, D.QUARTER)), None)

    def params(self, **changes: str) -> dict[str, str]:
        values = {
            "by": self.by.value if self.by else "",
            "party": self.party,
            "period": self.period,
            "and_by": self.and_by.value if self.and_by else "",
            **changes,
        }
        return {k: v for k, v in values.items() if v}

    def query_string(self, **changes: str) -> str:
        return urlencode(self.params(**changes))


def question_of(params: dict[str, str]) -> Question:
    """The form names one declared table (``table``), so it offers nothing unpublished;
    links from elsewhere (a party's page, one year) still say what they ask in full."""
    chosen = next((t for t in stats.TABLES if t.id == params.get("table")), None)
    return Question.for_table(chosen) if chosen else Question.from_params(params)


def answerable(question: Question) -> bool:
    return question.table is not None


def nearby(question: Question) -> list[Question]:
    """Questions one choice away that a table answers: offered when this one is not."""
    found: list[Question] = []
    for party in (question.party, "each", ""):
        for period in (question.period, "year", ""):
            candidate = Question(by=question.by, party=party, period=period, and_by=question.and_by)
            if candidate.table is not None and candidate not in found:
                found.append(candidate)
    return found[:4]


async def answer(*, session: AsyncSession, question: Question) -> list[StatisticsRow]:
    return await stats.statistics(
        session=session, group_by=question.group_by, where=StatisticsFilter(question.where)
    )


def to_csv(
    question: Question,
    rows: list[StatisticsRow],
    cells: list[stats.Cell],
    *,
    names: dict[str, str],
    edition: str | None,
) -> str:
    """The rows shown, and the table's withheld cells as [c] (never a silent gap): codes
    with names beside them, the edition, and whether the data are a demo's."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    dims = [*question.where, *question.group_by]
    rates = any(r.rate_per_1000_members is not None for r in rows)
    writer.writerow(
        [column for d in dims for column in (d.value, f"{d.value}_name")]
        + ["is_demo", "edition", "count"]
        + (["rate_per_1000_members"] if rates else [])
    )
    rate_of = {tuple(str(v) for v in r.values.values()): r.rate_per_1000_members for r in rows}
    for cell in cells:
        values = {d: cell.party if d is D.PARTY else cell.values[d.value] for d in dims}
        rate = rate_of.get(tuple(str(values[d]) for d in question.group_by))
        writer.writerow(
            [part for d in dims for part in (values[d], value_words(d, values[d], names))]
            + ["true" if cell.is_demo else "false", edition or ""]
            + ["[c]" if cell.count is None else cell.count]
            + ([rate if rate is not None else ""] if rates else [])
        )
    return out.getvalue()
