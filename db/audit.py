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

ACTOR_KEY = "actor"


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
) -> None:
    """Append an entry to the chain of the party bound to this session (or the service's)."""
    party_id: UUID | None = session.info.get("party_id")
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
            text(
                "SELECT seq, hash FROM audit_entries WHERE party_id IS NOT DISTINCT FROM :party "
                "ORDER BY seq DESC LIMIT 1"
            ),
            {"party": party_id},
        )
    ).first()
    seq = (last.seq if last else 0) + 1
    previous = last.hash if last else None
    at = datetime.now(UTC)
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
