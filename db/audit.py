"""The audit trail: who did what, appended in the same transaction as the change.

Entries are chained per party (each holds the hash of the one before), and the service's
own chain (registry and token administration) has no party. The actor rides on the
session, set where the request's transaction begins, so no domain function can forget
to pass it and no entry can name someone other than the caller.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from codes import clock

ACTOR_KEY = "actor"
HEAD_KEY = "audit_head"


@dataclass(frozen=True, slots=True)
class Actor:
    """The account behind a change: a token id, or the operator at the command line."""

    id: str
    role: str


SYSTEM = Actor(id="system", role="system")


def entry_hash(
    *,
    party_id: UUID | None,
    seq: int,
    at: datetime,
    actor: Actor,
    action: str,
    subject_type: str | None,
    subject_ids: list[UUID],
    details: Mapping[str, Any],
    previous_hash: str | None,
) -> str:
    """SHA-256 over a canonical JSON of the entry: recomputable from the row alone."""
    canonical = json.dumps(
        {
            "party": str(party_id) if party_id else None,
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(),
            "actor": actor.id,
            "role": actor.role,
            "action": action,
            "subject_type": subject_type,
            "subjects": [str(s) for s in subject_ids],
            "details": details,
            "previous": previous_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def append(
    session: AsyncSession,
    *,
    action: str,
    subject_type: str | None = None,
    subject_ids: Iterable[UUID] = (),
    details: Mapping[str, Any] | None = None,
    chain: UUID | None = None,
) -> None:
    """Append an entry to the chain of the party bound to this session (or the service's).

    ``chain`` names another party's chain: only the registry admin's break-glass
    revocation of that party's token, the registry's enrolment for that party and the
    Committee's consent to one may (the database refuses anything else, 0025).
    """
    party_id: UUID | None = chain or session.info.get("party_id")
    actor: Actor = session.info.get(ACTOR_KEY) or SYSTEM
    subjects = list(subject_ids)
    facts = json.loads(json.dumps(dict(details or {}), default=str))
    # One writer per chain at a time, so seq and previous_hash are never taken twice.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"audit:{party_id or 'service'}"},
    )
    last = (
        await session.execute(
            text("SELECT seq, hash FROM jc_chain_head(:party)"), {"party": party_id}
        )
    ).first()
    seq = (last.seq if last else 0) + 1
    previous = last.hash if last else None
    at = clock.now()
    digest = entry_hash(
        party_id=party_id,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_ids=subjects,
        details=facts,
        previous_hash=previous,
    )
    await session.execute(
        text(
            "INSERT INTO audit_entries (party_id, seq, at, actor, actor_role, action, "
            "subject_type, subject_ids, details, previous_hash, hash) VALUES (:party, :seq, :at, "
            ":actor, :role, :action, :subject_type, :subjects, CAST(:details AS jsonb), "
            ":previous, :hash)"
        ),
        {
            "party": party_id,
            "seq": seq,
            "at": at,
            "actor": actor.id,
            "role": actor.role,
            "action": action,
            "subject_type": subject_type,
            "subjects": subjects,
            "details": json.dumps(facts),
            "previous": previous,
            "hash": digest,
        },
    )
    # the chain's new head, for the caller to keep (see schema: extensions.auditHead)
    session.info[HEAD_KEY] = {"seq": seq, "hash": digest}


@dataclass(frozen=True, slots=True)
class Entry:
    party_id: UUID | None
    seq: int
    at: datetime
    actor: Actor
    action: str
    subject_type: str | None
    subject_ids: list[UUID]
    details: dict[str, Any]
    previous_hash: str | None
    hash: str

    def recomputed_hash(self) -> str:
        return entry_hash(
            party_id=self.party_id,
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            action=self.action,
            subject_type=self.subject_type,
            subject_ids=self.subject_ids,
            details=self.details,
            previous_hash=self.previous_hash,
        )


def _entry(row: Any) -> Entry:
    return Entry(
        party_id=row.party_id,
        seq=row.seq,
        at=row.at,
        actor=Actor(id=row.actor, role=row.actor_role),
        action=row.action,
        subject_type=row.subject_type,
        subject_ids=list(row.subject_ids),
        details=row.details,
        previous_hash=row.previous_hash,
        hash=row.hash,
    )


ENTRY_COLUMNS = (
    "party_id, seq, at, actor, actor_role, action, subject_type, subject_ids, details, "
    "previous_hash, hash"
)


async def entries_about(session: AsyncSession, *, subject_ids: list[UUID]) -> list[Entry]:
    """Entries naming any of these objects (GIN index), oldest first; RLS limits the chain."""
    if not subject_ids:
        return []
    rows = await session.execute(
        text(
            f"SELECT {ENTRY_COLUMNS} FROM audit_entries "
            "WHERE subject_ids && CAST(:ids AS uuid[]) ORDER BY seq"
        ),
        {"ids": subject_ids},
    )
    return [_entry(row) for row in rows]


async def entries_by_action(
    session: AsyncSession,
    *,
    party_id: UUID,
    prefixes: tuple[str, ...],
    first: int,
    before_seq: int | None = None,
) -> list[Entry]:
    """A party's entries whose action starts with one of ``prefixes``, newest first,
    keyset-paged on seq (the chain's own order)."""
    rows = await session.execute(
        text(
            f"SELECT {ENTRY_COLUMNS} FROM audit_entries WHERE party_id = :party "
            "AND action LIKE ANY (CAST(:patterns AS text[])) "
            "AND (CAST(:before AS integer) IS NULL OR seq < :before) "
            "ORDER BY seq DESC LIMIT :first"
        ),
        {
            "party": party_id,
            "patterns": [f"{p}%" for p in prefixes],
            "before": before_seq,
            "first": first,
        },
    )
    return [_entry(row) for row in rows]


async def count_by_action(
    session: AsyncSession, *, party_id: UUID, prefixes: tuple[str, ...]
) -> int:
    return int(
        await session.scalar(
            text(
                "SELECT count(*) FROM audit_entries WHERE party_id = :party "
                "AND action LIKE ANY (CAST(:patterns AS text[]))"
            ),
            {"party": party_id, "patterns": [f"{p}%" for p in prefixes]},
        )
        or 0
    )


@dataclass(frozen=True, slots=True)
class ChainReport:
    party_id: UUID | None
    entries: int
    first_broken_seq: int | None
    problem: str | None


@dataclass(slots=True)
class _ChainCheck:
    party_id: UUID | None
    entries: int = 0
    previous: str | None = None
    broken: tuple[int, str] | None = None

    def add(self, entry: Entry) -> None:
        self.entries += 1
        if self.broken is None:
            if entry.seq != self.entries:
                self.broken = (entry.seq, f"expected entry {self.entries}: an entry is missing")
            elif entry.previous_hash != self.previous:
                self.broken = (entry.seq, "does not link to the entry before it")
            elif entry.recomputed_hash() != entry.hash:
                self.broken = (entry.seq, "its content does not match its hash (altered)")
        self.previous = entry.hash

    def report(self) -> ChainReport:
        seq, problem = self.broken if self.broken else (None, None)
        return ChainReport(self.party_id, self.entries, seq, problem)


async def verify_chains(session: AsyncSession) -> list[ChainReport]:
    """Recompute every chain it can see (the owner sees all); name each first broken entry.

    Streams the table in chain order so memory stays flat however long the trail is.
    """
    reports: list[ChainReport] = []
    check: _ChainCheck | None = None
    result = await session.stream(
        text(f"SELECT {ENTRY_COLUMNS} FROM audit_entries ORDER BY party_id NULLS FIRST, seq")
    )
    async for row in result:
        entry = _entry(row)
        if check is None or entry.party_id != check.party_id:
            if check is not None:
                reports.append(check.report())
            check = _ChainCheck(party_id=entry.party_id)
        check.add(entry)
    if check is not None:
        reports.append(check.report())
    return reports
