"""Checks of case input against the code version the case is assessed under.

Every check reports the allowed ids, so a client can correct its input from the error
alone; problems are collected, not stopped at the first, so one round trip fixes all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from cases.errors import CaseErrorCode
from codes import CodeVersion
from db.errors import DomainError

MAX_REFERENCE = 100
MAX_SUMMARY = 10_000
MAX_SUSPENSION_MONTHS = 60


def _unknown(code: CaseErrorCode, kind: str, value: str, allowed: Iterable[str], field: str):
    return DomainError(
        code,
        f"Unknown {kind} {value!r} in code version; allowed: {', '.join(allowed)}.",
        field=(field,),
    )


def check_submission(
    *,
    version: CodeVersion,
    reference: str,
    received_on: date,
    provisions: Sequence[str],
    channel: str,
    respondent_role: str,
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
    if not provisions:
        errors.append(
            DomainError(
                CaseErrorCode.UNKNOWN_PROVISION,
                f"Name at least one provision; allowed: {', '.join(version.provision_ids)}.",
                field=("provisions",),
            )
        )
    if len(set(provisions)) != len(provisions):
        errors.append(
            DomainError(
                CaseErrorCode.DUPLICATE_PROVISION,
                "A provision is listed twice.",
                field=("provisions",),
            )
        )
    errors += [
        _unknown(
            CaseErrorCode.UNKNOWN_PROVISION, "provision", p, version.provision_ids, "provisions"
        )
        for p in provisions
        if p not in version.provision_ids
    ]
    if channel not in version.channel_ids:
        errors.append(
            _unknown(
                CaseErrorCode.UNKNOWN_CHANNEL, "channel", channel, version.channel_ids, "channel"
            )
        )
    if respondent_role not in version.respondent_role_ids:
        errors.append(
            _unknown(
                CaseErrorCode.UNKNOWN_RESPONDENT_ROLE,
                "respondent role",
                respondent_role,
                version.respondent_role_ids,
                "respondentRole",
            )
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


def check_decision(
    *,
    version: CodeVersion,
    alleged: Sequence[str],
    findings: dict[str, bool],
    sanction: str,
    suspension_months: int | None,
    received_on: date,
    decided_on: date,
    today: date,
) -> list[DomainError]:
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
    term = version.sanction(sanction)
    if term is None:
        errors.append(
            _unknown(
                CaseErrorCode.UNKNOWN_SANCTION,
                "sanction",
                sanction,
                version.sanction_ids,
                "sanction",
            )
        )
    elif not any(findings.values()) and term.rank:
        errors.append(
            DomainError(
                CaseErrorCode.SANCTION_WITHOUT_FINDING,
                f"No provision was found proven, so the only sanction allowed is "
                f"{version.sanctions[0].id}.",
                field=("sanction",),
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
    return errors
