"""Read fields. Each resolver: check the role, call the domain, map the result."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.types import Info

import codes
from cases import compliance
from cases import reports as report_service
from cases import service as case_service
from cases.errors import CaseErrorCode
from cases.models import CaseState as DomainCaseState
from codes import clock
from codes.errors import CodeErrorCode, CodeInputError
from codes.guidance import sanction_guidance
from db import audit
from db.errors import DomainError, DomainErrors, from_problems
from db.pagination import (
    MAX_PAGE,
    Page,
    PageErrorCode,
    check_page_size,
    decode_cursor,
    encode_cursor,
)
from parties import service as party_service
from parties import tokens as token_service
from parties.errors import PartyErrorCode
from parties.tokens import Role
from publication import committee
from publication import outcomes as outcome_service
from publication import releases as release_service
from publication import statistics as stats
from schema.context import RequestContext
from schema.errors import bad_input
from schema.fields import field
from schema.permissions import require, require_officer
from schema.relay import Connection, Node, connection_from_page, from_global_id
from schema.reports import Report as ReportNode
from schema.reports import ReportQuery
from schema.types.cases import Case, CaseFilter, CaseOrder, ComplianceReport, DayBandCount
from schema.types.code import Code, SanctionGuidance
from schema.types.parties import (
    CredentialEvent,
    Enrolment,
    Party,
    TokenFilter,
    TokenInfo,
    Viewer,
)
from schema.types.publication import (
    CalendarEntry,
    CommitteeSummary,
    PublishedRecord,
    Release,
    ReportingPeriod,
    StatisticsDimension,
    StatisticsEdition,
    StatisticsFilter,
    StatisticsRow,
    StatisticsTable,
)
from schema.webhooks import WebhookQuery

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
class Query(ReportQuery, WebhookQuery):
    @field(description="Any object by its global id; null if absent or not yours.")
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        return (await _nodes(info, [id]))[0]

    @field(description="Several objects by global id, in the order asked.")
    async def nodes(self, info: Ctx, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE:
            raise bad_input(
                DomainError(PageErrorCode.TOO_MANY_IDS, f"Ask for at most {MAX_PAGE} ids.")
            )
        return await _nodes(info, list(ids))

    @field(description="Who the calling token belongs to; null without a token.")
    async def viewer(self, info: Ctx) -> Viewer | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        party = None
        if viewer.party_id is not None:
            async with info.context.db.transaction() as session:
                model = await party_service.get(session=session, party_id=viewer.party_id)
                party = Party.from_model(model) if model else None
        return Viewer(role=viewer.role, party=party)

    @field(description="A version of the joint code; the one in force by default.")
    def code(self, version: str | None = None) -> Code | None:
        found = codes.get_version(version) if version else codes.default_version()
        return Code.from_version(found) if found else None

    @field(description="Every version of the joint code.")
    def codes(self) -> list[Code]:
        return [Code.from_version(v) for v in codes.load_versions().values()]

    @field(
        description="The severity level and recommended sanction range the code gives for "
        "proven provisions and aggravating/mitigating factors, with the reasoning. Unknown "
        "ids are a BAD_USER_INPUT error listing the allowed ids."
    )
    def sanction_guidance(
        self,
        provisions: list[str],
        factors: list[str] | None = None,
        version: str | None = None,
    ) -> SanctionGuidance:
        found = codes.get_version(version) if version else codes.default_version()
        if found is None:
            raise bad_input(
                DomainError(
                    CodeErrorCode.UNKNOWN_CODE_VERSION,
                    f"Unknown code version {version!r}; known versions: "
                    f"{', '.join(codes.load_versions())}.",
                    field=("version",),
                )
            )
        try:
            guidance = sanction_guidance(found, provisions=provisions, factors=factors or [])
        except CodeInputError as exc:
            raise bad_input(DomainErrors(from_problems(exc.problems))) from None
        return SanctionGuidance.from_guidance(guidance)

    @field(description="The participating parties.")
    async def parties(self, info: Ctx) -> list[Party]:
        async with info.context.db.transaction() as session:
            return [Party.from_model(p) for p in await party_service.list_parties(session=session)]

    @field(
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
        try:
            async with info.context.db.transaction() as session:
                rows = await stats.statistics(
                    session=session, group_by=group_by, where=where, edition=edition
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        return [StatisticsRow.from_row(r) for r in rows]

    @field(
        description="The declared statistical tables: what statistics can answer, with each "
        "table's share of cells published in the current edition (rounded to 5%)."
    )
    async def statistics_tables(self, info: Ctx) -> list[StatisticsTable]:
        async with info.context.db.transaction() as session:
            return [StatisticsTable.of(t) for t in await stats.table_summaries(session=session)]

    @field(description="The current edition of the public statistics (null before the first).")
    async def statistics_edition(self, info: Ctx) -> StatisticsEdition | None:
        async with info.context.db.transaction() as session:
            found = await stats.current_edition(session=session)
        return StatisticsEdition.of(found) if found else None

    @field(
        description="The release calendar: each quarter, the date its edition of the public "
        "statistics is published (fixed in advance), and the edition once published."
    )
    async def release_calendar(self, info: Ctx) -> list[CalendarEntry]:
        async with info.context.db.transaction() as session:
            return [CalendarEntry.of(c) for c in await stats.calendar(session=session)]

    @field(
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
            case_service.CaseFilter(
                states=tuple(DomainCaseState(s.value) for s in filter.states or ()),
                reference=filter.reference,
                provision=filter.provision,
                received_from=filter.received_from,
                received_to=filter.received_to,
                overdue=filter.overdue,
                sanction=filter.sanction,
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
        return connection_from_page(page, Case.from_model, after=after)

    @field(
        description="Your party's credential events, newest first (party administrator): "
        "every token of the party issued, rotated, revoked or enrolled by the party, from its "
        "own hash-chained trail (the registry's break-glass revocations are in the "
        "registry's trail; their effect shows in tokens)."
    )
    async def credential_events(
        self,
        info: Ctx,
        first: int = 50,
        after: str | None = None,
        before_seq: Annotated[
            int | None,
            strawberry.argument(deprecation_reason="Use after: the connection's cursor."),
        ] = None,
    ) -> Connection[CredentialEvent]:
        viewer = require(info, Role.PARTY_ADMIN)
        assert viewer.party_id is not None
        try:
            check_page_size(first)
            before = decode_cursor("credential", after, arity=1)[0] if after else before_seq
        except DomainError as error:
            raise bad_input(error) from None
        prefixes = ("token.", "enrolment.")
        async with info.context.db.transaction(party_id=viewer.party_id) as session:
            entries = await audit.entries_by_action(
                session, party_id=viewer.party_id, prefixes=prefixes, first=first + 1,
                before_seq=before,
            )  # fmt: skip
            total = await audit.count_by_action(
                session, party_id=viewer.party_id, prefixes=prefixes
            )
        page = Page(
            items=[(encode_cursor("credential", [e.seq]), e) for e in entries[:first]],
            has_next_page=len(entries) > first,
            total_count=total,
        )
        return connection_from_page(page, CredentialEvent.from_entry, after=after)

    @field(
        description="API tokens, newest first: never a secret, only its first characters. "
        "The registry admin sees every token's record; a party's administrators see their "
        "party's. Live tokens unless filter.includeRevoked."
    )
    async def tokens(
        self,
        info: Ctx,
        first: int = 20,
        after: str | None = None,
        filter: TokenFilter | None = None,
    ) -> Connection[TokenInfo]:
        viewer = require(info, Role.ADMIN, Role.PARTY_ADMIN)
        filter = filter or TokenFilter()
        try:
            async with info.context.db.transaction() as session:
                party_id = viewer.party_id  # a party's administrators: their party only
                if filter.party is not None and party_id is None:
                    party = await party_service.require_by_slug(session=session, slug=filter.party)
                    party_id = party.id
                page = await token_service.list_tokens(
                    session=session,
                    first=first,
                    after=after,
                    where=token_service.TokenFilter(
                        party_id=party_id,
                        role=Role(filter.role.value) if filter.role else None,
                        include_revoked=filter.include_revoked,
                    ),
                )
                parties = await party_service.get_many(
                    session=session, party_ids={t.party_id for _, t in page.items if t.party_id}
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        slugs = {p.id: p.slug for p in parties}
        return connection_from_page(
            page,
            lambda t: TokenInfo.from_model(t, slugs.get(t.party_id) if t.party_id else None),
            after=after,
        )

    @field(
        description="Enrolment codes' records, newest first, never a code: the registry "
        "admin sees every party's; a party's administrators see their party's (each one "
        "for a party that has an administrator waits for their approveEnrolment); the "
        "Committee sees those awaiting consent."
    )
    async def enrolments(
        self, info: Ctx, first: int = 20, after: str | None = None
    ) -> Connection[Enrolment]:
        require(info, Role.ADMIN, Role.PARTY_ADMIN, Role.COMMITTEE)
        try:
            async with info.context.db.transaction() as session:
                page = await token_service.list_enrolments(
                    session=session, first=first, after=after
                )
                parties = await party_service.get_many(
                    session=session, party_ids={e.party_id for _, e in page.items}
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        slugs = {p.id: p.slug for p in parties}
        return connection_from_page(
            page, lambda e: Enrolment.from_model(e, slugs.get(e.party_id)), after=after
        )

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
        viewer = require_officer(info)
        party_id = viewer.party_id
        assert party_id is not None
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

    @field(description="The fixed reporting periods committeeSummary answers, newest first.")
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
