"""Case submission and reading, always within one party.

Isolation is enforced twice: every query here filters on the caller's party, and
PostgreSQL row-level security filters again on the party bound to the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Uuid, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cases import pseudonyms, validation
from cases.errors import CaseErrorCode
from cases.models import Case, CaseState
from codes import CodeVersion, clock
from db import audit
from db.base import in_array
from db.errors import DomainError, DomainErrors
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


class CaseOrder(Enum):
    RECEIVED_NEWEST = "received_newest"
    RECEIVED_OLDEST = "received_oldest"


MAX_BATCH = 500


@dataclass(frozen=True, slots=True)
class Submission:
    """One complaint as a party submits it; only coded fields ever leave the party."""

    reference: str
    received_on: date
    provisions: Sequence[str]
    channel: str
    respondent_role: str
    target_role: str | None = None
    characteristics: Sequence[str] = ()
    forms_of_hate: Sequence[str] = ()
    summary: str | None = None
    complainant_count: int = 1
    respondent_ref: str | None = None
    acknowledged_on: date | None = None


@dataclass(frozen=True, slots=True)
class SubmitResult:
    index: int
    case: Case | None
    created: bool
    errors: list[DomainError]


async def submit_cases(
    *,
    session: AsyncSession,
    party_id: UUID,
    submissions: Sequence[Submission],
    with_cases: bool = True,
) -> list[SubmitResult]:
    """Record up to 500 complaints in one statement; each is validated on its own.

    Valid items are created (or, when the party's reference already exists, returned
    unchanged: a retry after a crash creates nothing twice); invalid ones come back with
    their errors and their index, and do not stop the others. Each case is pinned to
    the code version its party had adopted on its received date. ``with_cases=False``
    skips loading the cases back (an import needs only what was created).
    """
    if len(submissions) > MAX_BATCH:
        raise DomainError(
            CaseErrorCode.TOO_MANY_CASES,
            f"Send at most {MAX_BATCH} cases a call; this call has {len(submissions)}.",
            field=("cases",),
        )
    timeline = await party_service.adoption_timeline(session=session, party_id=party_id)
    today = clock.today()
    key: bytes | None = None
    failed: list[SubmitResult] = []
    rows: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    for index, sub in enumerate(submissions):
        version = timeline.version_on(sub.received_on)
        errors = validation.check_submission(
            version=version,
            reference=sub.reference,
            received_on=sub.received_on,
            provisions=sub.provisions,
            channel=sub.channel,
            respondent_role=sub.respondent_role,
            target_role=sub.target_role,
            characteristics=sub.characteristics,
            forms_of_hate=sub.forms_of_hate,
            summary=sub.summary,
            today=today,
            complainant_count=sub.complainant_count,
            respondent_ref=sub.respondent_ref,
            acknowledged_on=sub.acknowledged_on,
        )
        reference = sub.reference.strip()
        if not errors and reference in index_of:
            errors.append(
                DomainError(
                    CaseErrorCode.INVALID_REFERENCE,
                    f"The reference {reference!r} is also item {index_of[reference]} of this call.",
                    field=("reference",),
                )
            )
        if errors:
            failed.append(SubmitResult(index=index, case=None, created=False, errors=errors))
            continue
        if sub.respondent_ref and key is None:
            key = await pseudonyms.party_key(session, party_id)
        index_of[reference] = index
        rows.append(
            {
                "party_id": party_id,
                "reference": reference,
                "code_version": version.id,
                "received_on": sub.received_on,
                "provisions": list(sub.provisions),
                "channel": sub.channel,
                "respondent_role": sub.respondent_role,
                "target_role": sub.target_role,
                "characteristics": validation.implied_characteristics(
                    version, sub.characteristics, sub.forms_of_hate
                ),
                "forms_of_hate": list(sub.forms_of_hate),
                "summary": sub.summary,
                "state": CaseState.RECEIVED.value,
                "complainant_count": sub.complainant_count,
                "respondent_pseudonym": pseudonyms.pseudonym(key, sub.respondent_ref)
                if key and sub.respondent_ref
                else None,
                "acknowledged_on": sub.acknowledged_on,
                **due_dates(version, sub.received_on),
            }
        )
    results = failed
    if rows:
        # One executemany with RETURNING (SQLAlchemy batches it into multi-row VALUES),
        # compiled once and cached, not a fresh 500-row statement per call.
        inserted = dict(
            (
                await session.execute(
                    insert(Case)
                    .on_conflict_do_nothing(index_elements=["party_id", "reference"])
                    .returning(Case.reference, Case.id),
                    rows,
                )
            ).all()
        )
        created_ids = set(inserted.values())
        if with_cases:
            found = list(
                await session.scalars(
                    select(Case).where(
                        Case.party_id == party_id, Case.reference.in_(list(index_of))
                    )
                )
            )
            results += [
                SubmitResult(
                    index=index_of[c.reference], case=c, created=c.id in created_ids, errors=[]
                )
                for c in found
            ]
            present = [c.id for c in found if c.id not in created_ids]
        else:
            missing = [r for r in index_of if r not in inserted]
            present = list(
                await session.scalars(
                    select(Case.id).where(Case.party_id == party_id, Case.reference.in_(missing))
                )
            ) if missing else []  # fmt: skip
            results += [
                SubmitResult(index=i, case=None, created=r in inserted, errors=[])
                for r, i in index_of.items()
            ]
        if created_ids:
            only = next(iter(created_ids)) if len(created_ids) == 1 else None
            details = next(
                (r.case.coded_fields() for r in results if r.case and r.case.id == only), {}
            )
            await audit.append(
                session,
                action="case.submit",
                subject_type="Case",
                subject_ids=sorted(created_ids),
                details=details if only else {"created": len(created_ids)},
            )
        if present:
            await audit.append(
                session, action="case.resubmit", subject_type="Case", subject_ids=present
            )
    return sorted(results, key=lambda r: r.index)


async def submit_case(*, session: AsyncSession, party_id: UUID, **fields: Any) -> tuple[Case, bool]:
    """Record one complaint; a reference already used by the party returns that case unchanged.

    Returns the case and whether it was created, so retries after a crash are harmless.
    """
    [result] = await submit_cases(
        session=session, party_id=party_id, submissions=[Submission(**fields)]
    )
    if result.errors:
        raise DomainErrors(result.errors)
    assert result.case is not None
    return result.case, result.created


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
        await session.scalars(
            select(Case).where(Case.party_id == party_id, in_array(Case.id, ids, Uuid))
        )
    )
    await _record_read(session, found)
    return found


async def get_case_by_reference(
    *, session: AsyncSession, party_id: UUID, reference: str
) -> Case | None:
    return await session.scalar(
        select(Case).where(Case.party_id == party_id, Case.reference == reference)
    )


def overdue_condition(today: date) -> ColumnElement[bool]:
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


def _filtered(party_id: UUID, where: CaseFilter) -> Select[Case]:
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
        condition = overdue_condition(clock.today())
        query = query.where(condition if where.overdue else ~condition)
    return query


async def list_cases(
    *,
    session: AsyncSession,
    party_id: UUID,
    first: int = 20,
    after: str | None = None,
    where: CaseFilter | None = None,
    order: CaseOrder = CaseOrder.RECEIVED_NEWEST,
) -> Page[Case]:
    """Keyset-paginated on (received_on, id), newest first unless asked; the read is audited."""
    page = await keyset_page(
        session,
        _filtered(party_id, where or CaseFilter()),
        kind="case",
        key=(Case.received_on, Case.id),
        parse=date.fromisoformat,
        first=first,
        after=after,
        descending=order is CaseOrder.RECEIVED_NEWEST,
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
    return {pseudonym: count for pseudonym, count in rows.all() if pseudonym is not None}


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
