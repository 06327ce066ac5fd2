"""The root Query: relay's node and nodes, and every domain's read fields, assembled.

Each domain keeps its own (``schema/<domain>/queries.py``); a resolver checks the role,
calls the domain and maps the result."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

import strawberry
from strawberry.types import Info

from cases import reports as report_service
from cases import service as case_service
from db.errors import DomainError
from db.pagination import (
    MAX_PAGE,
    PageErrorCode,
)
from parties import service as party_service
from publication import releases as release_service
from schema.cases.queries import CaseQuery
from schema.cases.types import Case
from schema.code.queries import CodeQuery
from schema.context import RequestContext
from schema.errors import bad_input
from schema.fields import public_field
from schema.parties.queries import PartyQuery
from schema.parties.types import (
    Party,
)
from schema.parties.webhooks import WebhookQuery
from schema.permissions import require_officer
from schema.publication.queries import PublicationQuery
from schema.publication.types import (
    Release,
)
from schema.relay import Node, from_global_id
from schema.reports.queries import ReportQuery
from schema.reports.types import Report as ReportNode

Ctx = Info[RequestContext, None]


async def _nodes(info: Ctx, global_ids: list[str]) -> list[Node | None]:
    """Resolve ids with one query per type, whatever their number."""
    parsed = [from_global_id(g) for g in global_ids]
    wanted: dict[str, set[UUID]] = defaultdict(set)
    for item in parsed:
        if item is not None:
            wanted[item[0]].add(item[1])
    found: dict[tuple[str, UUID], Node] = {}
    db = info.context.db
    if wanted.get("Case"):
        viewer = require_officer(info)
        async with db.transaction(party_id=viewer.party_id, actor=viewer.actor) as session:
            for case in await case_service.get_cases(
                session=session, party_id=viewer.own_party, case_ids=wanted["Case"]
            ):
                found["Case", case.id] = Case.from_model(case)
    if wanted.get("Report"):
        viewer = require_officer(info)
        async with db.transaction(party_id=viewer.party_id, actor=viewer.actor) as session:
            reports = await report_service.get_reports(
                session=session, party_id=viewer.own_party, report_ids=wanted["Report"]
            )
            wrapped = await report_service.party_key(session=session) if reports else None
        for r in reports:
            found["Report", r.id] = ReportNode.from_model(r, wrapped)
    if wanted.get("Party") or wanted.get("Release"):
        async with db.transaction() as session:
            for party in await party_service.get_many(
                session=session, party_ids=wanted.get("Party", set())
            ):
                found["Party", party.id] = Party.from_model(party)
            for release, slug in await release_service.get_releases(
                session=session, release_ids=wanted.get("Release", set())
            ):
                found["Release", release.id] = Release.from_model(release, slug)
    return [found.get(item) if item else None for item in parsed]


@strawberry.type
class Query(PartyQuery, CodeQuery, PublicationQuery, CaseQuery, ReportQuery, WebhookQuery):
    @public_field(description="Any object by its global id; null if absent or not yours.")
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        return (await _nodes(info, [id]))[0]

    @public_field(description="Several objects by global id, in the order asked.")
    async def nodes(self, info: Ctx, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE:
            raise bad_input(
                DomainError(PageErrorCode.TOO_MANY_IDS, f"Ask for at most {MAX_PAGE} ids.")
            )
        return await _nodes(info, list(ids))
