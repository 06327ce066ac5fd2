"""Reading cases, always within one party, and recording that they were read.

Isolation is enforced twice: every query here filters on the caller's party, and
PostgreSQL row-level security filters again on the party bound to the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Uuid, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models import Case, CaseState
from codes import clock
from db import audit
from db.base import in_array
from db.pagination import Page, check_page_size, keyset_page


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


async def _record_read(session: AsyncSession, cases: list[Case]) -> None:
    """Who read which cases, in the party's access log: a row per case read, one insert
    per request, no chain lock, so a party's reads never wait on each other (the chain
    keeps changes)."""
    if not cases:
        return
    actor = session.info.get(audit.ACTOR_KEY) or audit.SYSTEM
    await session.execute(
        text(
            "INSERT INTO case_reads (party_id, actor, actor_role, case_id) "
            "SELECT :party, :actor, :role, c FROM unnest(CAST(:cases AS uuid[])) AS c"
        ),
        {"party": cases[0].party_id, "actor": actor.id, "role": actor.role,
         "cases": [c.id for c in cases]},
    )  # fmt: skip


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


@dataclass(frozen=True, slots=True)
class CaseRead:
    id: int
    at: datetime
    actor: str
    actor_role: str


async def reads(
    *, session: AsyncSession, keys: Sequence[tuple[UUID, int | None]], first: int
) -> tuple[dict[tuple[UUID, int | None], list[CaseRead]], dict[UUID, int]]:
    """Who read each case, newest first, ``first + 1`` after each (case, cursor) key, and
    how many reads each case has: two queries for every case asked about at once. The
    count is the reads folded into ``case_read_counts`` plus those since (``fold_reads``),
    so it costs the same however often a case has been read."""
    check_page_size(first)
    case_ids = [k[0] for k in keys]
    rows = await session.execute(
        text(
            "SELECT k.case_id, k.after_id, r.id, r.at, r.actor, r.actor_role "
            "FROM unnest(CAST(:cases AS uuid[]), CAST(:afters AS bigint[])) "
            "  AS k(case_id, after_id) "
            "CROSS JOIN LATERAL (SELECT id, at, actor, actor_role FROM case_reads "
            "  WHERE case_id = k.case_id AND (k.after_id IS NULL OR id < k.after_id) "
            "  ORDER BY id DESC LIMIT :limit) r ORDER BY r.id DESC"
        ),
        {"cases": case_ids, "afters": [k[1] for k in keys], "limit": first + 1},
    )
    found: dict[tuple[UUID, int | None], list[CaseRead]] = {(k[0], k[1]): [] for k in keys}
    for row in rows:
        found[(row.case_id, row.after_id)].append(
            CaseRead(id=row.id, at=row.at, actor=row.actor, actor_role=row.actor_role)
        )
    totals = {
        row.case_id: row.n
        for row in await session.execute(
            text(
                "SELECT k.case_id, coalesce(f.n, 0) + (SELECT count(*) FROM case_reads r "
                "  WHERE r.case_id = k.case_id AND r.xid >= (SELECT upto FROM case_read_fold)) "
                "  AS n "
                "FROM unnest(CAST(:cases AS uuid[])) AS k(case_id) "
                "LEFT JOIN case_read_counts f ON f.case_id = k.case_id"
            ),
            {"cases": case_ids},
        )
    }
    return found, totals


async def fold_reads(*, session: AsyncSession) -> int:
    """Fold the access log's reads of finished transactions into the per-case counts
    (every party's; the owner's function does it), so counting stays cheap: run every
    few seconds by the service. Returns the cases whose counts changed."""
    return int(await session.scalar(text("SELECT fold_case_reads()")) or 0)
