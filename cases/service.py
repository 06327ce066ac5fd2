"""Case submission and reading, always within one party.

Isolation is enforced twice: every query here filters on the caller's party, and
PostgreSQL row-level security filters again on the party bound to the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cases import pseudonyms, validation
from cases.models import Case, CaseState
from codes import CodeVersion
from db import audit
from db.errors import DomainErrors
from db.pagination import Page, keyset_page
from parties import service as party_service


@dataclass(frozen=True, slots=True)
class CaseFilter:
    states: tuple[CaseState, ...] = ()
    reference: str | None = None
    provision: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    overdue: bool | None = None
    sanction: str | None = None


async def submit_case(
    *,
    session: AsyncSession,
    party_id: UUID,
    reference: str,
    received_on: date,
    provisions: list[str],
    channel: str,
    respondent_role: str,
    target_role: str | None = None,
    characteristics: Sequence[str] = (),
    forms_of_hate: Sequence[str] = (),
    summary: str | None = None,
    complainant_count: int = 1,
    respondent_ref: str | None = None,
    acknowledged_on: date | None = None,
) -> tuple[Case, bool]:
    """Record a complaint; a reference already used by the party returns that case unchanged.

    The case is pinned to the code version the party had adopted on the received date
    and is assessed under it for ever. Returns the case and whether it was created, so
    retries after a crash are harmless.
    """
    version = await party_service.version_on(session=session, party_id=party_id, on=received_on)
    errors = validation.check_submission(
        version=version,
        reference=reference,
        received_on=received_on,
        provisions=provisions,
        channel=channel,
        respondent_role=respondent_role,
        target_role=target_role,
        characteristics=characteristics,
        forms_of_hate=forms_of_hate,
        summary=summary,
        today=datetime.now(UTC).date(),
        complainant_count=complainant_count,
        respondent_ref=respondent_ref,
        acknowledged_on=acknowledged_on,
    )
    if errors:
        raise DomainErrors(errors)
    reference = reference.strip()
    inserted = await session.scalar(
        insert(Case)
        .values(
            party_id=party_id,
            reference=reference,
            code_version=version.id,
            received_on=received_on,
            provisions=list(provisions),
            channel=channel,
            respondent_role=respondent_role,
            target_role=target_role,
            characteristics=validation.implied_characteristics(
                version, characteristics, forms_of_hate
            ),
            forms_of_hate=list(forms_of_hate),
            summary=summary,
            state=CaseState.RECEIVED.value,
            complainant_count=complainant_count,
            respondent_pseudonym=pseudonyms.pseudonym(
                await pseudonyms.party_key(session, party_id), respondent_ref
            )
            if respondent_ref
            else None,
            acknowledged_on=acknowledged_on,
            **due_dates(version, received_on),
        )
        .on_conflict_do_nothing(index_elements=["party_id", "reference"])
        .returning(Case.id)
    )
    case = await get_case_by_reference(session=session, party_id=party_id, reference=reference)
    assert case is not None
    await audit.append(
        session,
        action="case.submit" if inserted is not None else "case.resubmit",
        subject_type="Case",
        subject_ids=[case.id],
        details=case.coded_fields() if inserted is not None else {},
    )
    return case, inserted is not None


async def _record_read(session: AsyncSession, cases: list[Case]) -> None:
    if cases:
        await audit.append(
            session, action="case.read", subject_type="Case", subject_ids=[c.id for c in cases]
        )


def due_dates(version: CodeVersion, received_on: date) -> dict[str, date]:
    """The deadlines a complaint starts, fixed by its code version on receipt."""
    return {
        "acknowledge_due": received_on + timedelta(days=version.deadlines.acknowledge),
        "triage_due": received_on + timedelta(days=version.deadlines.triage),
        "decide_due": received_on + timedelta(days=version.deadlines.decide),
    }


async def get_case(*, session: AsyncSession, party_id: UUID, case_id: UUID) -> Case | None:
    return await session.scalar(select(Case).where(Case.party_id == party_id, Case.id == case_id))


async def get_cases(
    *, session: AsyncSession, party_id: UUID, case_ids: Iterable[UUID]
) -> list[Case]:
    """Cases by id, in the party only; the read is recorded in the audit trail."""
    ids = list(case_ids)
    if not ids:
        return []
    found = list(
        await session.scalars(select(Case).where(Case.party_id == party_id, Case.id.in_(ids)))
    )
    await _record_read(session, found)
    return found


async def get_case_by_reference(
    *, session: AsyncSession, party_id: UUID, reference: str
) -> Case | None:
    return await session.scalar(
        select(Case).where(Case.party_id == party_id, Case.reference == reference)
    )


def overdue_condition(today: date):
    """A deadline the party owes is past due and not met: one SQL condition on due dates."""
    open_states = [s.value for s in (CaseState.RECEIVED, CaseState.TRIAGED,
                                     CaseState.UNDER_ASSESSMENT)]  # fmt: skip
    closed_early = [s.value for s in (CaseState.WITHDRAWN, CaseState.CLOSED_OUT_OF_SCOPE,
                                      CaseState.RESPONDENT_LEFT)]  # fmt: skip
    return or_(
        Case.acknowledged_on.is_(None)
        & Case.state.not_in(closed_early)
        & (Case.acknowledge_due < today),
        (Case.state == CaseState.RECEIVED.value) & (Case.triage_due < today),
        Case.state.in_(open_states) & (Case.decide_due < today),
        (Case.state == CaseState.APPEALED.value) & (Case.appeal_decide_due < today),
    )


def _filtered(party_id: UUID, where: CaseFilter):
    query = select(Case).where(Case.party_id == party_id)
    if where.states:
        query = query.where(Case.state.in_([s.value for s in where.states]))
    if where.reference is not None:
        query = query.where(Case.reference == where.reference)
    if where.provision is not None:
        query = query.where(Case.provisions.contains([where.provision]))
    if where.received_from is not None:
        query = query.where(Case.received_on >= where.received_from)
    if where.received_to is not None:
        query = query.where(Case.received_on <= where.received_to)
    if where.sanction is not None:
        query = query.where(Case.sanction == where.sanction)
    if where.overdue is not None:
        condition = overdue_condition(datetime.now(UTC).date())
        query = query.where(condition if where.overdue else ~condition)
    return query


async def list_cases(
    *,
    session: AsyncSession,
    party_id: UUID,
    first: int = 20,
    after: str | None = None,
    where: CaseFilter | None = None,
) -> Page[Case]:
    """Newest received first, keyset-paginated on (received_on, id); the read is audited."""
    page = await keyset_page(
        session,
        _filtered(party_id, where or CaseFilter()),
        kind="case",
        key=(Case.received_on, Case.id),
        parse=date.fromisoformat,
        first=first,
        after=after,
    )
    await _record_read(session, [c for _, c in page.items])
    return page


async def repeat_counts(
    *, session: AsyncSession, party_id: UUID, pseudonyms_: Iterable[str]
) -> dict[str, int]:
    """How many of the party's cases name each respondent pseudonym (one grouped query)."""
    wanted = list(set(pseudonyms_))
    if not wanted:
        return {}
    rows = await session.execute(
        select(Case.respondent_pseudonym, func.count())
        .where(Case.party_id == party_id, Case.respondent_pseudonym.in_(wanted))
        .group_by(Case.respondent_pseudonym)
    )
    return {pseudonym: count for pseudonym, count in rows.all()}


async def histories(
    *, session: AsyncSession, case_ids: Iterable[UUID]
) -> dict[UUID, list[audit.Entry]]:
    """The audit entries about each case, oldest first, in one query for all of them.

    Row-level security limits the entries to the chain of the party bound to the session.
    """
    ids = list(case_ids)
    found: dict[UUID, list[audit.Entry]] = {case_id: [] for case_id in ids}
    for entry in await audit.entries_about(session, subject_ids=ids):
        for subject in entry.subject_ids:
            if subject in found:
                found[subject].append(entry)
    return found
