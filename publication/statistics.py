"""Public statistics and Committee summaries.

Public figures are computed from released records only. Each release is k-anonymous
over all its published attributes, so every group any combination of these filters and
dimensions can form is a union of whole classes: its count is 0 or at least k.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from parties.models import Party
from publication.models import PublishedClass


class Dimension(Enum):
    PARTY = "party"
    YEAR = "year"
    QUARTER = "quarter"
    PROVISION = "provision"
    FAMILY = "family"
    FORM_OF_HATE = "form_of_hate"
    CHARACTERISTIC = "characteristic"
    CHANNEL = "channel"
    CHANNEL_GROUP = "channel_group"
    RESPONDENT_ROLE = "respondent_role"
    RESPONDENT_ROLE_GROUP = "respondent_role_group"
    SEVERITY = "severity"
    SANCTION = "sanction"
    SANCTION_BAND = "sanction_band"


# dimension -> (published column, is a list). A record published more coarsely than a
# dimension has no value for it and is left out of that grouping.
COLUMNS: dict[Dimension, tuple[Any, bool]] = {
    Dimension.YEAR: (PublishedClass.year, False),
    Dimension.QUARTER: (PublishedClass.quarter, False),
    Dimension.PROVISION: (PublishedClass.provisions, True),
    Dimension.FAMILY: (PublishedClass.families, True),
    Dimension.FORM_OF_HATE: (PublishedClass.forms_of_hate, True),
    Dimension.CHARACTERISTIC: (PublishedClass.characteristics, True),
    Dimension.CHANNEL: (PublishedClass.channel, False),
    Dimension.CHANNEL_GROUP: (PublishedClass.channel_group, False),
    Dimension.RESPONDENT_ROLE: (PublishedClass.respondent_role, False),
    Dimension.RESPONDENT_ROLE_GROUP: (PublishedClass.respondent_role_group, False),
    Dimension.SEVERITY: (PublishedClass.severity, False),
    Dimension.SANCTION: (PublishedClass.sanction, False),
    Dimension.SANCTION_BAND: (PublishedClass.sanction_band, False),
}


@dataclass(frozen=True, slots=True)
class StatisticsFilter:
    """Equality filters; a list attribute matches when the record lists the value."""

    values: dict[Dimension, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatisticsRow:
    count: int
    values: dict[Dimension, Any]
    rate_per_1000_members: float | None = None


async def statistics(
    *, session: AsyncSession, group_by: list[Dimension], where: StatisticsFilter | None = None
) -> list[StatisticsRow]:
    """Counts of released records grouped by the dimensions, in SQL.

    Each release is k-anonymous over all its published values, and every group or filter
    here is a function of those values, so every group is a union of whole classes: its
    count is 0 or at least k, however dimensions and filters combine.
    """
    where = where or StatisticsFilter()
    dims = list(dict.fromkeys(group_by))  # keep order, drop repeats
    selected: list[Any] = []
    query_from: Any = PublishedClass.__table__
    conditions: list[Any] = []
    for dim in dims:
        if dim is Dimension.PARTY:
            selected.append(Party.slug.label("party"))
            continue
        column, is_list = COLUMNS[dim]
        if is_list:
            unnested = (
                func.unnest(column)
                .table_valued("value", name=f"{dim.value}_values")
                .render_derived()
            )
            query_from = query_from.join(unnested, true())
            selected.append(unnested.c.value.label(dim.value))
        else:
            selected.append(column.label(dim.value))
            conditions.append(column.is_not(None))
    needs_party = Dimension.PARTY in dims or Dimension.PARTY in where.values
    if needs_party:
        query_from = query_from.join(Party.__table__, Party.id == PublishedClass.party_id)
    for dim, value in where.values.items():
        if dim is Dimension.PARTY:
            conditions.append(Party.slug == value)
            continue
        column, is_list = COLUMNS[dim]
        conditions.append(column.contains([value]) if is_list else column == value)
    extra = [Party.membership.label("membership")] if Dimension.PARTY in dims else []
    query = (
        select(*selected, *extra, func.sum(PublishedClass.n).label("count"))
        .select_from(query_from)
        .where(*conditions)
    )
    if selected:
        query = query.group_by(*selected, *extra).order_by(*selected)
    rows = await session.execute(query)
    found = []
    for row in rows:
        mapping = row._mapping
        if not mapping["count"]:
            continue
        membership = mapping.get("membership") if extra else None
        found.append(
            StatisticsRow(
                count=mapping["count"],
                values={d: mapping[d.value] for d in dims},
                rate_per_1000_members=round(mapping["count"] * 1000 / membership, 3)
                if membership
                else None,
            )
        )
    return found
