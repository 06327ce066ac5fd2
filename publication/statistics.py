"""Public statistics and Committee summaries.

Public figures are computed from released records only. Each release is k-anonymous
over all its published attributes, so every group any combination of these filters and
dimensions can form is a union of whole classes: its count is 0 or at least k.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from parties.models import Party
from publication.models import PartyCaseCounts, PublishedOutcome


class Dimension(Enum):
    PARTY = "party"
    YEAR = "year"
    PROVISION = "provision"
    SANCTION = "sanction"


@dataclass(frozen=True, slots=True)
class StatisticsFilter:
    party: str | None = None
    year: int | None = None
    provision: str | None = None
    sanction: str | None = None


@dataclass(frozen=True, slots=True)
class StatisticsRow:
    count: int
    party: str | None = None
    year: int | None = None
    provision: str | None = None
    sanction: str | None = None


async def statistics(
    *, session: AsyncSession, group_by: list[Dimension], where: StatisticsFilter | None = None
) -> list[StatisticsRow]:
    where = where or StatisticsFilter()
    dims = list(dict.fromkeys(group_by))  # keep order, drop repeats
    unnested = (
        func.unnest(PublishedOutcome.provisions)
        .table_valued("provision", name="alleged")
        .render_derived()
    )
    provision = unnested.c.provision
    columns = {
        Dimension.PARTY: Party.slug.label("party"),
        Dimension.YEAR: PublishedOutcome.year.label("year"),
        Dimension.PROVISION: provision,
        Dimension.SANCTION: PublishedOutcome.sanction.label("sanction"),
    }
    selected = [columns[d] for d in dims]
    query = select(*selected, func.count().label("count")).select_from(PublishedOutcome)
    if Dimension.PARTY in dims or where.party is not None:
        query = query.join(Party, Party.id == PublishedOutcome.party_id)
    if Dimension.PROVISION in dims:
        query = query.join(unnested, true())
    if where.party is not None:
        query = query.where(Party.slug == where.party)
    if where.year is not None:
        query = query.where(PublishedOutcome.year == where.year)
    if where.provision is not None:
        query = query.where(PublishedOutcome.provisions.contains([where.provision]))
    if where.sanction is not None:
        query = query.where(PublishedOutcome.sanction == where.sanction)
    if selected:
        query = query.group_by(*selected).order_by(*selected)
    result = await session.execute(query)
    return [
        StatisticsRow(**{k: v for k, v in row._mapping.items()}) for row in result if row.count > 0
    ]


@dataclass(frozen=True, slots=True)
class PartySummary:
    party_id: UUID
    slug: str
    name: str
    is_demo: bool
    received: int
    decided: int
    published: int


async def committee_summary(*, session: AsyncSession) -> list[PartySummary]:
    """Per-party counts from the rollup the case triggers maintain: no case row is read."""
    rows = await session.execute(
        select(
            Party.id,
            Party.slug,
            Party.name,
            Party.is_demo,
            func.coalesce(PartyCaseCounts.received, 0),
            func.coalesce(PartyCaseCounts.decided, 0),
            func.coalesce(PartyCaseCounts.published, 0),
        )
        .outerjoin(PartyCaseCounts, PartyCaseCounts.party_id == Party.id)
        .order_by(Party.name)
    )
    return [PartySummary(*row) for row in rows]
