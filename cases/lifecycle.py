"""Every step of a case after submission, one function per mutation.

Each step locks the case, checks the caller's expected version and the transition
table, validates its input against the case's code version, changes the case, bumps
its version and appends the before/after of the coded fields to the audit trail, all in
the caller's one transaction. Nothing is written when anything is wrong.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from cases import validation, workflow
from cases.errors import CaseErrorCode
from cases.models import AppealOutcome, Appellant, Case, CaseState
from cases.workflow import Step
from codes import clock
from codes.guidance import sanction_guidance
from db import audit
from db.errors import DomainError, DomainErrors
from parties import sanction_mapping
from parties.errors import PartyErrorCode

INTERIM_SUSPENSION = "administrative_suspension"


def not_found() -> DomainError:
    # The same answer whether the case is absent or another party's: no oracle.
    return DomainError(CaseErrorCode.NOT_FOUND, "No case with this id.", field=("id",))


def today() -> date:
    return clock.today()


@dataclass(slots=True)
class _Open:
    case: Case
    version: codes.CodeVersion
    before: dict[str, Any]


async def _begin(
    session: AsyncSession, *, party_id: UUID, case_id: UUID, expected_version: int, step: Step
) -> _Open:
    case = await session.scalar(
        select(Case).where(Case.party_id == party_id, Case.id == case_id).with_for_update()
    )
    if case is None:
        raise not_found()
    if expected_version != case.version:
        raise DomainError(
            CaseErrorCode.STALE_VERSION,
            f"The case changed since you read it (now version {case.version}); reload it.",
            field=("expectedVersion",),
        )
    workflow.check(case.case_state, step)
    version = codes.get_version(case.code_version)
    assert version is not None  # start-up refuses a missing adopted version
    return _Open(case=case, version=version, before=case.coded_fields())


async def _finish(session: AsyncSession, opened: _Open, step: Step) -> Case:
    case = opened.case
    case.version += 1
    case.updated_at = clock.now()
    await session.flush()
    await audit.append(
        session,
        action=f"case.{step.name.lower()}",
        subject_type="Case",
        subject_ids=[case.id],
        details={"before": opened.before, "after": case.coded_fields()},
    )
    return case


def _raise(errors: list[DomainError]) -> None:
    if errors:
        raise DomainErrors(errors)


async def triage_case(
    *,
    session: AsyncSession,
    party_id: UUID,
    case_id: UUID,
    expected_version: int,
    in_scope: bool,
    out_of_scope_reason: str | None = None,
    triaged_on: date | None = None,
) -> Case:
    """Accept a complaint for assessment, or close it as out of scope with a coded reason.

    Triage acknowledges the complaint too, if that was not recorded at submission.
    """
    opened = await _begin(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.TRIAGE,
    )  # fmt: skip
    case, version = opened.case, opened.version
    on = triaged_on or today()
    errors = validation.check_date(
        on, not_before=case.received_on, today=today(), field="triagedOn"
    )
    reasons = version.ids("out_of_scope_reasons")
    if in_scope and out_of_scope_reason is not None:
        errors.append(
            DomainError(
                CaseErrorCode.OUT_OF_SCOPE_REASON,
                "A complaint accepted for assessment has no out-of-scope reason.",
                field=("outOfScopeReason",),
            )
        )
    elif not in_scope and out_of_scope_reason not in reasons:
        errors.append(
            DomainError(
                CaseErrorCode.OUT_OF_SCOPE_REASON,
                f"Closing as out of scope needs a coded reason; allowed: {', '.join(reasons)}.",
                field=("outOfScopeReason",),
            )
        )
    _raise(errors)
    case.triaged_on = on
    case.acknowledged_on = case.acknowledged_on or on
    if in_scope:
        case.state = CaseState.TRIAGED.value
    else:
        case.state = CaseState.CLOSED_OUT_OF_SCOPE.value
        case.out_of_scope_reason = out_of_scope_reason
        case.closed_on = on
    return await _finish(session, opened, Step.TRIAGE)


async def start_assessment(
    *,
    session: AsyncSession,
    party_id: UUID,
    case_id: UUID,
    expected_version: int,
    started_on: date | None = None,
) -> Case:
    opened = await _begin(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.START_ASSESSMENT,
    )  # fmt: skip
    on = started_on or today()
    _raise(
        validation.check_date(
            on, not_before=opened.case.triaged_on, today=today(), field="startedOn"
        )
    )
    opened.case.assessment_started_on = on
    opened.case.state = CaseState.UNDER_ASSESSMENT.value
    return await _finish(session, opened, Step.START_ASSESSMENT)


@dataclass(frozen=True, slots=True)
class Assessment:
    """Findings per alleged provision and the coded facts an assessment establishes."""

    findings: dict[str, bool]
    factors: Sequence[str] = ()
    channel: str | None = None
    target_role: str | None = None
    characteristics: Sequence[str] = ()
    forms_of_hate: Sequence[str] = ()
    assessed_on: date | None = None


def _apply_assessment(opened: _Open, assessment: Assessment) -> list[DomainError]:
    case, version = opened.case, opened.version
    checked = validation.check_assessment(
        version=version,
        alleged=case.provisions,
        findings=assessment.findings,
        factors=assessment.factors,
        channel=assessment.channel,
        target_role=assessment.target_role,
        characteristics=assessment.characteristics,
        forms_of_hate=assessment.forms_of_hate,
    )
    on = assessment.assessed_on or today()
    errors = checked.errors + validation.check_date(
        on,
        not_before=case.assessment_started_on or case.received_on,
        today=today(),
        field="assessedOn",
    )
    if errors:
        return errors
    case.assessment_findings = {
        p: ("proven" if proven else "not_proven") for p, proven in assessment.findings.items()
    }
    case.findings = case.assessment_findings
    case.factors = list(assessment.factors)
    case.channel = assessment.channel or case.channel
    case.target_role = assessment.target_role or case.target_role
    if assessment.characteristics or assessment.forms_of_hate:
        case.forms_of_hate = list(assessment.forms_of_hate)
        case.characteristics = validation.implied_characteristics(
            version, assessment.characteristics, assessment.forms_of_hate
        )
    guidance = checked.guidance
    case.severity_level = guidance.level if guidance else None
    case.recommended_lowest = guidance.lowest.id if guidance else None
    case.recommended_highest = guidance.highest.id if guidance else None
    case.assessed_on = on
    return []


async def record_assessment(
    *,
    session: AsyncSession,
    party_id: UUID,
    case_id: UUID,
    expected_version: int,
    assessment: Assessment,
) -> Case:
    """Record (or re-record) the assessment; the code's guidance is stored with it."""
    opened = await _begin(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.RECORD_ASSESSMENT,
    )  # fmt: skip
    _raise(_apply_assessment(opened, assessment))
    return await _finish(session, opened, Step.RECORD_ASSESSMENT)


async def _ladder_sanction(
    session: AsyncSession,
    *,
    party_id: UUID,
    version: codes.CodeVersion,
    sanction: str | None,
    party_sanction: str | None,
) -> tuple[str, str | None]:
    """The common ladder step and the party's name for it, given either way."""
    if party_sanction is None:
        if sanction is None:
            raise DomainError(
                CaseErrorCode.UNKNOWN_SANCTION,
                f"Give a sanction ({', '.join(version.sanction_ids)}) or your party's own "
                "sanction name.",
                field=("sanction",),
            )
        return sanction, None
    mapped = await sanction_mapping.resolve(
        session=session, party_id=party_id, version=version, name=party_sanction
    )
    if sanction is not None and sanction != mapped.sanction:
        raise DomainError(
            PartyErrorCode.SANCTION_MISMATCH,
            f"{mapped.name!r} maps to {mapped.sanction!r}, not {sanction!r}: give one or the "
            "other.",
            field=("sanction",),
        )
    return mapped.sanction, mapped.name


async def decide_case(
    *,
    session: AsyncSession,
    party_id: UUID,
    case_id: UUID,
    expected_version: int,
    sanction: str | None = None,
    party_sanction: str | None = None,
    suspension_months: int | None = None,
    referrals: Sequence[str] = (),
    departure_reason: str | None = None,
    decided_on: date | None = None,
    assessment: Assessment | None = None,
) -> Case:
    """Decide on the recorded assessment (or on one given here, recorded with it).

    A sanction outside the code's recommended range needs a coded departure reason.
    """
    opened = await _begin(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.DECIDE,
    )  # fmt: skip
    case, version = opened.case, opened.version
    on = decided_on or today()
    if assessment is not None:
        # Findings given with the decision are assessed on the decision's date.
        if assessment.assessed_on is None:
            assessment = dataclasses.replace(assessment, assessed_on=on)
        _raise(_apply_assessment(opened, assessment))
    elif case.assessment_findings is None:
        raise DomainError(
            CaseErrorCode.ASSESSMENT_REQUIRED,
            "Record an assessment (recordAssessment, or findings here) before deciding.",
            field=("findings",),
        )
    ladder, party_name = await _ladder_sanction(
        session, party_id=party_id, version=version, sanction=sanction,
        party_sanction=party_sanction,
    )  # fmt: skip
    proven = [p for p, v in (case.assessment_findings or {}).items() if v == "proven"]
    guidance = (
        sanction_guidance(version, provisions=proven, factors=case.factors or [])
        if proven
        else None
    )
    errors = validation.check_sanction(
        version=version,
        sanction=ladder,
        suspension_months=suspension_months,
        proven_any=bool(proven),
        guidance=guidance,
        departure_reason=departure_reason,
        referrals=referrals,
    )
    errors += validation.check_date(
        on, not_before=case.assessed_on or case.received_on, today=today(), field="decidedOn"
    )
    _raise(errors)
    case.sanction = ladder
    case.party_sanction = party_name
    case.suspension_months = suspension_months
    case.referrals = list(referrals)
    case.departure_reason = departure_reason
    case.decided_on = on
    case.appeal_window_ends = on + timedelta(days=version.deadlines.lodge_appeal)
    case.state = CaseState.DECIDED.value
    return await _finish(session, opened, Step.DECIDE)


async def lodge_appeal(
    *,
    session: AsyncSession,
    party_id: UUID,
    case_id: UUID,
    expected_version: int,
    appellant: Appellant,
    lodged_on: date | None = None,
) -> Case:
    """Either side may appeal, within the code's window from the decision."""
    opened = await _begin(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.LODGE_APPEAL,
    )  # fmt: skip
    case, version = opened.case, opened.version
    on = lodged_on or today()
    errors = validation.check_date(on, not_before=case.decided_on, today=today(), field="lodgedOn")
    if not errors and case.appeal_window_ends is not None and on > case.appeal_window_ends:
        errors.append(
            DomainError(
                CaseErrorCode.APPEAL_WINDOW_CLOSED,
                f"The appeal window closed on {case.appeal_window_ends} "
                f"({version.deadlines.lodge_appeal} days from the decision).",
                field=("lodgedOn",),
            )
        )
    _raise(errors)
    case.appeal_lodged_on = on
    case.appellant = appellant.value
    case.appeal_decide_due = on + timedelta(days=version.deadlines.decide_appeal)
    case.state = CaseState.APPEALED.value
    return await _finish(session, opened, Step.LODGE_APPEAL)


async def decide_appeal(
    *,
    session: AsyncSession,
    party_id: UUID,
    case_id: UUID,
    expected_version: int,
    outcome: AppealOutcome,
    sanction: str | None = None,
    party_sanction: str | None = None,
    suspension_months: int | None = None,
    decided_on: date | None = None,
) -> Case:
    """Upheld keeps the sanction; varied gives a new one; overturned leaves the lowest rung."""
    opened = await _begin(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.DECIDE_APPEAL,
    )  # fmt: skip
    case, version = opened.case, opened.version
    on = decided_on or today()
    errors = validation.check_date(
        on, not_before=case.appeal_lodged_on, today=today(), field="decidedOn"
    )
    new_sanction: str | None = None
    party_name: str | None = None
    if outcome is AppealOutcome.VARIED:
        if sanction is None and party_sanction is None:
            errors.append(
                DomainError(
                    CaseErrorCode.APPEAL_SANCTION,
                    "A varied decision needs its new sanction.",
                    field=("sanction",),
                )
            )
        else:
            new_sanction, party_name = await _ladder_sanction(
                session, party_id=party_id, version=version, sanction=sanction,
                party_sanction=party_sanction,
            )  # fmt: skip
            term = version.sanction(new_sanction)
            if new_sanction == case.sanction:
                errors.append(
                    DomainError(
                        CaseErrorCode.APPEAL_SANCTION,
                        "The new sanction is the one decided: that outcome is upheld.",
                        field=("sanction",),
                    )
                )
            elif term is None:
                errors += validation.check_sanction(
                    version=version, sanction=new_sanction, suspension_months=None,
                    proven_any=True, guidance=None, departure_reason=None,
                )  # fmt: skip
            errors += validation.check_length(term, suspension_months)
    elif sanction is not None or party_sanction is not None or suspension_months is not None:
        errors.append(
            DomainError(
                CaseErrorCode.APPEAL_SANCTION,
                f"Only a varied decision gives a sanction; {outcome.value} does not.",
                field=("sanction",),
            )
        )
    _raise(errors)
    case.appeal_outcome = outcome.value
    case.appeal_decided_on = on
    if outcome is AppealOutcome.OVERTURNED:
        case.appeal_sanction = version.sanctions[0].id
    elif outcome is AppealOutcome.VARIED:
        case.appeal_sanction = new_sanction
        case.appeal_suspension_months = suspension_months
        case.party_sanction = party_name or case.party_sanction
    case.state = CaseState.APPEAL_DECIDED.value
    return await _finish(session, opened, Step.DECIDE_APPEAL)


async def _close(
    session: AsyncSession,
    *,
    party_id: UUID,
    case_id: UUID,
    expected_version: int,
    step: Step,
    state: CaseState,
    on: date | None,
) -> Case:
    opened = await _begin(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=step,
    )  # fmt: skip
    closed_on = on or today()
    _raise(
        validation.check_date(
            closed_on, not_before=opened.case.received_on, today=today(), field="closedOn"
        )
    )
    opened.case.state = state.value
    opened.case.closed_on = closed_on
    return await _finish(session, opened, step)


async def withdraw_case(
    *, session: AsyncSession, party_id: UUID, case_id: UUID, expected_version: int,
    withdrawn_on: date | None = None,
) -> Case:  # fmt: skip
    return await _close(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.WITHDRAW, state=CaseState.WITHDRAWN, on=withdrawn_on,
    )  # fmt: skip


async def record_respondent_left(
    *, session: AsyncSession, party_id: UUID, case_id: UUID, expected_version: int,
    left_on: date | None = None,
) -> Case:  # fmt: skip
    return await _close(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.RECORD_RESPONDENT_LEFT, state=CaseState.RESPONDENT_LEFT, on=left_on,
    )  # fmt: skip


async def record_interim_measure(
    *,
    session: AsyncSession,
    party_id: UUID,
    case_id: UUID,
    expected_version: int,
    starts_on: date,
    ends_on: date,
) -> Case:
    """An administrative suspension pending investigation, with its start and end dates."""
    opened = await _begin(
        session, party_id=party_id, case_id=case_id, expected_version=expected_version,
        step=Step.RECORD_INTERIM_MEASURE,
    )  # fmt: skip
    case = opened.case
    errors = []
    if starts_on < case.received_on:
        errors.append(
            DomainError(
                CaseErrorCode.INVALID_DATE,
                "An interim measure cannot start before the complaint was received.",
                field=("startsOn",),
            )
        )
    if ends_on < starts_on:
        errors.append(
            DomainError(
                CaseErrorCode.INVALID_DATE,
                "An interim measure ends on or after the day it starts.",
                field=("endsOn",),
            )
        )
    _raise(errors)
    case.interim_measures = [
        *(case.interim_measures or []),
        {"kind": INTERIM_SUSPENSION, "starts_on": starts_on.isoformat(),
         "ends_on": ends_on.isoformat()},
    ]  # fmt: skip
    return await _finish(session, opened, Step.RECORD_INTERIM_MEASURE)


async def finalise_due(*, session: AsyncSession, party_id: UUID, on: date | None = None) -> int:
    """Decided cases whose appeal window passed unappealed, and appeals decided by ``on``,
    become final on ``on``: the quarter an outcome counts in for the public statistics.

    One statement for all; the audit trail gets one entry listing them.
    """
    on = on or today()
    finalised = list(
        await session.scalars(
            update(Case)
            .where(
                Case.party_id == party_id,
                ((Case.state == CaseState.DECIDED.value) & (Case.appeal_window_ends < on))
                | ((Case.state == CaseState.APPEAL_DECIDED.value) & (Case.appeal_decided_on <= on)),
            )
            .values(
                state=CaseState.FINAL.value,
                finalised_on=on,
                version=Case.version + 1,
                updated_at=clock.now(),
            )
            .returning(Case.id)
        )
    )
    if finalised:
        await audit.append(
            session, action="case.finalise", subject_type="Case", subject_ids=finalised
        )
    return len(finalised)


async def record_decided(
    *,
    session: AsyncSession,
    party_id: UUID,
    case: Case,
    assessment: Assessment,
    sanction: str | None = None,
    party_sanction: str | None = None,
    suspension_months: int | None = None,
    departure_reason: str | None = None,
    decided_on: date | None = None,
) -> Case:
    """Walk a received case through triage and assessment to its decision, on one date.

    For history decided before the party used the service (and for demo data): every
    step still goes through the transition table, validation and the audit trail.
    """
    on = decided_on or today()
    for step in (triage_case, start_assessment):
        kwargs: dict[str, Any] = (
            {"in_scope": True, "triaged_on": on} if step is triage_case else {"started_on": on}
        )
        case = await step(
            session=session, party_id=party_id, case_id=case.id,
            expected_version=case.version, **kwargs,
        )  # fmt: skip
    return await decide_case(
        session=session,
        party_id=party_id,
        case_id=case.id,
        expected_version=case.version,
        sanction=sanction,
        party_sanction=party_sanction,
        suspension_months=suspension_months,
        departure_reason=departure_reason,
        decided_on=on,
        assessment=dataclasses.replace(assessment, assessed_on=assessment.assessed_on or on),
    )
