"""Recording complaints: one at a time or 500 in one statement, each item judged alone.

A party's own reference is unique in the party, so a retried bulk submission creates
nothing twice; every case is pinned to the code version its party had adopted on the
date it was received, with that version's deadlines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cases import pseudonyms, validation
from cases.errors import CaseErrorCode
from cases.models import Case, CaseState
from codes import CodeVersion, clock
from db import audit
from db.errors import DomainError, DomainErrors
from parties import service as party_service

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


def due_dates(version: CodeVersion, received_on: date) -> dict[str, date]:
    """The deadlines a complaint starts, fixed by its code version on receipt."""
    return {
        "acknowledge_due": received_on + timedelta(days=version.deadlines.acknowledge),
        "triage_due": received_on + timedelta(days=version.deadlines.triage),
        "decide_due": received_on + timedelta(days=version.deadlines.decide),
    }
