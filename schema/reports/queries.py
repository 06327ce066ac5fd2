"""Reading reports: a party's queue, a receipt's status, the protected counts of reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from cases import reports as report_service
from db.errors import DomainError
from publication import report_statistics
from schema.copying import copied
from schema.errors import bad_input
from schema.fields import field, public_field
from schema.permissions import require_officer
from schema.relay import Connection, connection_from_page
from schema.reports.types import (
    Ctx,
    Report,
    ReportContents,
    ReportCountRow,
    ReportDimension,
    ReportState,
    ReportStatus,
)


@strawberry.type
class ReportQuery:
    @public_field(
        description="Counts of reports from the public (linked duplicates aside), recomputed "
        "daily and protected by the cell-key method: never between 1 and k-1. groupBy must be "
        "one declared table's dimensions."
    )
    async def report_statistics(
        self, info: Ctx, group_by: list[ReportDimension]
    ) -> list[ReportCountRow]:
        try:
            rows = await info.context.read(report_statistics.report_counts, group_by=group_by)
        except DomainError as error:
            raise bad_input(error) from None
        return [
            ReportCountRow(**{d.value: r.values.get(d) for d in ReportDimension}, count=r.count)
            for r in rows
        ]

    @field(
        description="A report's coarse status by its receipt (no token): null alike for an "
        "unknown code and a wrong secret."
    )
    async def report_status(self, info: Ctx, code: str, secret: str) -> ReportStatus | None:
        if info.context.response is not None:  # personal and changing: never cached
            info.context.response.headers["cache-control"] = "no-store"
        async with info.context.db.transaction() as session:
            found = await report_service.report_status(session=session, code=code, secret=secret)
            copy = (
                await report_service.own_copy(
                    session=session, kek=info.context.kek, code=code, secret=secret
                )
                if found
                else None
            )
        if found is None:
            return None
        return copied(ReportStatus, found, your_report=ReportContents.of(copy))

    @field(description="Your party's intake queue of public reports, oldest first.")
    async def reports(
        self,
        info: Ctx,
        first: int = 20,
        after: str | None = None,
        states: list[ReportState] | None = None,
        overdue: Annotated[
            bool,
            strawberry.argument(
                description="Only reports still waiting past the code's triage deadline."
            ),
        ] = False,
        received_since: Annotated[
            datetime | None,
            strawberry.argument(description="Only reports received at or after this instant."),
        ] = None,
        updated_since: Annotated[
            datetime | None,
            strawberry.argument(
                description="Only reports changed at or after this instant (filed, accepted, "
                "declined, transferred, added to, withdrawn): what a party's system missed."
            ),
        ] = None,
    ) -> Connection[Report]:
        viewer = require_officer(info)
        try:
            async with info.context.db.transaction(party_id=viewer.party_id) as session:
                page = await report_service.list_reports(
                    session=session,
                    party_id=viewer.own_party,
                    statuses=[s.value for s in (states or [ReportState.RECEIVED])],
                    first=first,
                    after=after,
                    overdue=overdue,
                    received_since=received_since,
                    updated_since=updated_since,
                )
                wrapped = await report_service.party_key(session=session) if page.items else None
        except DomainError as error:
            raise bad_input(error) from None
        return connection_from_page(page, lambda r: Report.from_model(r, wrapped), after=after)
