"""The party's side: its intake queue, and the four decisions on a report (accept into a
case, decline with the code's reason, transfer, refer)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from uuid import UUID

from sqlalchemy import Text, select, text
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from cases import evidence
from cases.errors import CaseErrorCode
from cases.reports.checks import require_waiting
from cases.reports.models import PURPOSE, Report, ReportRow
from cases.reports.sealing import contents, party_key, public_key_of
from cases.submission import Submission, submit_cases
from codes import clock
from db import audit, envelope
from db.base import in_array
from db.errors import DomainError, DomainErrors
from db.pagination import Page, keyset_page
from parties import service as party_service


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
    """A page of the party's intake queue, oldest first (the house's keyset walk on receipt
    time and id). ``overdue``: only reports still waiting past the triage deadline of the
    code in force ``today``."""
    query = select(ReportRow).where(ReportRow.party_id == party_id)
    if overdue:
        on = today or clock.today()
        statuses = ["received"]  # only a report still waiting can be overdue
        deadline = on - timedelta(days=codes.default_version(on).deadlines.triage)
        query = query.where(ReportRow.received_on < deadline)
    query = query.where(in_array(ReportRow.status, statuses, Text))
    if received_since is not None:  # a party's system catching up on new reports
        query = query.where(ReportRow.received_at >= received_since)
    if updated_since is not None:  # ... and on every change since it last looked
        query = query.where(ReportRow.updated_at >= updated_since)
    page = await keyset_page(
        session, query, kind="report", key=(ReportRow.received_at, ReportRow.id),
        parse=datetime.fromisoformat, first=first, after=after, descending=False,
    )  # fmt: skip
    return Page(
        items=[(cursor, row.to_report()) for cursor, row in page.items],
        has_next_page=page.has_next_page,
        total_count=page.total_count,
    )


async def get_report(*, session: AsyncSession, party_id: UUID, report_id: UUID) -> Report:
    row = await session.scalar(
        select(ReportRow).where(ReportRow.id == report_id, ReportRow.party_id == party_id)
    )
    if row is None:
        raise DomainError(CaseErrorCode.NOT_FOUND, "No such report.", field=("id",))
    return row.to_report()


async def get_reports(
    *, session: AsyncSession, party_id: UUID, report_ids: Iterable[UUID]
) -> list[Report]:
    """The party's own reports among ``report_ids``, in one query (others: absent)."""
    rows = await session.scalars(
        select(ReportRow).where(
            ReportRow.party_id == party_id, in_array(ReportRow.id, report_ids, PG_UUID)
        )
    )
    return [r.to_report() for r in rows]


async def reports_for_cases(
    *, session: AsyncSession, party_id: UUID, case_ids: Iterable[UUID]
) -> dict[UUID, Report]:
    """The report each case was opened from, by case, in one query."""
    rows = await session.scalars(
        select(ReportRow).where(
            ReportRow.party_id == party_id, in_array(ReportRow.case_id, case_ids, PG_UUID)
        )
    )
    return {r.case_id: r.to_report() for r in rows if r.case_id is not None}


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
    require_waiting(report)
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
    require_waiting(report)
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
    require_waiting(report)
    target = await party_service.get_by_slug(session=session, slug=to_party)
    if target is None or target.id == party_id:
        raise DomainError(
            CaseErrorCode.NOT_FOUND, "Name another party that takes part.", field=("party",)
        )
    opened = await contents(session=session, kek=kek, report=report)
    resealed = None
    if opened is not None:
        public_key = await public_key_of(session, kek, target.id)
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
            from_party=party_id, to_public_key=await public_key_of(session, kek, target.id),
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
