"""Reports from the public: filing one (no token), its receipt's view, and the party's
intake queue with its four decisions. Resolvers are thin: ``cases.reports`` holds the rules."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Annotated
from uuid import UUID

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

import codes
from cases import evidence as evidence_service
from cases import reports as report_service
from cases import service as case_service
from cases.errors import CaseErrorCode
from codes import clock
from db.errors import DomainError
from db.pagination import check_page_size, invalid_cursor
from publication import report_statistics
from schema.context import RequestContext
from schema.errors import UserError, bad_input, in_transaction
from schema.fields import field, mutation
from schema.permissions import require_officer
from schema.relay import Connection, Edge, Node, PageInfo, to_global_id, uuid_of
from schema.types.cases import Case

Ctx = Info[RequestContext, None]


@strawberry.enum(description="Who is reporting.")
class ReporterKind(Enum):
    TARGETED = "targeted"
    WITNESS = "witness"
    CANDIDATE_OR_AGENT = "candidate_or_agent"
    PARTY_MEMBER = "party_member"


@strawberry.enum(description="A report in a party's queue.")
class ReportState(Enum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


@strawberry.input(description="A report of abuse by a member of a party taking part.")
class SubmitReportInput:
    party: str = strawberry.field(description="The slug of the party of the person reported.")
    respondent_role: str | None = strawberry.field(
        description="Their role in the party (the code's); null: you do not know."
    )
    channel: str = strawberry.field(description="Where it happened (the code's channels).")
    provisions: list[str] = strawberry.field(description="What happened: the code's provisions.")
    occurred_from: date = strawberry.field(description="When it happened (or began).")
    what_happened: str = strawberry.field(description="In your words; at most 5,000 characters.")
    reporter_kind: ReporterKind
    consent: bool = strawberry.field(
        description="You agree that the party handling it may read and use what you report."
    )
    occurred_to: date | None = strawberry.field(default=None, description="When it ended.")
    respondent_name: str | None = strawberry.field(
        default=None, description="Their name or online handle, if you know it."
    )
    links: list[str] = strawberry.field(default_factory=list, description="Up to 5 links.")
    forms_of_hate: list[str] = strawberry.field(
        default_factory=list,
        description="If it was hateful because of who the person is: the code's forms of hate.",
    )
    contact: str | None = strawberry.field(
        default=None, description="How the party may contact you (optional)."
    )
    notify_by_email: bool = strawberry.field(
        default=False,
        description="Email the contact (an email address) when the status changes: never "
        "what you wrote nor the secret.",
    )
    submission_token: str | None = strawberry.field(
        default=None,
        description="A random value of yours (at least 16 characters), the same when you "
        "retry: the same token files one report and gives the same receipt again for 30 "
        "minutes, so a retry after a lost answer never files twice.",
    )


@strawberry.type(
    description="What a reporter wrote: for the responsible party's officers, "
    "and for the reporter by receipt."
)
class ReportContents:
    what_happened: str
    respondent_name: str | None
    links: list[str]
    contact: str | None
    additions: list[ReportAddition] = strawberry.field(
        description="What the reporter added later, by receipt, oldest first."
    )

    @classmethod
    def of(cls, opened: report_service.Contents | None) -> ReportContents | None:
        if opened is None:
            return None
        return cls(
            what_happened=opened.what_happened,
            respondent_name=opened.respondent_name,
            links=list(opened.links),
            contact=opened.contact,
            additions=[
                ReportAddition(added_on=date.fromisoformat(a.added_on), text=a.text)
                for a in opened.additions
            ],
        )


@strawberry.type(description="Information a reporter added to their report.")
class ReportAddition:
    added_on: date
    text: str


@strawberry.type(description="Keep both: the secret is shown this once and never again.")
class ReportReceipt:
    code: str
    secret: str


@strawberry.type
class SubmitReportPayload:
    receipt: ReportReceipt | None
    errors: list[UserError]


ReporterStatus = (
    report_service.ReporterStatus
)  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(
    ReporterStatus,
    description="Where a report stands, as its receipt tells it: received, being assessed "
    "(taken up as a case), decided (an appeal may still be made), under appeal, final, "
    "declined (with the code's reason), closed (the case ended undecided) or withdrawn.",
)


@strawberry.type(
    description="What a receipt shows to whoever holds the code and secret: the report's "
    "status and, while it is kept, what the reporter wrote (the name they gave, the text, "
    "the links and their contact details). Never anything the party recorded about the "
    "person reported."
)
class ReportStatus:
    status: ReporterStatus
    received_on: date
    outcome_band: str | None = strawberry.field(
        description="Once decided: the band of the sanction that stands (after any appeal)."
    )
    decline_reason: str | None = strawberry.field(
        description="When declined: the code's reason, in words."
    )
    decided_on: date | None
    appeal_until: date | None = strawberry.field(
        description="While decided and not final: the last day an appeal may be made."
    )
    can_add: bool = strawberry.field(description="You may still add information (addToReport).")
    can_withdraw: bool = strawberry.field(description="You may still withdraw it.")
    your_report: ReportContents | None = strawberry.field(
        description="What you wrote, as you wrote it (your right of access); null once erased."
    )


@strawberry.type(description="A file a reporter attached to a report.")
class ReportEvidence:
    id: strawberry.ID
    media_type: str = strawberry.field(description="image/png, image/jpeg, image/webp or "
                                       "application/pdf, as the content says.")  # fmt: skip
    size_bytes: int
    added_at: datetime
    download_path: str = strawberry.field(
        description="GET it with your token (Authorization: Bearer …): the file itself."
    )

    @classmethod
    def of(cls, e: evidence_service.Evidence) -> ReportEvidence:
        return cls(
            id=to_global_id("ReportEvidence", e.id),
            media_type=e.media_type,
            size_bytes=e.size_bytes,
            added_at=e.added_at,
            download_path=f"/evidence/{e.id}",
        )


@strawberry.type(description="A report from the public in a party's intake queue.")
class Report(Node):
    id: strawberry.ID
    code: str = strawberry.field(description="The reporter's receipt code (their reference).")
    received_on: date
    state: ReportState
    respondent_role: str | None = strawberry.field(
        description="Null: the reporter did not know (name it when accepting)."
    )
    channel: str
    provisions: list[str]
    forms_of_hate: list[str]
    occurred_from: date
    occurred_to: date
    reporter_kind: ReporterKind
    acknowledge_by: date
    triage_by: date
    overdue: bool = strawberry.field(
        description="Still waiting for your decision after the code's triage deadline."
    )
    duplicate_of: strawberry.ID | None = strawberry.field(
        description="An earlier report this one repeats (linked, never dropped)."
    )
    case_id: strawberry.ID | None = strawberry.field(description="The case it was accepted into.")
    decline_reason: str | None
    referrals: list[str]
    model: strawberry.Private[report_service.Report]
    wrapped_key: strawberry.Private[bytes | None] = None  # fetched once per page

    @field(description="The sealed part, opened for your party (null once erased).")
    async def contents(self, info: Ctx) -> ReportContents | None:
        require_officer(info)
        context = info.context
        wrapped = self.wrapped_key
        if wrapped is None:  # a single report (a mutation's payload): one read of the key
            async with context.db.transaction(party_id=self.model.party_id) as session:
                wrapped = await report_service.party_key(session=session)
        return ReportContents.of(
            report_service.open_contents(self.model, wrapped_private_key=wrapped, kek=context.kek)
        )

    @field(
        description="Files the reporter attached (screenshots, PDFs), cleaned of their "
        "metadata and sealed to your party; download each with your token."
    )
    async def evidence(self, info: Ctx) -> list[ReportEvidence]:
        require_officer(info)
        found = await info.context.loaders.evidence_of_reports(self.model.party_id).load(
            self.model.id
        )
        return [ReportEvidence.of(e) for e in found]

    @field(description="The case it was accepted into; null until then.")
    async def case(self, info: Ctx) -> Case | None:
        require_officer(info)
        if self.model.case_id is None:
            return None
        found = await info.context.loaders.cases(self.model.party_id).load(self.model.case_id)
        return Case.from_model(found) if found else None

    @classmethod
    def from_model(cls, r: report_service.Report, wrapped_key: bytes | None = None) -> Report:
        version = clock_version()
        return cls(
            id=to_global_id("Report", r.id),
            code=r.code,
            received_on=r.received_on,
            state=ReportState(r.status),
            respondent_role=r.respondent_role,
            channel=r.channel,
            provisions=list(r.provisions),
            forms_of_hate=list(r.forms_of_hate),
            occurred_from=r.occurred_from,
            occurred_to=r.occurred_to,
            reporter_kind=ReporterKind(r.reporter_kind),
            acknowledge_by=r.acknowledge_by(version),
            triage_by=r.triage_by(version),
            overdue=r.overdue(version, clock.today()),
            duplicate_of=to_global_id("Report", r.duplicate_of) if r.duplicate_of else None,
            case_id=to_global_id("Case", r.case_id) if r.case_id else None,
            decline_reason=r.decline_reason,
            referrals=list(r.referrals),
            model=r,
            wrapped_key=wrapped_key,
        )


def clock_version() -> codes.CodeVersion:
    """The version in force: a report's deadlines run from its receipt."""
    return codes.default_version(clock.today())


def _not_found() -> DomainError:
    return DomainError(CaseErrorCode.NOT_FOUND, "No such report.", field=("id",))


def _cursor(received_at: str, report_id: UUID) -> str:
    return base64.urlsafe_b64encode(
        json.dumps(["r", received_at, str(report_id)]).encode()
    ).decode()


def _decode(cursor: str) -> tuple[str, str]:
    try:
        kind, at, raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        UUID(raw)
        if kind != "r" or not isinstance(at, str) or len(at) > 40:
            raise ValueError
        datetime.fromisoformat(at)  # the database's own text of the time, or refused
        return at, raw
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise invalid_cursor() from exc


ReportDimension = (
    report_statistics.ReportDimension
)  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(ReportDimension, description="What report counts are grouped by.")


@strawberry.type(description="A protected count of reports from the public (all parties).")
class ReportCountRow:
    year: int | None
    quarter: str | None
    channel_group: str | None
    reporter_kind: str | None
    outcome: str | None = strawberry.field(
        description="open, accepted, declined_<the code's reason>, or withdrawn."
    )
    family: str | None
    characteristic: str | None
    election_period: str | None = strawberry.field(
        description="general or local (the six weeks up to polling day), or none."
    )
    count: int


@strawberry.type
class ReportQuery:
    @field(
        description="Counts of reports from the public (linked duplicates aside), recomputed "
        "daily and protected by the cell-key method: never between 1 and k-1. groupBy must be "
        "one declared table's dimensions."
    )
    async def report_statistics(
        self, info: Ctx, group_by: list[ReportDimension]
    ) -> list[ReportCountRow]:
        try:
            async with info.context.db.transaction() as session:
                rows = await report_statistics.report_counts(session=session, group_by=group_by)
        except DomainError as error:
            raise bad_input(error) from None
        return [
            ReportCountRow(
                year=r.values.get(report_statistics.ReportDimension.YEAR),
                quarter=r.values.get(report_statistics.ReportDimension.QUARTER),
                channel_group=r.values.get(report_statistics.ReportDimension.CHANNEL_GROUP),
                reporter_kind=r.values.get(report_statistics.ReportDimension.REPORTER_KIND),
                outcome=r.values.get(report_statistics.ReportDimension.OUTCOME),
                family=r.values.get(report_statistics.ReportDimension.FAMILY),
                characteristic=r.values.get(report_statistics.ReportDimension.CHARACTERISTIC),
                election_period=r.values.get(report_statistics.ReportDimension.ELECTION_PERIOD),
                count=r.count,
            )
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
        return ReportStatus(
            status=found.status,
            received_on=found.received_on,
            outcome_band=found.outcome_band,
            decline_reason=found.decline_reason,
            decided_on=found.decided_on,
            appeal_until=found.appeal_until,
            can_add=found.can_add,
            can_withdraw=found.can_withdraw,
            your_report=ReportContents.of(copy),
        )

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
        assert viewer.party_id is not None
        try:
            check_page_size(first)  # the house's one rule and error code for page sizes
        except DomainError as error:
            raise bad_input(error) from None
        wanted = [s.value for s in (states or [ReportState.RECEIVED])]
        before = None
        if overdue:
            wanted = [ReportState.RECEIVED.value]
            before = clock.today() - timedelta(days=clock_version().deadlines.triage)
        try:
            key = _decode(after) if after else None
        except DomainError as error:
            raise bad_input(error) from None
        async with info.context.db.transaction(party_id=viewer.party_id) as session:
            found, more = await report_service.list_reports(
                session=session,
                party_id=viewer.party_id,
                statuses=wanted,
                first=first,
                after=key,
                received_before=before,
                received_since=received_since,
                updated_since=updated_since,
            )
            total = await report_service.count_reports(
                session=session, party_id=viewer.party_id, statuses=wanted,
                received_before=before, received_since=received_since,
                updated_since=updated_since,
            )  # fmt: skip
            wrapped = await report_service.party_key(session=session) if found else None
        edges = [
            Edge(cursor=_cursor(at, r.id), node=Report.from_model(r, wrapped)) for r, at in found
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=more,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )


@strawberry.input
class ReportIdInput:
    id: strawberry.ID


@strawberry.input
class AcceptReportInput:
    id: strawberry.ID
    respondent_role: str | None = strawberry.field(
        default=None,
        description="The role of the person reported (the code's): required when the reporter "
        "did not know it; otherwise it corrects theirs.",
    )


@strawberry.input
class AddToReportInput:
    code: str
    secret: str
    text: str = strawberry.field(description="What you want to add; at most 2,000 characters.")


@strawberry.type
class AddToReportPayload:
    added: bool = strawberry.field(
        description="false alike for an unknown receipt and a report no longer open."
    )
    errors: list[UserError]


@strawberry.input
class DeclineReportInput:
    id: strawberry.ID
    reason: str = strawberry.field(description="The code's reason (out_of_scope_reasons).")


@strawberry.input
class TransferReportInput:
    id: strawberry.ID
    party: str = strawberry.field(description="The party the person reported belongs to.")


@strawberry.input
class ReferReportInput:
    id: strawberry.ID
    flags: list[str] = strawberry.field(description="The code's referral flags (police...).")


@strawberry.input
class ReceiptInput:
    code: str
    secret: str


@strawberry.type
class ReportPayload:
    report: Report | None
    case: Case | None = None
    errors: list[UserError]


@strawberry.type
class TransferReportPayload:
    transferred: bool
    errors: list[UserError]


@strawberry.type
class WithdrawReportPayload:
    withdrawn: bool = strawberry.field(
        description="false alike for an unknown receipt and a report already taken up."
    )
    withdrawn_count: int = strawberry.field(
        description="Reports withdrawn: this one, and the duplicates of it you filed (the "
        "same contact, or the same browser) still waiting."
    )


@strawberry.type
class ReportMutation:
    @mutation(description="Report abuse (no token). The receipt is shown once.")
    async def submit_report(self, info: Ctx, input: SubmitReportInput) -> SubmitReportPayload:
        kek = info.context.kek
        report = report_service.ReportInput(
            party=input.party,
            respondent_role=input.respondent_role,
            channel=input.channel,
            provisions=list(input.provisions),
            occurred_from=input.occurred_from,
            occurred_to=input.occurred_to,
            what_happened=input.what_happened,
            reporter_kind=input.reporter_kind.value,
            consent=input.consent,
            respondent_name=input.respondent_name,
            links=list(input.links),
            contact=input.contact,
            forms_of_hate=list(input.forms_of_hate),
            token=input.submission_token,
            notify=input.notify_by_email,
        )

        request = info.context.request
        address = request.client.host if request is not None and request.client else "unknown"

        async def work(session: AsyncSession) -> ReportReceipt:
            if input.notify_by_email and not info.context.emails:
                raise DomainError(
                    CaseErrorCode.EMAILS_OFF,
                    "This service sends no emails: follow your report with its receipt.",
                    field=("notifyByEmail",),
                )
            if wait := info.context.report_wait(address):
                raise report_service.too_many(wait)
            receipt = await report_service.submit_report(
                session=session, kek=kek, report=report, today=clock.today()
            )
            return ReportReceipt(code=receipt.code, secret=receipt.secret)

        receipt, errors = await in_transaction(info.context, None, work)
        return SubmitReportPayload(receipt=receipt, errors=errors)

    @mutation(description="Withdraw your report before a party takes it up.")
    async def withdraw_report(self, info: Ctx, input: ReceiptInput) -> WithdrawReportPayload:
        async with info.context.db.transaction() as session:
            done = await report_service.withdraw(
                session=session, code=input.code, secret=input.secret
            )
        return WithdrawReportPayload(withdrawn=done > 0, withdrawn_count=done)

    @mutation(
        description="Add information to your report while it is open (no token): sealed to "
        "the party like the rest."
    )
    async def add_to_report(self, info: Ctx, input: AddToReportInput) -> AddToReportPayload:
        kek = info.context.kek

        async def work(session: AsyncSession) -> bool:
            return await report_service.add_information(
                session=session,
                kek=kek,
                code=input.code,
                secret=input.secret,
                text_added=input.text,
                today=clock.today(),
            )

        added, errors = await in_transaction(info.context, None, work)
        return AddToReportPayload(added=bool(added), errors=errors)

    @mutation(description="Open a case from a report (its facts prefilled).")
    async def accept_report(self, info: Ctx, input: AcceptReportInput) -> ReportPayload:
        viewer = require_officer(info)
        party_id = viewer.party_id
        assert party_id is not None

        async def work(session: AsyncSession) -> tuple[Report, Case]:
            report_id = uuid_of(input.id, "Report", _not_found())
            report = await report_service.accept_report(
                session=session,
                party_id=party_id,
                report_id=report_id,
                today=clock.today(),
                respondent_role=input.respondent_role,
            )
            assert report.case_id is not None
            case = await case_service.get_case(
                session=session, party_id=party_id, case_id=report.case_id
            )
            assert case is not None
            return Report.from_model(report), Case.from_model(case)

        result, errors = await in_transaction(info.context, party_id, work)
        return ReportPayload(
            report=result[0] if result else None, case=result[1] if result else None, errors=errors
        )

    @mutation(description="Decline a report with the code's reason.")
    async def decline_report(self, info: Ctx, input: DeclineReportInput) -> ReportPayload:
        viewer = require_officer(info)
        party_id = viewer.party_id
        assert party_id is not None

        async def work(session: AsyncSession) -> Report:
            report_id = uuid_of(input.id, "Report", _not_found())
            return Report.from_model(
                await report_service.decline_report(
                    session=session,
                    party_id=party_id,
                    report_id=report_id,
                    reason=input.reason,
                    today=clock.today(),
                )
            )

        report, errors = await in_transaction(info.context, party_id, work)
        return ReportPayload(report=report, errors=errors)

    @mutation(
        description="Hand a report to the party the person reported belongs to; yours keeps "
        "only that it transferred."
    )
    async def transfer_report(self, info: Ctx, input: TransferReportInput) -> TransferReportPayload:
        viewer = require_officer(info)
        party_id = viewer.party_id
        assert party_id is not None
        kek = info.context.kek

        async def work(session: AsyncSession) -> bool:
            report_id = uuid_of(input.id, "Report", _not_found())
            await report_service.transfer_report(
                session=session,
                kek=kek,
                party_id=party_id,
                report_id=report_id,
                to_party=input.party,
            )
            return True

        done, errors = await in_transaction(info.context, party_id, work)
        return TransferReportPayload(transferred=bool(done), errors=errors)

    @mutation(description="Record that a report was referred (police, platform).")
    async def refer_report(self, info: Ctx, input: ReferReportInput) -> ReportPayload:
        viewer = require_officer(info)
        party_id = viewer.party_id
        assert party_id is not None

        async def work(session: AsyncSession) -> Report:
            report_id = uuid_of(input.id, "Report", _not_found())
            return Report.from_model(
                await report_service.refer_report(
                    session=session, party_id=party_id, report_id=report_id, flags=list(input.flags)
                )
            )

        report, errors = await in_transaction(info.context, party_id, work)
        return ReportPayload(report=report, errors=errors)
