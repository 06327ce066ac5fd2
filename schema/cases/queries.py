"""Reading cases: a party's cases (officers) and the compliance report."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

import codes
from cases import compliance
from cases import service as case_service
from cases.errors import CaseErrorCode
from cases.models import CaseState as DomainCaseState
from db.errors import DomainError, DomainErrors
from db.pagination import MAX_PAGE
from parties import service as party_service
from parties.errors import PartyErrorCode
from schema.cases.types import Case, CaseFilter, CaseOrder, ComplianceReport, DayBandCount
from schema.context import RequestContext
from schema.copying import copied
from schema.errors import bad_input
from schema.fields import field
from schema.permissions import require_officer
from schema.relay import Connection, connection_from_page

Ctx = Info[RequestContext, None]


@strawberry.type
class CaseQuery:
    @field(description="Your party's cases (officers), newest received first unless orderBy.")
    async def cases(
        self,
        info: Ctx,
        first: int = 20,
        after: str | None = None,
        filter: CaseFilter | None = None,
        order_by: CaseOrder = case_service.CaseOrder.RECEIVED_NEWEST,
    ) -> Connection[Case]:
        viewer = require_officer(info)
        where = (
            copied(
                case_service.CaseFilter,
                filter,
                states=tuple(DomainCaseState(s.value) for s in filter.states or ()),
            )
            if filter
            else None
        )
        try:
            async with info.context.db.transaction(
                party_id=viewer.party_id, actor=viewer.actor
            ) as session:
                page = await case_service.list_cases(
                    session=session,
                    party_id=viewer.own_party,
                    first=first,
                    after=after,
                    where=where,
                    order=case_service.CaseOrder(order_by.value),
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        connection = connection_from_page(page, Case.from_model, after=after)
        await _read_ahead(info, [edge.node for edge in connection.edges])
        return connection

    @field(
        description="Your party's compliance with the code's deadlines for cases received "
        "from `from` to `to` (officers)."
    )
    async def compliance_report(
        self,
        info: Ctx,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        party: str | None = None,
    ) -> ComplianceReport:
        party_id = require_officer(info).own_party
        try:
            if from_ > to:
                raise DomainError(
                    CaseErrorCode.INVALID_DATE, "`from` is after `to`.", field=("from",)
                )
            async with info.context.db.transaction(party_id=party_id) as session:
                own = await party_service.get(session=session, party_id=party_id)
                assert own is not None
                if party is not None and party != own.slug:
                    raise DomainError(
                        PartyErrorCode.UNKNOWN_PARTY,
                        "Not a party you can report on: give your own party's slug or none.",
                        field=("party",),
                    )
                version = codes.get_version(own.code_version)
                assert version is not None
                report = await compliance.compliance_report(
                    session=session,
                    party_id=party_id,
                    version=version,
                    received_from=from_,
                    received_to=to,
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        values = {k: v for k, v in asdict(report).items() if k != "time_to_decision"}
        return ComplianceReport(
            received_from=from_,
            received_to=to,
            time_to_decision=[
                DayBandCount(from_days=b.from_days, to_days=b.to_days, count=b.count)
                for b in report.time_to_decision
            ],
            **values,
        )


def _asked(selections: list[Any], name: str) -> list[Any]:
    """Every field called ``name`` in these selections, through fragments."""
    found = []
    for selection in selections:
        if getattr(selection, "name", None) == name and hasattr(selection, "arguments"):
            found.append(selection)
        found.extend(_asked(getattr(selection, "selections", None) or [], name))
    return found


async def _read_ahead(info: Ctx, cases: list[Case]) -> None:
    """What the page's cases are asked for through loaders, loaded before their fields
    resolve: each field then answers at once (``schema.context.now_or_later``) instead of as
    one of 300 tasks a page. The same loaders, batches and queries as before; a field
    this misses (other arguments, a fragment it cannot see) loads as it always did."""
    if not cases:
        return
    selections = info.selected_fields[0].selections
    party = cases[0].party_uuid
    loaders = info.context.loaders
    waits: list[Awaitable[Any]] = []
    if _asked(selections, "history"):
        waits.append(loaders.histories(party).load_many([c.uuid for c in cases]))
    if _asked(selections, "repeatRespondent"):
        pseudonyms = [c.pseudonym for c in cases if c.pseudonym is not None]
        waits.append(loaders.repeat_counts(party).load_many(pseudonyms))
    for reads in _asked(selections, "reads"):
        asked = reads.arguments.get("first", 20)  # a literal arrives as its text
        first = int(asked) if isinstance(asked, int | str) and str(asked).isdigit() else 0
        if reads.arguments.get("after") is None and 0 < first <= MAX_PAGE:
            waits.append(loaders.reads(party, first).load_many([(c.uuid, None) for c in cases]))
    if waits:
        await asyncio.gather(*waits)
