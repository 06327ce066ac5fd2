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
from codes.model import Term
from db.errors import DomainError, from_problems
from db.text import text_problem

MAX_REFERENCE = 100
MAX_SUMMARY = 10_000
MAX_SUSPENSION_MONTHS = 60
MAX_COMPLAINANTS = 10_000


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
    complainant_count: int = 1,
    respondent_ref: str | None = None,
    acknowledged_on: date | None = None,
) -> list[DomainError]:
    errors: list[DomainError] = [
        DomainError(CaseErrorCode.INVALID_TEXT, problem, field=(name,))
        for name, value in (
            ("reference", reference),
            ("summary", summary),
            ("respondentRef", respondent_ref),
        )
        if value is not None and (problem := text_problem(value)) is not None
    ]
    if errors:
        return errors  # nothing else about an item is read until its text can be stored
    if not 1 <= complainant_count <= MAX_COMPLAINANTS:
        errors.append(
            DomainError(
                CaseErrorCode.INVALID_COUNT,
                f"A case has 1 to {MAX_COMPLAINANTS} complainants.",
                field=("complainantCount",),
            )
        )
    if respondent_ref is not None and not 1 <= len(respondent_ref.strip()) <= MAX_REFERENCE:
        errors.append(
            DomainError(
                CaseErrorCode.INVALID_REFERENCE,
                f"The respondent reference must be 1 to {MAX_REFERENCE} characters.",
                field=("respondentRef",),
            )
        )
    if acknowledged_on is not None:
        errors += check_date(
            acknowledged_on, not_before=received_on, today=today, field="acknowledgedOn"
        )
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


def check_date(
    value: date, *, not_before: date | None, today: date, field: str
) -> list[DomainError]:
    """A step's date: not in the future, not before the step it follows."""
    if value > today or (not_before is not None and value < not_before):
        after = f"{not_before}" if not_before else "the received date"
        return [
            DomainError(
                CaseErrorCode.INVALID_DATE,
                f"The date must be between {after} and today.",
                field=(field,),
            )
        ]
    return []


@dataclass(frozen=True, slots=True)
class CheckedAssessment:
    errors: list[DomainError]
    guidance: Guidance | None


def check_assessment(
    *,
    version: CodeVersion,
    alleged: Sequence[str],
    findings: dict[str, bool],
    factors: Sequence[str],
    channel: str | None,
    target_role: str | None,
    characteristics: Sequence[str],
    forms_of_hate: Sequence[str],
) -> CheckedAssessment:
    """Findings per alleged provision and the coded facts; the guidance they lead to."""
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
    checks = [
        ("channels", "channel", [channel] if channel else [], CaseErrorCode.UNKNOWN_CHANNEL,
         "channel"),
        ("target_roles", "target role", [target_role] if target_role else [],
         CaseErrorCode.UNKNOWN_TARGET_ROLE, "targetRole"),
        ("characteristics", "characteristic", list(characteristics),
         CaseErrorCode.UNKNOWN_CHARACTERISTIC, "characteristics"),
        ("forms_of_hate", "form of hate", list(forms_of_hate),
         CaseErrorCode.UNKNOWN_FORM_OF_HATE, "formsOfHate"),
    ]  # fmt: skip
    for vocabulary, kind, values, code, field in checks:
        errors += _ids_in(
            version, vocabulary=vocabulary, kind=kind, values=values, code=code, field=field
        )
    proven = [p for p in alleged if findings.get(p)]
    guidance = (
        sanction_guidance(version, provisions=proven, factors=factors)
        if proven and not errors
        else None
    )
    return CheckedAssessment(errors=errors, guidance=guidance)


def check_sanction(
    *,
    version: CodeVersion,
    sanction: str,
    suspension_months: int | None,
    proven_any: bool,
    guidance: Guidance | None,
    departure_reason: str | None,
    referrals: Sequence[str] = (),
) -> list[DomainError]:
    """A sanction on the ladder, its length, referrals, and a reason to depart from range.

    A sanction outside the recommended range needs a coded departure reason; one inside
    it must not give one, so every stored reason marks a real departure.
    """
    errors = _ids_in(
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
    elif not proven_any and term.rank:
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
    errors += check_length(term, suspension_months)
    return errors


def check_length(term: Term | None, suspension_months: int | None) -> list[DomainError]:
    if term is not None and term.requires_length:
        if suspension_months is None or not 1 <= suspension_months <= MAX_SUSPENSION_MONTHS:
            return [
                DomainError(
                    CaseErrorCode.SUSPENSION_LENGTH,
                    f"A suspension needs a length of 1 to {MAX_SUSPENSION_MONTHS} months.",
                    field=("suspensionMonths",),
                )
            ]
    elif suspension_months is not None:
        return [
            DomainError(
                CaseErrorCode.SUSPENSION_LENGTH,
                "Only a suspension has a length.",
                field=("suspensionMonths",),
            )
        ]
    return []
