"""Published outcomes as the public reads them: released records, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.pagination import Page, check_page_size, decode_cursor, encode_cursor, invalid_cursor
from parties.models import Party
from publication.anonymise import PUBLISHED_COLUMNS
from publication.models import PublishedOutcome, Release


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    party: str
    is_demo: bool
    release_number: int
    values: dict[str, Any]
    party_name: str = ""
    released_on: date | None = None


def _query(party: str | None) -> Any:
    query = (
        select(
            PublishedOutcome.id,
            Party.slug,
            Party.is_demo,
            Party.name,
            Release.number,
            Release.published_at,
            *(getattr(PublishedOutcome, c) for c in PUBLISHED_COLUMNS),
        )
        .join(Party, Party.id == PublishedOutcome.party_id)
        .join(Release, Release.id == PublishedOutcome.release_id)
    )
    return query.where(Party.slug == party) if party else query


async def published_outcomes(
    *, session: AsyncSession, first: int = 20, after: str | None = None, party: str | None = None
) -> Page[OutcomeRow]:
    """Keyset-paginated on the record's serial id, newest first."""
    check_page_size(first)
    query = _query(party)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    if after:
        (position,) = decode_cursor("outcome", after, arity=1)
        if not isinstance(position, int):
            raise invalid_cursor()
        query = query.where(PublishedOutcome.id < position)
    rows = (
        await session.execute(query.order_by(PublishedOutcome.id.desc()).limit(first + 1))
    ).all()
    items = [
        (
            encode_cursor("outcome", [row.id]),
            OutcomeRow(
                party=row.slug,
                is_demo=row.is_demo,
                release_number=row.number,
                values={c: getattr(row, c) for c in PUBLISHED_COLUMNS},
            ),
        )
        for row in rows[:first]
    ]
    return Page(items=items, has_next_page=len(rows) > first, total_count=total or 0)


async def iterate_all(*, session: AsyncSession, party: str | None = None) -> Any:
    """Every released record, oldest first, streamed (for open-data downloads)."""
    result = await session.stream(_query(party).order_by(PublishedOutcome.id))
    async for row in result:
        yield OutcomeRow(
            party=row.slug,
            is_demo=row.is_demo,
            release_number=row.number,
            values={c: getattr(row, c) for c in PUBLISHED_COLUMNS},
            party_name=row.name,
            released_on=row.published_at.date(),
        )


@dataclass(frozen=True, slots=True)
class KeptShares:
    records: int
    year: float
    families: float
    sanction_band: float
    family_and_year: float


async def kept_shares(*, session: AsyncSession) -> KeptShares:
    """What share of released records keeps each released value (issue 22: the site says
    so, so nobody reads a headline count as detail it does not have). One grouped query."""
    year, families, band = (
        getattr(PublishedOutcome, c) for c in ("year", "families", "sanction_band")
    )
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(year),
                func.count(families),
                func.count(band),
                func.count().filter(year.is_not(None), families.is_not(None)),
            )
        )
    ).one()
    total = row[0] or 0

    def share(n: int) -> float:
        return n / total if total else 0.0

    return KeptShares(
        records=total,
        year=share(row[1]),
        families=share(row[2]),
        sanction_band=share(row[3]),
        family_and_year=share(row[4]),
    )
