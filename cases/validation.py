"""Checks of case input against the code version the case is assessed under.

Every check reports the allowed ids, so a client can correct its input from the error
alone; problems are collected, not stopped at the first, so one round trip fixes all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cases.errors import CaseErrorCode
from codes import CodeVersion
from codes.errors import unknown
from codes.guidance import Guidance, check_terms, sanction_guidance
from db.errors import DomainError, from_problems

MAX_REFERENCE = 100
MAX_SUMMARY = 10_000
MAX_SUSPENSION_MONTHS = 60


def _ids_in(
    version: CodeVersion,
    *,
    vocabulary: str,
    kind: str,
    values: Sequence[str],
    code: CaseErrorCode,
    field: str,
) -> list[DomainError]:
    """Unknown and repeated ids of one vocabulary, each error listing the allowed ids."""
    allowed = version.ids(vocabulary)
    errors = from_problems(
        [unknown(code, kind, v, allowed, (field,)) for v in values if v not in allowed]
    )
    if len(set(values)) != len(values):
        errors.append(
            DomainError(CaseErrorCode.DUPLICATE_VALUE, f"A {kind} is listed twice.", field=(field,))
        )
    return errors


def check_submission(
    *,
    version: CodeVersion,
    reference: str,
    received_on: date,
    provisions: Sequence[str],
    channel: str,
    respondent_role: str,
    target_role: str | None,
    characteristics: Sequence[str],
    forms_of_hate: Sequence[str],
    summary: str | None,
    today: date,
) -> list[DomainError]:
    errors: list[DomainError] = []
    if not reference.strip() or len(reference) > MAX_REFERENCE:
        errors.append(
            DomainError(
                CaseErrorCode.INVALID_REFERENCE,
                f"The reference must be 1 to {MAX_REFERENCE} characters.",
                field=("reference",),
            )
        )
    if received_on > today:
        errors.append(
            DomainError(
                CaseErrorCode.INVALID_DATE,
                "The received date cannot be in the future.",
                field=("receivedOn",),
            )
        )
    errors += from_problems(check_terms(version, provisions=provisions, factors=()))
    checks = [
        ("channels", "channel", [channel], CaseErrorCode.UNKNOWN_CHANNEL, "channel"),
        (
            "respondent_roles",
            "respondent role",
            [respondent_role],
            CaseErrorCode.UNKNOWN_RESPONDENT_ROLE,
            "respondentRole",
        ),
        (
            "target_roles",
            "target role",
            [target_role] if target_role is not None else [],
            CaseErrorCode.UNKNOWN_TARGET_ROLE,
            "targetRole",
        ),
        (
            "characteristics",
            "characteristic",
            list(characteristics),
            CaseErrorCode.UNKNOWN_CHARACTERISTIC,
            "characteristics",
        ),
        (
            "forms_of_hate",
            "form of hate",
            list(forms_of_hate),
            CaseErrorCode.UNKNOWN_FORM_OF_HATE,
            "formsOfHate",
        ),
    ]
    for vocabulary, kind, values, code, field in checks:
        errors += _ids_in(
            version, vocabulary=vocabulary, kind=kind, values=values, code=code, field=field
        )
    if summary is not None and len(summary) > MAX_SUMMARY:
        errors.append(
            DomainError(
                CaseErrorCode.TEXT_TOO_LONG,
                f"The summary is longer than {MAX_SUMMARY} characters.",
                field=("summary",),
            )
        )
    return errors


def implied_characteristics(
    version: CodeVersion, characteristics: Sequence[str], forms_of_hate: Sequence[str]
) -> list[str]:
    """The characteristics given plus those each named form of hate is tied to, in code order."""
    wanted = set(characteristics)
    for form in forms_of_hate:
        term = version.term("forms_of_hate", form)
        if term is not None and term.characteristic:
            wanted.add(term.characteristic)
    return [c for c in version.ids("characteristics") if c in wanted]


@dataclass(frozen=True, slots=True)
class CheckedDecision:
    errors: list[DomainError]
    guidance: Guidance | None


def check_decision(
    *,
    version: CodeVersion,
    alleged: Sequence[str],
    findings: dict[str, bool],
    sanction: str,
    suspension_months: int | None,
    factors: Sequence[str],
    referrals: Sequence[str],
    departure_reason: str | None,
    received_on: date,
    decided_on: date,
    today: date,
) -> CheckedDecision:
    """Check a decision and work out the code's guidance for it.

    A sanction outside the recommended range for the proven provisions and factors
    needs a coded departure reason; one inside it must not give one, so every stored
    reason marks a real departure.
    """
    errors: list[DomainError] = []
    for provision in alleged:
        if provision not in findings:
            errors.append(
                DomainError(
                    CaseErrorCode.MISSING_FINDING,
                    f"Give a finding for provision {provision}.",
                    field=("findings",),
                )
            )
    for provision in findings:
        if provision not in alleged:
            errors.append(
                DomainError(
                    CaseErrorCode.FINDING_NOT_ALLEGED,
                    f"Provision {provision} was not alleged in this case; alleged: "
                    f"{', '.join(alleged)}.",
                    field=("findings",),
                )
            )
    factor_problems = check_terms(version, provisions=alleged, factors=factors)
    errors += from_problems([p for p in factor_problems if p.field == ("factors",)])
    errors += _ids_in(
        version,
        vocabulary="referral_flags",
        kind="referral",
        values=list(referrals),
        code=CaseErrorCode.UNKNOWN_REFERRAL,
        field="referrals",
    )
    if departure_reason is not None:
        errors += _ids_in(
            version,
            vocabulary="departure_reasons",
            kind="departure reason",
            values=[departure_reason],
            code=CaseErrorCode.UNKNOWN_DEPARTURE_REASON,
            field="departureReason",
        )
    proven = [p for p in alleged if findings.get(p)]
    guidance = (
        sanction_guidance(version, provisions=proven, factors=factors)
        if proven and not factor_problems
        else None
    )
    term = version.sanction(sanction)
    if term is None:
        errors += from_problems(
            [
                unknown(
                    CaseErrorCode.UNKNOWN_SANCTION,
                    "sanction",
                    sanction,
                    version.sanction_ids,
                    ("sanction",),
                )
            ]
        )
    elif not proven and term.rank:
        errors.append(
            DomainError(
                CaseErrorCode.SANCTION_WITHOUT_FINDING,
                f"No provision was found proven, so the only sanction allowed is "
                f"{version.sanctions[0].id}.",
                field=("sanction",),
            )
        )
    elif guidance is not None and not guidance.within_range(term):
        if departure_reason is None:
            errors.append(
                DomainError(
                    CaseErrorCode.DEPARTURE_REASON_REQUIRED,
                    f"{term.title} is outside the recommended range for severity level "
                    f"{guidance.level} ({guidance.lowest.id} to {guidance.highest.id}); give a "
                    f"departure reason: {', '.join(version.ids('departure_reasons'))}.",
                    field=("departureReason",),
                )
            )
    elif departure_reason is not None:
        errors.append(
            DomainError(
                CaseErrorCode.DEPARTURE_REASON_NOT_NEEDED,
                "The sanction is within the recommended range (or nothing was proven): "
                "leave out the departure reason.",
                field=("departureReason",),
            )
        )
    if term is not None and term.requires_length:
        if suspension_months is None or not 1 <= suspension_months <= MAX_SUSPENSION_MONTHS:
            errors.append(
                DomainError(
                    CaseErrorCode.SUSPENSION_LENGTH,
                    f"A suspension needs a length of 1 to {MAX_SUSPENSION_MONTHS} months.",
                    field=("suspensionMonths",),
                )
            )
    elif suspension_months is not None:
        errors.append(
            DomainError(
                CaseErrorCode.SUSPENSION_LENGTH,
                "Only a suspension has a length.",
                field=("suspensionMonths",),
            )
        )
    if decided_on > today or decided_on < received_on:
        errors.append(
            DomainError(
                CaseErrorCode.INVALID_DATE,
                "The decision date must be between the received date and today.",
                field=("decidedOn",),
            )
        )
    return CheckedDecision(errors=errors, guidance=guidance)
