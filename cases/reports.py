"""Reports from the public, routed to the party of the person reported.

Anyone may report, without an account. A report keeps its coded facts in clear (party,
role, channel, provisions, period, who is reporting: what the intake queue, deadlines and
statistics need) and everything a person wrote or could be found by (what happened, the
respondent's name or handle, links, the reporter's contact details) sealed to the party's
key (``db.envelope``). The reporter gets a receipt (a code and a secret shown once) that
reads the report's coarse status and, once the case is final, the outcome band, never
anything about the person reported. Only the responsible party's officers see a report;
they accept it into a case, decline it with a coded reason, transfer it to the party the
person belongs to, or record a referral.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from cases import evidence, receipts
from cases.errors import CaseErrorCode
from cases.submission import Submission, submit_cases
from codes import clock
from codes.errors import CodeErrorCode
from db import audit, envelope
from db.errors import DomainError, DomainErrors
from db.pagination import Page, check_page_size, decode_cursor, encode_cursor, invalid_cursor
from db.text import text_problem
from parties import service as party_service
from parties.errors import PartyErrorCode

log = logging.getLogger("jointcode.reports")
REPORTER_KINDS = {
    "targeted": "The person targeted",
    "witness": "A witness",
    "candidate_or_agent": "A candidate or agent",
    "party_member": "A party member",
}
MAX_TEXT = 5_000
MAX_NAME = 200
MAX_CONTACT = 500
MAX_LINKS = 5
MAX_LINK = 500
PURPOSE = "report"
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}")


@dataclass(frozen=True, slots=True)
class ReportInput:
    party: str
    respondent_role: str | None  # None: the reporter does not know
    channel: str
    provisions: list[str]
    occurred_from: date
    what_happened: str
    reporter_kind: str
    consent: bool
    occurred_to: date | None = None
    respondent_name: str | None = None
    links: list[str] = field(default_factory=list)
    contact: str | None = None
    forms_of_hate: list[str] = field(default_factory=list)
    # the form's submission token (``cases.receipts``): the same token files once
    token: str | None = None
    # the browser's reporter cookie, when no contact is given: links its own duplicates
    browser: str | None = None
    # email the contact (an email address) when the status changes
    notify: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    id: UUID
    party_id: UUID
    code: str
    received_on: date
    status: str
    respondent_role: str | None
    channel: str
    provisions: list[str]
    forms_of_hate: list[str]
    occurred_from: date
    occurred_to: date
    reporter_kind: str
    sealed: bytes | None
    duplicate_of: UUID | None
    case_id: UUID | None
    decline_reason: str | None
    referrals: list[str]

    def acknowledge_by(self, version: codes.CodeVersion) -> date:
        return self.received_on + timedelta(days=version.deadlines.acknowledge)

    def triage_by(self, version: codes.CodeVersion) -> date:
        return self.received_on + timedelta(days=version.deadlines.triage)

    def overdue(self, version: codes.CodeVersion, today: date) -> bool:
        """Still waiting for the party's decision (accept, decline, transfer) past triage."""
        return self.status == "received" and self.triage_by(version) < today


@dataclass(frozen=True, slots=True)
class Addition:
    """Information the reporter added later, by receipt, while the report was open."""

    added_on: str  # ISO date
    text: str


@dataclass(frozen=True, slots=True)
class Contents:
    """What the reporter wrote, opened for the responsible party's officers only."""

    what_happened: str
    respondent_name: str | None
    links: list[str]
    contact: str | None
    additions: list[Addition] = field(default_factory=list)

    @classmethod
    def of(cls, values: dict[str, Any]) -> Contents:
        additions = [Addition(**a) for a in values.pop("additions", [])]
        return cls(**values, additions=additions)

    def as_dict(self) -> dict[str, Any]:
        return {
            "what_happened": self.what_happened,
            "respondent_name": self.respondent_name,
            "links": self.links,
            "contact": self.contact,
            "additions": [{"added_on": a.added_on, "text": a.text} for a in self.additions],
        }


def _error(code: Any, message: str, *path: str) -> DomainError:
    return DomainError(code, message, field=path)


def _text(value: str | None, limit: int, *path: str) -> list[DomainError]:
    if value is None:
        return []
    problem = text_problem(value)
    if problem:
        return [_error(CaseErrorCode.INVALID_TEXT, problem, *path)]
    if len(value) > limit:
        return [_error(CaseErrorCode.TEXT_TOO_LONG, f"At most {limit} characters.", *path)]
    return []


def _check(report: ReportInput, version: codes.CodeVersion, today: date) -> list[DomainError]:
    errors: list[DomainError] = []
    known = {p.id for p in version.provisions}
    if not report.provisions:
        errors.append(
            _error(
                CodeErrorCode.UNKNOWN_PROVISION,
                "Choose at least one thing from the list of what happened.",
                "provisions",
            )
        )
    for n, provision in enumerate(report.provisions):
        if provision not in known:
            errors.append(
                _error(
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
                _error(
                    CaseErrorCode.UNKNOWN_FORM_OF_HATE,
                    f"Unknown form of hate {form[:20]!r}.",
                    "formsOfHate",
                    str(n),
                )
            )
    if report.channel not in {c.id for c in version.channels}:
        errors.append(_error(CaseErrorCode.UNKNOWN_CHANNEL, "Unknown channel.", "channel"))
    if report.respondent_role is not None and report.respondent_role not in {
        r.id for r in version.respondent_roles
    }:
        errors.append(
            _error(CaseErrorCode.UNKNOWN_RESPONDENT_ROLE, "Unknown role.", "respondentRole")
        )
    if report.reporter_kind not in REPORTER_KINDS:
        errors.append(
            _error(
                CaseErrorCode.UNKNOWN_REPORTER_KIND,
                f"Say who you are: one of {', '.join(REPORTER_KINDS)}.",
                "reporterKind",
            )
        )
    until = report.occurred_to or report.occurred_from
    if report.occurred_from > today or until > today:
        errors.append(
            _error(
                CaseErrorCode.INVALID_DATE,
                "The date cannot be in the future.",
                "occurredFrom" if report.occurred_from > today else "occurredTo",
            )
        )
    elif until < report.occurred_from:
        errors.append(
            _error(CaseErrorCode.INVALID_DATE, "The period ends before it starts.", "occurredTo")
        )
    if not report.what_happened.strip():
        errors.append(_error(CaseErrorCode.INVALID_TEXT, "Say what happened.", "whatHappened"))
    errors += _text(report.what_happened, MAX_TEXT, "whatHappened")
    errors += _text(report.respondent_name, MAX_NAME, "respondentName")
    errors += _text(report.contact, MAX_CONTACT, "contact")
    if len(report.links) > MAX_LINKS:
        errors.append(_error(CaseErrorCode.INVALID_LINK, f"At most {MAX_LINKS} links.", "links"))
    for n, link in enumerate(report.links[:MAX_LINKS]):
        parts = urlsplit(link)
        if len(link) > MAX_LINK or parts.scheme not in ("http", "https") or not parts.netloc:
            errors.append(
                _error(
                    CaseErrorCode.INVALID_LINK,
                    f"A link must be an http(s) address of at most {MAX_LINK} characters.",
                    "links",
                    str(n),
                )
            )
        errors += _text(link, MAX_LINK, "links", str(n))
    if report.notify and not EMAIL.fullmatch((report.contact or "").strip()):
        errors.append(
            _error(
                CaseErrorCode.INVALID_CONTACT,
                "To be emailed when the status changes, give an email address as your contact.",
                "contact",
            )
        )
    if report.token is not None and not 16 <= len(report.token) <= 200:
        errors.append(
            _error(
                CaseErrorCode.INVALID_TEXT,
                "A submission token is 16 to 200 characters, random, one per report.",
                "submissionToken",
            )
        )
    if not report.consent:
        errors.append(
            _error(
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


def _fingerprint(kek: envelope.KeyEncryptionKey, party_id: UUID, report: ReportInput) -> bytes:
    """The same report filed twice (same person, same words) has the same fingerprint; a
    keyed hash, so it cannot be tested against guesses without the service's key."""
    normal = (
        " ".join((report.respondent_name or "").lower().split())
        + "\n"
        + " ".join(report.what_happened.lower().split())
    )
    key = kek.derive(b"report-fingerprint")
    return hmac.new(key, party_id.bytes + normal.encode(), hashlib.sha256).digest()


async def _public_key(
    session: AsyncSession, kek: envelope.KeyEncryptionKey, party_id: UUID
) -> bytes:
    """The party's public key, made (once) with its first report."""
    found = await session.scalar(
        text("SELECT public_key FROM party_seal_keys WHERE party_id = :p"), {"p": party_id}
    )
    if found is None:
        pair = envelope.new_party_keys(kek, party_id=party_id)
        await session.execute(
            text(
                "INSERT INTO party_seal_keys (party_id, public_key, wrapped_private_key) "
                "VALUES (:p, :pub, :priv) ON CONFLICT DO NOTHING"
            ),
            {"p": party_id, "pub": pair.public_key, "priv": pair.wrapped_private_key},
        )
        found = await session.scalar(
            text("SELECT public_key FROM party_seal_keys WHERE party_id = :p"), {"p": party_id}
        )
    return bytes(found)


def _seal(contents: Contents, public_key: bytes, party_id: UUID) -> bytes:
    return envelope.seal(
        json.dumps(contents.as_dict()).encode(),
        public_key=public_key,
        party_id=party_id,
        purpose=PURPOSE,
    )


def seal_email(kek: envelope.KeyEncryptionKey, address: str) -> bytes:
    """The address status emails go to, readable by the service alone (not the party's
    key: the notifier must read it without any party's binding)."""
    nonce = os.urandom(12)
    return nonce + AESGCM(kek.derive(b"reporter-email")).encrypt(
        nonce, address.encode(), b"reporter-email"
    )


def open_email(kek: envelope.KeyEncryptionKey, sealed: bytes) -> str:
    return (
        AESGCM(kek.derive(b"reporter-email"))
        .decrypt(sealed[:12], sealed[12:], b"reporter-email")
        .decode()
    )


def _reporter_key(kek: envelope.KeyEncryptionKey, report: ReportInput) -> bytes | None:
    """Who filed, as far as the service can tell without keeping it: a keyed hash of the
    contact given, else of the browser's reporter cookie; None when neither is known."""
    who = " ".join((report.contact or "").lower().split()) or (
        f"browser:{report.browser}" if report.browser else ""
    )
    if not who:
        return None
    return hmac.new(kek.derive(b"reporter-key"), who.encode(), hashlib.sha256).digest()


async def submit_report(
    *, session: AsyncSession, kek: envelope.KeyEncryptionKey, report: ReportInput, today: date
) -> receipts.Receipt:
    """File a report with the party named; a report like one already filed is linked to
    it (``duplicate_of``), never dropped. The same submission token sent again files
    nothing and gives the same receipt (for ``receipts.REPLAY_WINDOW``)."""
    party = await party_service.get_by_slug(session=session, slug=report.party)
    if party is None:
        raise DomainErrors(
            [_error(PartyErrorCode.UNKNOWN_PARTY, "No party with this name takes part.", "party")]
        )
    version = await party_service.version_on(session=session, party_id=party.id, on=today)
    errors = _check(report, version, today)
    if errors:
        raise DomainErrors(errors)
    receipt = receipts.derive(kek, report.token or receipts.new_token())
    public_key = await _public_key(session, kek, party.id)
    fingerprint = _fingerprint(kek, party.id, report)
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
        "sealed": _seal(contents, public_key, party.id),
        "fingerprint": fingerprint,
        "duplicate": duplicate_of,
        "reporter": _reporter_key(kek, report),
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


class ReporterStatus(Enum):
    """What the receipt says, as the report and its case move."""

    RECEIVED = "received"  # waiting for the party to take it up
    BEING_ASSESSED = "being_assessed"  # taken up as a case, not yet decided
    DECIDED = "decided"  # decided; an appeal may still be made
    UNDER_APPEAL = "under_appeal"
    FINAL = "final"  # the decision stands
    DECLINED = "declined"  # not taken up, for a reason of the code
    CLOSED = "closed"  # the case ended without a decision (withdrawn, the person left)
    WITHDRAWN = "withdrawn"  # by the reporter


@dataclass(frozen=True, slots=True)
class ReportStatus:
    status: ReporterStatus
    received_on: date
    outcome_band: str | None  # once decided: the band of the sanction that stands
    decline_reason: str | None  # the code's words, when declined
    decided_on: date | None
    appeal_until: date | None  # while an appeal may still be made
    can_add: bool  # the reporter may still add information
    can_withdraw: bool


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
        can_add=row.has_contents and status in _OPEN,
        can_withdraw=status is ReporterStatus.RECEIVED,
    )


MAX_ADDITION = 2_000
_OPEN = (
    ReporterStatus.RECEIVED,
    ReporterStatus.BEING_ASSESSED,
    ReporterStatus.DECIDED,
    ReporterStatus.UNDER_APPEAL,
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
    problems = _text(text_added, MAX_ADDITION, "text")
    if not text_added.strip():
        problems.append(_error(CaseErrorCode.INVALID_TEXT, "Write what you want to add.", "text"))
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
    opened = _opened(sealed, bytes(row.wrapped_private_key), kek, row.party_id)
    if opened is None:
        return False
    added = Contents(
        what_happened=opened.what_happened,
        respondent_name=opened.respondent_name,
        links=opened.links,
        contact=opened.contact,
        additions=[*opened.additions, Addition(added_on=today.isoformat(), text=text_added)],
    )
    public_key = await _public_key(session, kek, row.party_id)
    return bool(
        await session.scalar(
            text("SELECT add_to_report(:code, :hash, :opened, :sealed)"),
            {
                "code": receipts.normalise_code(code),
                "hash": hashed,
                "opened": hashlib.sha256(sealed).digest(),
                "sealed": _seal(added, public_key, row.party_id),
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
    return _opened(bytes(row.sealed), bytes(row.wrapped_private_key), kek, row.party_id)


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


_COLUMNS = (
    "id, party_id, code, received_on, status, respondent_role, channel, provisions, "
    "forms_of_hate, occurred_from, occurred_to, reporter_kind, sealed, duplicate_of, case_id, "
    "decline_reason, referrals"
)


def _report(row: Any) -> Report:
    values = dict(row._mapping)
    values["sealed"] = bytes(values["sealed"]) if values["sealed"] is not None else None
    return Report(**values)


QUEUE_CURSOR = "r"


async def list_reports(
    *,
    session: AsyncSession,
    party_id: UUID,
    statuses: list[str],
    first: int,
    after: str | None = None,
    overdue: bool = False,
    received_since: datetime | None = None,
    updated_since: datetime | None = None,
    today: date | None = None,
) -> Page[Report]:
    """A page of the party's intake queue, oldest first (keyset on receipt time and id,
    with the house's cursors and page sizes). ``overdue``: only reports still waiting past
    the triage deadline of the code in force ``today``."""
    check_page_size(first)
    received_before = None
    if overdue:
        statuses = ["received"]  # only a report still waiting can be overdue
        on = today or clock.today()
        received_before = on - timedelta(days=codes.default_version(on).deadlines.triage)
    where, params = _queue_filter(
        party_id, statuses, received_before, received_since, updated_since
    )
    total = int(
        await session.scalar(text(f"SELECT count(*) FROM reports WHERE {where}"), params) or 0
    )
    if after is not None:
        at, raw_id = decode_cursor(QUEUE_CURSOR, after, arity=2)
        try:
            datetime.fromisoformat(at)  # the database's own text of the time, or refused
            UUID(raw_id)
        except ValueError as exc:
            raise invalid_cursor() from exc
        where += (
            " AND (received_at, id) > (CAST(CAST(:at AS text) AS timestamptz), CAST(:id AS uuid))"
        )
        params.update(at=at, id=raw_id)
    params["limit"] = first + 1
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS}, received_at::text AS at FROM reports WHERE {where} "
            "ORDER BY received_at, id LIMIT :limit"
        ),
        params,
    )
    items = []
    for row in rows:
        values = dict(row._mapping)
        at = str(values.pop("at"))
        values["sealed"] = bytes(values["sealed"]) if values["sealed"] is not None else None
        report = Report(**values)
        items.append((encode_cursor(QUEUE_CURSOR, [at, str(report.id)]), report))
    return Page(items=items[:first], has_next_page=len(items) > first, total_count=total)


def _queue_filter(
    party_id: UUID,
    statuses: list[str],
    received_before: date | None,
    received_since: datetime | None,
    updated_since: datetime | None,
) -> tuple[str, dict[str, Any]]:
    where = "party_id = :party AND status = ANY(:statuses)"
    params: dict[str, Any] = {"party": party_id, "statuses": statuses}
    if received_before is not None:  # overdue: waiting past the triage deadline
        where += " AND received_on < :before"
        params["before"] = received_before
    if received_since is not None:  # a party's system catching up on new reports
        where += " AND received_at >= :received_since"
        params["received_since"] = received_since
    if updated_since is not None:  # ... and on every change since it last looked
        where += " AND updated_at >= :updated_since"
        params["updated_since"] = updated_since
    return where, params


async def get_report(*, session: AsyncSession, party_id: UUID, report_id: UUID) -> Report:
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM reports WHERE id = :id AND party_id = :party"),
            {"id": report_id, "party": party_id},
        )
    ).first()
    if row is None:
        raise DomainError(CaseErrorCode.NOT_FOUND, "No such report.", field=("id",))
    return _report(row)


async def get_reports(
    *, session: AsyncSession, party_id: UUID, report_ids: Iterable[UUID]
) -> list[Report]:
    """The party's own reports among ``report_ids``, in one query (others: absent)."""
    rows = await session.execute(
        text(f"SELECT {_COLUMNS} FROM reports WHERE party_id = :party AND id = ANY(:ids)"),
        {"party": party_id, "ids": list(report_ids)},
    )
    return [_report(r) for r in rows]


async def reports_for_cases(
    *, session: AsyncSession, party_id: UUID, case_ids: Iterable[UUID]
) -> dict[UUID, Report]:
    """The report each case was opened from, by case, in one query."""
    rows = await session.execute(
        text(f"SELECT {_COLUMNS} FROM reports WHERE party_id = :party AND case_id = ANY(:ids)"),
        {"party": party_id, "ids": list(case_ids)},
    )
    found = [_report(r) for r in rows]
    return {r.case_id: r for r in found if r.case_id is not None}


async def party_key(*, session: AsyncSession) -> bytes | None:
    """The bound party's wrapped private key: the database gives it to no other binding."""
    wrapped = await session.scalar(text("SELECT party_private_key()"))
    return bytes(wrapped) if wrapped is not None else None


def open_contents(
    report: Report, *, wrapped_private_key: bytes | None, kek: envelope.KeyEncryptionKey
) -> Contents | None:
    """Open the sealed part (None once erased, or without the party's key)."""
    if report.sealed is None or wrapped_private_key is None:
        return None
    return _opened(report.sealed, wrapped_private_key, kek, report.party_id)


def _opened(
    sealed: bytes, wrapped: bytes, kek: envelope.KeyEncryptionKey, party_id: UUID
) -> Contents | None:
    """None (and an operator's log line) when this process's key is not the one the
    party's key was wrapped with: a misconfigured replica must not fail every request."""
    try:
        opened = envelope.open_sealed(
            sealed, wrapped_private_key=wrapped, kek=kek, party_id=party_id, purpose=PURPOSE
        )
    except InvalidTag:
        log.error(
            "a party's key does not open with this service's key-encryption key "
            "(JOINTCODE_DATA_KEY_FILE): every replica must use the same file"
        )
        return None
    return Contents.of(json.loads(opened))


async def contents(
    *, session: AsyncSession, kek: envelope.KeyEncryptionKey, report: Report
) -> Contents | None:
    """Open the sealed part: only a transaction bound to the report's party gets the key."""
    return open_contents(report, wrapped_private_key=await party_key(session=session), kek=kek)


def _open(report: Report) -> None:
    if report.status != "received":
        raise DomainError(
            CaseErrorCode.REPORT_CLOSED,
            f"This report is already {report.status}.",
            field=("id",),
        )


async def accept_report(
    *,
    session: AsyncSession,
    party_id: UUID,
    report_id: UUID,
    today: date,
    respondent_role: str | None = None,
) -> Report:
    """Open a case from the report: its coded facts and dates prefilled, no free text (the
    report keeps it, sealed). The officer names the role of the person reported where the
    reporter did not know it (or corrects it)."""
    report = await get_report(session=session, party_id=party_id, report_id=report_id)
    _open(report)
    role = respondent_role or report.respondent_role
    if role is None:
        raise DomainError(
            CaseErrorCode.RESPONDENT_ROLE_REQUIRED,
            "The reporter did not know the role of the person reported: name it to accept.",
            field=("respondentRole",),
        )
    version = await party_service.version_on(
        session=session, party_id=party_id, on=report.received_on
    )
    [result] = await submit_cases(
        session=session,
        party_id=party_id,
        submissions=[
            Submission(
                reference=report.code,
                received_on=report.received_on,
                provisions=report.provisions,
                channel=report.channel,
                respondent_role=role,
                forms_of_hate=report.forms_of_hate,
                characteristics=sorted(
                    {
                        f.characteristic
                        for f in version.forms_of_hate
                        if f.id in report.forms_of_hate and f.characteristic
                    }
                ),
                summary=f"From public report {report.code}.",
                acknowledged_on=today,
            )
        ],
    )
    if result.errors or result.case is None:
        raise DomainErrors(result.errors)
    await session.execute(
        text("UPDATE reports SET status = 'accepted', case_id = :case WHERE id = :id"),
        {"case": result.case.id, "id": report.id},
    )
    await audit.append(
        session,
        action="report.accept",
        subject_type="Report",
        subject_ids=[report.id, result.case.id],
        details={"case": str(result.case.id)},
    )
    return await get_report(session=session, party_id=party_id, report_id=report_id)


async def decline_report(
    *, session: AsyncSession, party_id: UUID, report_id: UUID, reason: str, today: date
) -> Report:
    report = await get_report(session=session, party_id=party_id, report_id=report_id)
    _open(report)
    version = await party_service.version_on(
        session=session, party_id=party_id, on=report.received_on
    )
    if reason not in {r.id for r in version.out_of_scope_reasons}:
        raise DomainError(
            CaseErrorCode.UNKNOWN_DECLINE_REASON,
            "Unknown reason; one of " + ", ".join(r.id for r in version.out_of_scope_reasons) + ".",
            field=("reason",),
        )
    await session.execute(
        text(
            "UPDATE reports SET status = 'declined', decline_reason = :reason, "
            "closed_at = now() WHERE id = :id"
        ),
        {"reason": reason, "id": report.id},
    )
    await audit.append(
        session,
        action="report.decline",
        subject_type="Report",
        subject_ids=[report.id],
        details={"reason": reason},
    )
    return await get_report(session=session, party_id=party_id, report_id=report_id)


async def transfer_report(
    *,
    session: AsyncSession,
    kek: envelope.KeyEncryptionKey,
    party_id: UUID,
    report_id: UUID,
    to_party: str,
) -> None:
    """Hand the report to the party the person reported belongs to, sealed afresh to its
    key; this party keeps only that it transferred (its audit trail)."""
    report = await get_report(session=session, party_id=party_id, report_id=report_id)
    _open(report)
    target = await party_service.get_by_slug(session=session, slug=to_party)
    if target is None or target.id == party_id:
        raise DomainError(
            CaseErrorCode.NOT_FOUND, "Name another party that takes part.", field=("party",)
        )
    opened = await contents(session=session, kek=kek, report=report)
    resealed = None
    if opened is not None:
        public_key = await _public_key(session, kek, target.id)
        resealed = envelope.seal(
            json.dumps(opened.as_dict()).encode(),
            public_key=public_key,
            party_id=target.id,
            purpose=PURPOSE,
        )
    moved = await session.scalar(
        text("SELECT transfer_report(:id, :to, :sealed)"),
        {"id": report.id, "to": target.id, "sealed": resealed},
    )
    if not moved:
        raise DomainError(
            CaseErrorCode.REPORT_CLOSED, "This report cannot be transferred.", field=("id",)
        )
    wrapped = await party_key(session=session)
    if wrapped is not None:  # its files follow it, sealed afresh to the new party
        await evidence.reseal_for_transfer(
            session=session, kek=kek, report_id=report.id, wrapped_private_key=wrapped,
            from_party=party_id, to_public_key=await _public_key(session, kek, target.id),
            to_party=target.id,
        )  # fmt: skip
    await audit.append(
        session,
        action="report.transfer",
        subject_type="Report",
        subject_ids=[report.id],
        details={"to": target.slug},
    )


async def refer_report(
    *, session: AsyncSession, party_id: UUID, report_id: UUID, flags: list[str]
) -> Report:
    report = await get_report(session=session, party_id=party_id, report_id=report_id)
    version = await party_service.version_on(
        session=session, party_id=party_id, on=report.received_on
    )
    known = {f.id for f in version.referral_flags}
    unknown = [f for f in flags if f not in known]
    if unknown:
        raise DomainError(
            CaseErrorCode.UNKNOWN_REFERRAL,
            "Unknown referral; one of " + ", ".join(sorted(known)) + ".",
            field=("flags",),
        )
    merged = sorted(set(report.referrals) | set(flags))
    await session.execute(
        text("UPDATE reports SET referrals = :flags WHERE id = :id"),
        {"flags": merged, "id": report.id},
    )
    await audit.append(
        session,
        action="report.refer",
        subject_type="Report",
        subject_ids=[report.id],
        details={"flags": merged},
    )
    return await get_report(session=session, party_id=party_id, report_id=report_id)
