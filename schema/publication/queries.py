"""Reading what is published: protected statistics and their editions, released outcomes,
the calendar, the Committee's summary."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

import codes
from codes import clock
from db.errors import DomainError, DomainErrors
from parties.tokens import Role
from publication import committee
from publication import outcomes as outcome_service
from publication import statistics as stats
from schema.context import RequestContext
from schema.errors import bad_input
from schema.fields import field, public_field
from schema.permissions import require
from schema.publication.types import (
    CalendarEntry,
    CommitteeSummary,
    PublishedRecord,
    ReportingPeriod,
    StatisticsDimension,
    StatisticsEdition,
    StatisticsFilter,
    StatisticsRow,
    StatisticsTable,
)
from schema.relay import Connection, connection_from_page

Ctx = Info[RequestContext, None]


@strawberry.type
class PublicationQuery:
    @public_field(
        description="Final outcomes counted in one of the declared tables (see "
        "statisticsTables): groupBy plus the filtered dimensions must be exactly one table's "
        "dimensions. Counts carry cell-key noise and are never between 1 and k-1. From the "
        "current edition (statisticsEdition), or the one named: editions cover closed "
        "quarters only, and an outcome counts in the quarter it became final."
    )
    async def statistics(
        self,
        info: Ctx,
        group_by: list[StatisticsDimension],
        filter: StatisticsFilter | None = None,
        edition: str | None = None,
    ) -> list[StatisticsRow]:
        where = filter.to_domain() if filter else None
        db = info.context.db
        try:
            if edition is None:  # the current edition: one statement, no transaction
                rows = await stats.current_statistics(db=db, group_by=group_by, where=where)
            else:
                async with db.transaction() as session:
                    rows = await stats.statistics(
                        session=session, group_by=group_by, where=where, edition=edition
                    )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        return [StatisticsRow.from_row(r) for r in rows]

    @public_field(
        description="The declared statistical tables: what statistics can answer, with each "
        "table's share of cells published in the current edition (rounded to 5%)."
    )
    async def statistics_tables(self, info: Ctx) -> list[StatisticsTable]:
        return [StatisticsTable.of(t) for t in await info.context.read(stats.table_summaries)]

    @public_field(
        description="The current edition of the public statistics (null before the first)."
    )
    async def statistics_edition(self, info: Ctx) -> StatisticsEdition | None:
        found = await info.context.read(stats.current_edition)
        return StatisticsEdition.of(found) if found else None

    @public_field(
        description="The release calendar: each quarter, the date its edition of the public "
        "statistics is published (fixed in advance), and the edition once published."
    )
    async def release_calendar(self, info: Ctx) -> list[CalendarEntry]:
        return [CalendarEntry.of(c) for c in await info.context.read(stats.calendar)]

    @public_field(
        description="Every released record, newest first (public): coded values only, each "
        "shared by at least k records of its release."
    )
    async def published_outcomes(
        self, info: Ctx, first: int = 20, after: str | None = None, party: str | None = None
    ) -> Connection[PublishedRecord]:
        try:
            async with info.context.db.transaction() as session:
                page = await outcome_service.published_outcomes(
                    session=session, first=first, after=after, party=party
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        return connection_from_page(
            page,
            lambda r: PublishedRecord.from_values(
                r.values, party=r.party, release_number=r.release_number
            ),
            after=after,
        )

    @field(
        description="Per-party figures for cases received in one fixed reporting period (the "
        "Committee): compliance, time to decision, outcomes published, and sanction "
        "consistency per severity level. Every count is protected by the cell-key method; "
        "counts fewer than k are withheld with the reason. Periods: see reportingPeriods."
    )
    async def committee_summary(self, info: Ctx, period: str) -> CommitteeSummary:
        require(info, Role.COMMITTEE)
        today = clock.today()
        try:
            async with info.context.db.transaction() as session:
                summary = await committee.committee_summary(
                    session=session, period=period, today=today
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        return CommitteeSummary.of(summary)

    @public_field(description="The fixed reporting periods committeeSummary answers, newest first.")
    def reporting_periods(self, info: Ctx) -> list[ReportingPeriod]:
        require(info, Role.COMMITTEE)
        today = clock.today()
        version = codes.default_version(today)
        return [
            ReportingPeriod.of(p)
            for p in committee.periods_up_to(
                today,
                since=date(today.year - 4, 1, 1),
                start_month=version.publication.reporting_year_start_month,
            )
        ]
