"""The reporter's side, by receipt (a code and a secret): filing, the status, adding
information, withdrawing."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from cases import receipts
from cases.errors import CaseErrorCode
from cases.reports.checks import check_report, check_text, report_error
from cases.reports.models import (
    MAX_ADDITION,
    OPEN_STATUSES,
    Addition,
    Contents,
    ReporterStatus,
    ReportInput,
    ReportStatus,
)
from cases.reports.sealing import (
    opened_contents,
    public_key_of,
    report_fingerprint,
    reporter_key,
    seal_contents,
    seal_email,
)
from codes import clock
from db import envelope
from db.errors import DomainError, DomainErrors
from parties import service as party_service
from parties.errors import PartyErrorCode


async def submit_report(
    *, session: AsyncSession, kek: envelope.KeyEncryptionKey, report: ReportInput, today: date
) -> receipts.Receipt:
    """File a report with the party named; a report like one already filed is linked to
    it (``duplicate_of``), never dropped. The same submission token sent again files
    nothing and gives the same receipt (for ``receipts.REPLAY_WINDOW``)."""
    party = await party_service.get_by_slug(session=session, slug=report.party)
    if party is None:
        raise DomainErrors(
            [
                report_error(
                    PartyErrorCode.UNKNOWN_PARTY, "No party with this name takes part.", "party"
                )
            ]
        )
    version = await party_service.version_on(session=session, party_id=party.id, on=today)
    errors = check_report(report, version, today)
    if errors:
        raise DomainErrors(errors)
    receipt = receipts.derive(kek, report.token or receipts.new_token())
    public_key = await public_key_of(session, kek, party.id)
    fingerprint = report_fingerprint(kek, party.id, report)
    duplicate_of = await session.scalar(
        text("SELECT report_duplicate(:p, :f)"), {"p": party.id, "f": fingerprint}
    )
    contents = Contents(
        what_happened=report.what_happened,
        respondent_name=report.respondent_name,
        links=report.links,
        contact=report.contact,
    )
    if await _filed_at(session, receipt) is not None:  # this form was sent already
        await _replayed(session, receipt)
        return receipt
    insert = text(
        "INSERT INTO reports (party_id, code, secret_hash, received_on, respondent_role, "
        "channel, provisions, forms_of_hate, occurred_from, occurred_to, reporter_kind, "
        "sealed, fingerprint, duplicate_of, reporter_key, notify_sealed) VALUES (:party, "
        ":code, :hash, :today, :role, :channel, :provisions, :hate, :from, :to, :kind, "
        ":sealed, :fingerprint, :duplicate, :reporter, :notify)"
    )
    values = {
        "party": party.id,
        "code": receipt.code,
        "hash": receipts.secret_hash(receipt.secret),
        "today": today,
        "role": report.respondent_role,
        "channel": report.channel,
        "provisions": list(dict.fromkeys(report.provisions)),
        "hate": list(dict.fromkeys(report.forms_of_hate)),
        "from": report.occurred_from,
        "to": report.occurred_to or report.occurred_from,
        "kind": report.reporter_kind,
        "sealed": seal_contents(contents, public_key, party.id),
        "fingerprint": fingerprint,
        "duplicate": duplicate_of,
        "reporter": reporter_key(kek, report),
        "notify": seal_email(kek, (report.contact or "").strip()) if report.notify else None,
    }
    try:
        async with session.begin_nested():  # the same form sent twice at once: one wins
            await session.execute(insert, values)
    except IntegrityError:
        await _replayed(session, receipt)
    return receipt


async def _filed_at(session: AsyncSession, receipt: receipts.Receipt) -> datetime | None:
    found: datetime | None = await session.scalar(
        text("SELECT received_at FROM report_status(:c, :h)"),
        {"c": receipt.code, "h": receipts.secret_hash(receipt.secret)},
    )
    return found


async def _replayed(session: AsyncSession, receipt: receipts.Receipt) -> None:
    """A form sent twice: the receipt again while it is fresh, else a refusal (a form
    page left open for hours is not a way to read a receipt)."""
    filed_at = await _filed_at(session, receipt)
    if filed_at is None or filed_at < clock.now() - receipts.REPLAY_WINDOW:
        raise DomainError(
            CaseErrorCode.ALREADY_SENT,
            "This report was sent already; its receipt was shown then. To report something "
            "new, open the form again.",
            field=(),
        )


def _band(sanction: str | None) -> str | None:
    version = codes.default_version()
    return next(
        (
            title
            for _, title, members in version.publication.sanction_bands
            if (sanction or "no_further_action") in members
        ),
        None,
    )


def _reporter_status(row: Any, today: date) -> ReporterStatus:
    """Final is told from the dates (an appeal window passed, an appeal decided), so the
    receipt is right before the daily job has moved the case."""
    if row.status == "received":
        return ReporterStatus.RECEIVED
    if row.status == "declined":
        return ReporterStatus.DECLINED
    if row.status == "withdrawn":
        return ReporterStatus.WITHDRAWN
    state = row.case_state
    if state in ("withdrawn", "closed_out_of_scope", "respondent_left"):
        return ReporterStatus.CLOSED
    if state == "final" or state == "appeal_decided":
        return ReporterStatus.FINAL
    if state == "appealed":
        return ReporterStatus.UNDER_APPEAL
    if state == "decided":
        ends = row.appeal_window_ends
        return ReporterStatus.FINAL if ends and ends < today else ReporterStatus.DECIDED
    return ReporterStatus.BEING_ASSESSED


async def report_status(
    *, session: AsyncSession, code: str, secret: str, today: date | None = None
) -> ReportStatus | None:
    """The receipt's view: None alike for an unknown code and a wrong secret (one lookup,
    the same work either way)."""
    row = (
        await session.execute(
            text("SELECT * FROM report_status(:code, :hash)"),
            {"code": receipts.normalise_code(code), "hash": receipts.secret_hash(secret)},
        )
    ).first()
    if row is None:
        return None
    return status_of(row, today or clock.today())


def status_of(row: Any, today: date) -> ReportStatus:
    """A report's status as its receipt tells it, from ``report_status``'s columns."""
    status = _reporter_status(row, today)
    decided = status in (ReporterStatus.DECIDED, ReporterStatus.UNDER_APPEAL, ReporterStatus.FINAL)
    standing = row.sanction
    if row.appeal_outcome in ("varied", "overturned"):
        standing = row.appeal_sanction
    reason = None
    if row.decline_reason:
        titles = {
            r.id: r.title for v in codes.load_versions().values() for r in v.out_of_scope_reasons
        }
        reason = titles.get(row.decline_reason, row.decline_reason)
    return ReportStatus(
        status=status,
        received_on=row.received_on,
        outcome_band=_band(standing) if decided else None,
        decline_reason=reason,
        decided_on=row.decided_on if decided else None,
        appeal_until=row.appeal_window_ends if status is ReporterStatus.DECIDED else None,
        can_add=row.has_contents and status in OPEN_STATUSES,
        can_withdraw=status is ReporterStatus.RECEIVED,
    )


async def add_information(
    *,
    session: AsyncSession,
    kek: envelope.KeyEncryptionKey,
    code: str,
    secret: str,
    text_added: str,
    today: date,
) -> bool:
    """Append the reporter's new information to what they wrote, sealed again to the
    party; False when the receipt does not match or the report is no longer open."""
    problems = check_text(text_added, MAX_ADDITION, "text")
    if not text_added.strip():
        problems.append(
            report_error(CaseErrorCode.INVALID_TEXT, "Write what you want to add.", "text")
        )
    if problems:
        raise DomainErrors(problems)
    hashed = receipts.secret_hash(secret)
    row = (
        await session.execute(
            text("SELECT * FROM report_for_receipt(:code, :hash)"),
            {"code": receipts.normalise_code(code), "hash": hashed},
        )
    ).first()
    if row is None:
        return False
    sealed = bytes(row.sealed)
    opened = opened_contents(sealed, bytes(row.wrapped_private_key), kek, row.party_id)
    if opened is None:
        return False
    added = Contents(
        what_happened=opened.what_happened,
        respondent_name=opened.respondent_name,
        links=opened.links,
        contact=opened.contact,
        additions=[*opened.additions, Addition(added_on=today.isoformat(), text=text_added)],
    )
    public_key = await public_key_of(session, kek, row.party_id)
    return bool(
        await session.scalar(
            text("SELECT add_to_report(:code, :hash, :opened, :sealed)"),
            {
                "code": receipts.normalise_code(code),
                "hash": hashed,
                "opened": hashlib.sha256(sealed).digest(),
                "sealed": seal_contents(added, public_key, row.party_id),
            },
        )
    )


async def own_copy(
    *, session: AsyncSession, kek: envelope.KeyEncryptionKey, code: str, secret: str
) -> Contents | None:
    """What the reporter wrote, for the reporter (their right of access), by receipt;
    None alike for a wrong receipt and a report whose contents were erased."""
    row = (
        await session.execute(
            text("SELECT * FROM report_for_receipt(:code, :hash)"),
            {"code": receipts.normalise_code(code), "hash": receipts.secret_hash(secret)},
        )
    ).first()
    if row is None:
        return None
    return opened_contents(bytes(row.sealed), bytes(row.wrapped_private_key), kek, row.party_id)


async def withdraw(*, session: AsyncSession, code: str, secret: str) -> int:
    """The reporter withdraws a report not yet accepted, and the duplicates of it that
    they filed (the same contact, or the same browser) that still wait: their sealed
    contents are erased. Returns how many were withdrawn (0: none could be)."""
    return int(
        await session.scalar(
            text("SELECT withdraw_report(:code, :hash)"),
            {"code": receipts.normalise_code(code), "hash": receipts.secret_hash(secret)},
        )
        or 0
    )
