"""Filing and handling reports: submit, add to, withdraw (the reporter, by receipt);
accept, decline, transfer, refer (the party's officer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TypeVar
from uuid import UUID

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from cases import reports as report_service
from cases import service as case_service
from cases.errors import CaseErrorCode
from codes import clock
from db.errors import DomainError
from schema.cases.types import Case
from schema.copying import copied
from schema.errors import UserError, in_transaction
from schema.fields import mutation
from schema.reports.types import Ctx, Report, ReporterKind
from schema.steps import officer_step


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


@strawberry.type(description="Keep both: the secret is shown this once and never again.")
class ReportReceipt:
    code: str
    secret: str


@strawberry.type
class SubmitReportPayload:
    receipt: ReportReceipt | None
    errors: list[UserError]


def _not_found() -> DomainError:
    return DomainError(CaseErrorCode.NOT_FOUND, "No such report.", field=("id",))


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


T = TypeVar("T")


async def _report_step(
    info: Ctx, global_id: str, work: Callable[[AsyncSession, UUID, UUID], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    return await officer_step(
        info, work, global_id=global_id, type_name="Report", not_found=_not_found
    )


@strawberry.type
class ReportMutation:
    @mutation(description="Report abuse (no token). The receipt is shown once.")
    async def submit_report(self, info: Ctx, input: SubmitReportInput) -> SubmitReportPayload:
        kek = info.context.kek
        report = copied(
            report_service.ReportInput,
            input,
            reporter_kind=input.reporter_kind.value,
            token=input.submission_token,
            notify=input.notify_by_email,
            browser=None,  # the site's cookie; an API client has none
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
        async def work(
            session: AsyncSession, party_id: UUID, report_id: UUID
        ) -> tuple[Report, Case]:
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

        result, errors = await _report_step(info, input.id, work)
        return ReportPayload(
            report=result[0] if result else None, case=result[1] if result else None, errors=errors
        )

    @mutation(description="Decline a report with the code's reason.")
    async def decline_report(self, info: Ctx, input: DeclineReportInput) -> ReportPayload:
        async def work(session: AsyncSession, party_id: UUID, report_id: UUID) -> Report:
            return Report.from_model(
                await report_service.decline_report(
                    session=session,
                    party_id=party_id,
                    report_id=report_id,
                    reason=input.reason,
                    today=clock.today(),
                )
            )

        report, errors = await _report_step(info, input.id, work)
        return ReportPayload(report=report, errors=errors)

    @mutation(
        description="Hand a report to the party the person reported belongs to; yours keeps "
        "only that it transferred."
    )
    async def transfer_report(self, info: Ctx, input: TransferReportInput) -> TransferReportPayload:
        kek = info.context.kek

        async def work(session: AsyncSession, party_id: UUID, report_id: UUID) -> bool:
            await report_service.transfer_report(
                session=session,
                kek=kek,
                party_id=party_id,
                report_id=report_id,
                to_party=input.party,
            )
            return True

        done, errors = await _report_step(info, input.id, work)
        return TransferReportPayload(transferred=bool(done), errors=errors)

    @mutation(description="Record that a report was referred (police, platform).")
    async def refer_report(self, info: Ctx, input: ReferReportInput) -> ReportPayload:
        async def work(session: AsyncSession, party_id: UUID, report_id: UUID) -> Report:
            return Report.from_model(
                await report_service.refer_report(
                    session=session, party_id=party_id, report_id=report_id, flags=list(input.flags)
                )
            )

        report, errors = await _report_step(info, input.id, work)
        return ReportPayload(report=report, errors=errors)
