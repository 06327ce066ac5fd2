"""A report checked against the code version in force: every problem at once, each naming
its field."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

import codes
from cases.errors import CaseErrorCode
from cases.reports.models import (
    EMAIL,
    MAX_CONTACT,
    MAX_LINK,
    MAX_LINKS,
    MAX_NAME,
    MAX_TEXT,
    REPORTER_KINDS,
    Report,
    ReportInput,
)
from codes.errors import CodeErrorCode
from db.errors import DomainError
from db.text import text_problem


def report_error(code: Any, message: str, *path: str) -> DomainError:
    return DomainError(code, message, field=path)


def check_text(value: str | None, limit: int, *path: str) -> list[DomainError]:
    if value is None:
        return []
    problem = text_problem(value)
    if problem:
        return [report_error(CaseErrorCode.INVALID_TEXT, problem, *path)]
    if len(value) > limit:
        return [report_error(CaseErrorCode.TEXT_TOO_LONG, f"At most {limit} characters.", *path)]
    return []


def check_report(report: ReportInput, version: codes.CodeVersion, today: date) -> list[DomainError]:
    errors: list[DomainError] = []
    known = {p.id for p in version.provisions}
    if not report.provisions:
        errors.append(
            report_error(
                CodeErrorCode.UNKNOWN_PROVISION,
                "Choose at least one thing from the list of what happened.",
                "provisions",
            )
        )
    for n, provision in enumerate(report.provisions):
        if provision not in known:
            errors.append(
                report_error(
                    CodeErrorCode.UNKNOWN_PROVISION,
                    f"Unknown provision {provision[:20]!r}.",
                    "provisions",
                    str(n),
                )
            )
    hate = {f.id for f in version.forms_of_hate}
    for n, form in enumerate(report.forms_of_hate):
        if form not in hate:
            errors.append(
                report_error(
                    CaseErrorCode.UNKNOWN_FORM_OF_HATE,
                    f"Unknown form of hate {form[:20]!r}.",
                    "formsOfHate",
                    str(n),
                )
            )
    if report.channel not in {c.id for c in version.channels}:
        errors.append(report_error(CaseErrorCode.UNKNOWN_CHANNEL, "Unknown channel.", "channel"))
    if report.respondent_role is not None and report.respondent_role not in {
        r.id for r in version.respondent_roles
    }:
        errors.append(
            report_error(CaseErrorCode.UNKNOWN_RESPONDENT_ROLE, "Unknown role.", "respondentRole")
        )
    if report.reporter_kind not in REPORTER_KINDS:
        errors.append(
            report_error(
                CaseErrorCode.UNKNOWN_REPORTER_KIND,
                f"Say who you are: one of {', '.join(REPORTER_KINDS)}.",
                "reporterKind",
            )
        )
    until = report.occurred_to or report.occurred_from
    if report.occurred_from > today or until > today:
        errors.append(
            report_error(
                CaseErrorCode.INVALID_DATE,
                "The date cannot be in the future.",
                "occurredFrom" if report.occurred_from > today else "occurredTo",
            )
        )
    elif until < report.occurred_from:
        errors.append(
            report_error(
                CaseErrorCode.INVALID_DATE, "The period ends before it starts.", "occurredTo"
            )
        )
    if not report.what_happened.strip():
        errors.append(
            report_error(CaseErrorCode.INVALID_TEXT, "Say what happened.", "whatHappened")
        )
    errors += check_text(report.what_happened, MAX_TEXT, "whatHappened")
    errors += check_text(report.respondent_name, MAX_NAME, "respondentName")
    errors += check_text(report.contact, MAX_CONTACT, "contact")
    if len(report.links) > MAX_LINKS:
        errors.append(
            report_error(CaseErrorCode.INVALID_LINK, f"At most {MAX_LINKS} links.", "links")
        )
    for n, link in enumerate(report.links[:MAX_LINKS]):
        parts = urlsplit(link)
        if len(link) > MAX_LINK or parts.scheme not in ("http", "https") or not parts.netloc:
            errors.append(
                report_error(
                    CaseErrorCode.INVALID_LINK,
                    f"A link must be an http(s) address of at most {MAX_LINK} characters.",
                    "links",
                    str(n),
                )
            )
        errors += check_text(link, MAX_LINK, "links", str(n))
    if report.notify and not EMAIL.fullmatch((report.contact or "").strip()):
        errors.append(
            report_error(
                CaseErrorCode.INVALID_CONTACT,
                "To be emailed when the status changes, give an email address as your contact.",
                "contact",
            )
        )
    if report.token is not None and not 16 <= len(report.token) <= 200:
        errors.append(
            report_error(
                CaseErrorCode.INVALID_TEXT,
                "A submission token is 16 to 200 characters, random, one per report.",
                "submissionToken",
            )
        )
    if not report.consent:
        errors.append(
            report_error(
                CaseErrorCode.CONSENT_REQUIRED,
                "The report can be sent only with your consent to the party handling it.",
                "consent",
            )
        )
    return errors


def too_many(wait_seconds: int) -> DomainError:
    """Over the hourly budget: say how long to wait (a whole number of minutes)."""
    minutes = max(1, -(-wait_seconds // 60))
    return DomainError(
        CaseErrorCode.TOO_MANY_REPORTS,
        "Too many reports from your address for now: you can send another in about "
        f"{minutes} minute{'s' if minutes > 1 else ''}. If you are in danger now, call 999.",
    )


def require_waiting(report: Report) -> None:
    if report.status != "received":
        raise DomainError(
            CaseErrorCode.REPORT_CLOSED,
            f"This report is already {report.status}.",
            field=("id",),
        )
