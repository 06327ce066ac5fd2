"""The case workflow's mutations: one per step, each taking expectedVersion.

Every resolver is one line: the lifecycle function of its step. ``_step`` checks the
officer, decodes the id and calls it inside one transaction with the input's arguments,
read by the function's parameter names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from uuid import UUID

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from cases import lifecycle
from cases import service as case_service
from cases.models import AppealOutcome as DomainAppealOutcome
from cases.models import Appellant as DomainAppellant
from cases.models import Case as CaseModel
from codes.errors import CodeErrorCode
from db.errors import DomainError, DomainErrors
from schema.cases.types import AppealOutcome, Appellant, Case
from schema.context import RequestContext
from schema.copying import called, copied
from schema.errors import UserError, in_transaction, user_errors
from schema.fields import mutation
from schema.permissions import require_officer
from schema.steps import officer_step

Ctx = Info[RequestContext, None]
VERSION_HELP = "The case version you read: a stale one is STALE_VERSION and changes nothing."


@strawberry.input  # what every step takes: the case, and the version the officer read
class _StepInput:
    id: strawberry.ID
    expected_version: int = strawberry.field(description=VERSION_HELP)

    def arguments(self) -> dict[str, Any]:
        """The step's arguments the input holds in another form than the lifecycle takes
        (a domain enum, an assessment); every other one is read by its name."""
        return {}


async def _step(
    info: Ctx, input: _StepInput, step: Callable[..., Awaitable[CaseModel]], /, **given: Any
) -> CasePayload:
    """Call the lifecycle function ``step`` with the officer's party and the case bound
    here, its other arguments ``given``, from ``input.arguments()`` or else read from the
    input by name (``schema.copying.called``). The input is read inside the transaction,
    after the role check, so an input refused while it is read (two findings for one
    provision) is a UserError."""

    async def run(session: AsyncSession, party_id: UUID, case_id: UUID) -> Case:
        bound = dict(session=session, party_id=party_id, case_id=case_id, **given)
        return Case.from_model(await called(step, input, **bound, **input.arguments()))

    case, errors = await officer_step(
        info, run, global_id=input.id, type_name="Case", not_found=lifecycle.not_found
    )
    return CasePayload(case=case, errors=errors)


@strawberry.type(description="The case after the step, or why the step was refused.")
class CasePayload:
    case: Case | None
    errors: list[UserError]


@strawberry.input
class SubmitCaseInput:
    reference: str = strawberry.field(description="Your own reference, unique in your party.")
    received_on: date
    provisions: list[str] = strawberry.field(description="Provision ids alleged, e.g. JC1.")
    channel: str
    respondent_role: str
    target_role: str | None = None
    characteristics: list[str] = strawberry.field(
        default_factory=list, description="Protected characteristics targeted, if any."
    )
    forms_of_hate: list[str] = strawberry.field(
        default_factory=list, description="Named forms of hate; each implies its characteristic."
    )
    complainant_count: int = strawberry.field(
        default=1, description="How many people complained; counted, never named."
    )
    respondent_ref: str | None = strawberry.field(
        default=None,
        description="Your identifier for the respondent (e.g. membership number): stored only "
        "as a keyed pseudonym, to count repeat respondents within your party.",
    )
    acknowledged_on: date | None = strawberry.field(
        default=None, description="When the complainant was acknowledged, if already."
    )
    summary: str | None = strawberry.field(default=None, description="Free text, kept private.")


@strawberry.type
class SubmitCasePayload:
    case: Case | None
    created: bool = strawberry.field(description="False when the reference already existed.")
    errors: list[UserError]


@strawberry.input
class TriageCaseInput(_StepInput):
    in_scope: bool = strawberry.field(description="False closes the case as out of scope.")
    out_of_scope_reason: str | None = strawberry.field(
        default=None, description="Required when out of scope: an id from the code."
    )
    triaged_on: date | None = None


@strawberry.input
class StartAssessmentInput(_StepInput):
    started_on: date | None = None


@strawberry.input
class FindingInput:
    provision: str
    proven: bool


@strawberry.input(description="Findings per alleged provision and the facts they rest on.")
class AssessmentInput:
    findings: list[FindingInput]
    factors: list[str] = strawberry.field(
        default_factory=list, description="Aggravating and mitigating factor ids."
    )
    channel: str | None = strawberry.field(default=None, description="Corrects the channel.")
    target_role: str | None = None
    characteristics: list[str] = strawberry.field(default_factory=list)
    forms_of_hate: list[str] = strawberry.field(default_factory=list)
    assessed_on: date | None = None


@strawberry.input
class RecordAssessmentInput(_StepInput):
    assessment: AssessmentInput

    def arguments(self) -> dict[str, Any]:
        return {"assessment": _assessment(self.assessment)}


@strawberry.input
class DecideCaseInput(_StepInput):
    sanction: str | None = strawberry.field(
        default=None, description="A common ladder step; or give partySanction."
    )
    party_sanction: str | None = strawberry.field(
        default=None, description="Your party's own sanction name; stored with its ladder step."
    )
    suspension_months: int | None = None
    referrals: list[str] = strawberry.field(default_factory=list, description="Referral flags.")
    departure_reason: str | None = strawberry.field(
        default=None, description="Required when the sanction is outside the recommended range."
    )
    decided_on: date | None = None
    findings: list[FindingInput] | None = strawberry.field(
        default=None,
        description="Shortcut: record the assessment's findings with the decision (with "
        "factors), instead of a separate recordAssessment.",
    )
    factors: list[str] | None = None

    def arguments(self) -> dict[str, Any]:
        if self.findings is None:
            return {"assessment": None}
        findings = AssessmentInput(findings=self.findings, factors=self.factors or [])
        return {"assessment": _assessment(findings)}


@strawberry.input
class LodgeAppealInput(_StepInput):
    appellant: Appellant
    lodged_on: date | None = None

    def arguments(self) -> dict[str, Any]:
        return {"appellant": DomainAppellant(self.appellant.value)}


@strawberry.input
class DecideAppealInput(_StepInput):
    outcome: AppealOutcome
    sanction: str | None = strawberry.field(default=None, description="Varied only.")
    party_sanction: str | None = None
    suspension_months: int | None = None
    decided_on: date | None = None

    def arguments(self) -> dict[str, Any]:
        return {"outcome": DomainAppealOutcome(self.outcome.value)}


@strawberry.input
class CloseCaseInput(_StepInput):
    on: date | None = None


@strawberry.input
class RecordInterimMeasureInput(_StepInput):
    starts_on: date
    ends_on: date


def _findings(items: list[FindingInput]) -> dict[str, bool]:
    findings: dict[str, bool] = {}
    for finding in items:
        if finding.provision in findings:
            raise DomainError(
                CodeErrorCode.DUPLICATE_PROVISION,
                f"Two findings for provision {finding.provision}.",
                field=("findings",),
            )
        findings[finding.provision] = finding.proven
    return findings


def _assessment(a: AssessmentInput) -> lifecycle.Assessment:
    return copied(lifecycle.Assessment, a, findings=_findings(a.findings))


def _submission(item: SubmitCaseInput) -> case_service.Submission:
    return copied(case_service.Submission, item)


@strawberry.input
class SubmitCasesInput:
    cases: list[SubmitCaseInput] = strawberry.field(description="1 to 500 cases.")


@strawberry.type(description="What became of one item of a bulk submission.")
class SubmitCaseResult:
    index: int = strawberry.field(description="The item's position in input.cases.")
    case: Case | None
    created: bool
    errors: list[UserError] = strawberry.field(
        description="Why this item was rejected; fields are paths into input.cases[index]."
    )


@strawberry.type
class SubmitCasesPayload:
    results: list[SubmitCaseResult]
    created: int
    already_present: int
    rejected: int
    errors: list[UserError] = strawberry.field(description="Problems with the call as a whole.")


@strawberry.type
class CaseMutation:
    @mutation(
        description="Record up to 500 complaints in one transaction (officer). Each item is "
        "validated on its own: valid ones are created (or found, by your reference: a retry "
        "creates nothing twice), invalid ones are reported with their index."
    )
    async def submit_cases(self, info: Ctx, input: SubmitCasesInput) -> SubmitCasesPayload:
        party_id = require_officer(info).own_party

        async def work(session: AsyncSession) -> list[SubmitCaseResult]:
            results = await case_service.submit_cases(
                session=session,
                party_id=party_id,
                submissions=[_submission(item) for item in input.cases],
            )
            return [
                SubmitCaseResult(
                    index=r.index,
                    case=Case.from_model(r.case) if r.case else None,
                    created=r.created,
                    errors=user_errors(
                        DomainErrors(r.errors), prefix=("input", "cases", str(r.index))
                    )
                    if r.errors
                    else [],
                )
                for r in results
            ]

        with info.context.timed("case_batch"):
            results, errors = await in_transaction(info.context, party_id, work)
        results = results or []
        return SubmitCasesPayload(
            results=results,
            created=sum(r.created for r in results),
            already_present=sum(1 for r in results if r.case and not r.created),
            rejected=sum(1 for r in results if r.errors),
            errors=errors,
        )

    @mutation(
        description="Record a complaint (officer). Idempotent on your reference: a retry "
        "returns the existing case with created=false and changes nothing."
    )
    async def submit_case(self, info: Ctx, input: SubmitCaseInput) -> SubmitCasePayload:
        party_id = require_officer(info).own_party

        async def work(session: AsyncSession) -> tuple[Case, bool]:
            [result] = await case_service.submit_cases(
                session=session, party_id=party_id, submissions=[_submission(input)]
            )
            if result.errors:
                raise DomainErrors(result.errors)
            assert result.case is not None
            return Case.from_model(result.case), result.created

        result, errors = await in_transaction(info.context, party_id, work)
        case, created = result if result else (None, False)
        return SubmitCasePayload(case=case, created=created, errors=errors)

    @mutation(description="Accept a received case for assessment, or close it.")
    async def triage_case(self, info: Ctx, input: TriageCaseInput) -> CasePayload:
        return await _step(info, input, lifecycle.triage_case)

    @mutation(description="Begin assessing a triaged case.")
    async def start_assessment(self, info: Ctx, input: StartAssessmentInput) -> CasePayload:
        return await _step(info, input, lifecycle.start_assessment)

    @mutation(
        description="Record the assessment: findings, facts and factors; the code's severity "
        "level and recommended range are stored with it. May be recorded again."
    )
    async def record_assessment(self, info: Ctx, input: RecordAssessmentInput) -> CasePayload:
        return await _step(info, input, lifecycle.record_assessment)

    @mutation(
        description="Decide an assessed case: a sanction on the ladder (or your party's own "
        "name for one); outside the recommended range it needs a departure reason."
    )
    async def decide_case(self, info: Ctx, input: DecideCaseInput) -> CasePayload:
        return await _step(info, input, lifecycle.decide_case)

    @mutation(description="Lodge an appeal, within the code's window.")
    async def lodge_appeal(self, info: Ctx, input: LodgeAppealInput) -> CasePayload:
        return await _step(info, input, lifecycle.lodge_appeal)

    @mutation(description="Decide an appeal: upheld, varied (new sanction), overturned.")
    async def decide_appeal(self, info: Ctx, input: DecideAppealInput) -> CasePayload:
        return await _step(info, input, lifecycle.decide_appeal)

    @mutation(description="The complainant withdrew the complaint.")
    async def withdraw_case(self, info: Ctx, input: CloseCaseInput) -> CasePayload:
        return await _step(info, input, lifecycle.withdraw_case, withdrawn_on=input.on)

    @mutation(description="The respondent left the party before a decision.")
    async def record_respondent_left(self, info: Ctx, input: CloseCaseInput) -> CasePayload:
        return await _step(info, input, lifecycle.record_respondent_left, left_on=input.on)

    @mutation(description="An administrative suspension pending investigation, start to end.")
    async def record_interim_measure(
        self, info: Ctx, input: RecordInterimMeasureInput
    ) -> CasePayload:
        return await _step(info, input, lifecycle.record_interim_measure)
