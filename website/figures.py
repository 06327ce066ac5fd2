"""What the public pages show, read in one transaction per page from public tables only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import codes
from parties import service as party_service
from parties.models import Party
from publication import releases as release_service
from publication import statistics as stats
from publication.attributes import Dimension
from publication.models import Release
from publication.statistics import StatisticsFilter, StatisticsRow

D = Dimension


@dataclass(frozen=True, slots=True)
class PartyLine:
    party: Party
    outcomes: int | None  # perturbed; None when not published (0 or fewer than k)
    rate: float | None  # outcomes per 1,000 members in the latest ended year (rate_year)
    releases: int
    latest: datetime | None


@dataclass(frozen=True, slots=True)
class Overview:
    parties: list[PartyLine]
    total: int | None
    records_released: int
    releases: list[tuple[Release, str]]
    years: list[int]
    any_demo: bool
    k: int
    edition: stats.Edition | None = None  # what every figure here comes from

    @property
    def rate_year(self) -> int | None:
        """Rates are per named year: the latest ended one in the edition."""
        return self.years[-1] if self.years else None

    @property
    def latest(self) -> tuple[Release, str] | None:
        return self.releases[0] if self.releases else None

    @property
    def names(self) -> dict[str, str]:
        return {p.party.slug: display_name(p.party) for p in self.parties}


def display_name(party: Party) -> str:
    """A demo party is always marked as such, once."""
    if party.is_demo and "(demo)" not in party.name:
        return f"{party.name} (demo)"
    return party.name


def _one(rows: list[StatisticsRow]) -> int | None:
    return rows[0].count if rows else None


async def overview(*, session: AsyncSession) -> Overview:
    parties = await party_service.list_parties(session=session)
    by_party = {
        r.values[D.PARTY]: r for r in await stats.statistics(session=session, group_by=[D.PARTY])
    }
    all_releases = await release_service.list_releases(session=session)
    years = sorted(
        int(r.values[D.YEAR]) for r in await stats.statistics(session=session, group_by=[D.YEAR])
    )
    rates = (
        {
            r.values[D.PARTY]: r.rate_per_1000_members
            for r in await stats.statistics(
                session=session,
                group_by=[D.PARTY],
                where=stats.StatisticsFilter({D.YEAR: years[-1]}),
            )
        }
        if years
        else {}
    )
    lines = []
    for party in sorted(parties, key=lambda p: p.name):
        mine = [r for r, slug in all_releases if slug == party.slug]
        row = by_party.get(party.slug)
        lines.append(
            PartyLine(
                party=party,
                outcomes=row.count if row else None,
                rate=rates.get(party.slug),
                releases=len(mine),
                latest=mine[0].published_at if mine else None,
            )
        )
    return Overview(
        parties=lines,
        total=_one(await stats.statistics(session=session, group_by=[])),
        records_released=sum(r.record_count for r, _ in all_releases),  # each adds new ones
        releases=all_releases,
        years=years,
        any_demo=any(p.is_demo for p in parties),
        k=codes.default_version().k,
        edition=await stats.current_edition(session=session),
    )


@dataclass(frozen=True, slots=True)
class PartyPage:
    line: PartyLine
    adoptions: list[tuple[date, codes.CodeVersion | None]]
    releases: list[Release]
    by_year: list[StatisticsRow] = field(default_factory=list)


async def party_page(*, session: AsyncSession, slug: str, view: Overview) -> PartyPage | None:
    line = next((p for p in view.parties if p.party.slug == slug), None)
    if line is None:
        return None
    timeline = await party_service.adoption_timeline(session=session, party_id=line.party.id)
    mine = [r for r, s in view.releases if s == slug]
    by_year = await stats.statistics(
        session=session, group_by=[D.PARTY, D.YEAR], where=StatisticsFilter({D.PARTY: slug})
    )
    return PartyPage(
        line=line,
        adoptions=[(on, codes.get_version(v)) for on, v in timeline.adoptions],
        releases=mine,
        by_year=by_year,
    )


async def table_summaries(*, session: AsyncSession) -> list[stats.TableSummary]:
    return await stats.table_summaries(session=session)


def code_versions() -> list[codes.CodeVersion]:
    return sorted(codes.load_versions().values(), key=lambda v: v.in_force_from, reverse=True)


def as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if value else {}
