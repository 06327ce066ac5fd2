"""Case submission, decision and reading, always within one party.

Isolation is enforced twice: every query here filters on the caller's party, and
PostgreSQL row-level security filters again on the party bound to the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from cases import validation
from cases.errors import CaseErrorCode
from cases.models import Case, CaseState
from db import audit
from db.errors import DomainError, DomainErrors
from db.pagination import Page, keyset_page
from parties import sanction_mapping
from parties import service as party_service
from parties.errors import PartyErrorCode

DECIDABLE = (CaseState.RECEIVED, CaseState.TRIAGED, CaseState.UNDER_ASSESSMENT)


@dataclass(frozen=True, slots=True)
class CaseFilter:
    states: tuple[CaseState, ...] = ()
    reference: str | None = None
    provision: str | None = None
    received_from: date | None = None
    received_to: date | None = None


def _not_found() -> DomainError:
    # The same answer whether the case is absent or another party's: no oracle.
    return DomainError(CaseErrorCode.NOT_FOUND, "No case with this id.", field=("id",))


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
        details=_coded(case) if inserted is not None else {},
    )
    return case, inserted is not None


CODED_FIELDS = (
    "state",
    "code_version",
    "received_on",
    "provisions",
    "channel",
    "respondent_role",
    "target_role",
    "characteristics",
    "forms_of_hate",
    "findings",
    "sanction",
    "party_sanction",
    "suspension_months",
    "factors",
    "referrals",
    "departure_reason",
    "severity_level",
    "decided_on",
)


def _coded(case: Case) -> dict[str, object]:
    """The case's coded fields for the audit trail: never its reference or free text."""
    return {name: getattr(case, name) for name in CODED_FIELDS}


async def _record_read(session: AsyncSession, cases: list[Case]) -> None:
    if cases:
        await audit.append(
            session, action="case.read", subject_type="Case", subject_ids=[c.id for c in cases]
        )


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


async def decide_case(
    *,
    session: AsyncSession,
    party_id: UUID,
    case_id: UUID,
    findings: dict[str, bool],
    sanction: str | None = None,
    party_sanction: str | None = None,
    suspension_months: int | None = None,
    factors: Sequence[str] = (),
    referrals: Sequence[str] = (),
    departure_reason: str | None = None,
    decided_on: date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Record findings per alleged provision and the sanction on the common ladder.

    The code's guidance for the proven provisions and factors is stored with the
    decision; a sanction outside its range needs a coded departure reason.
    """
    case = await session.scalar(
        select(Case).where(Case.party_id == party_id, Case.id == case_id).with_for_update()
    )
    if case is None:
        raise _not_found()
    if expected_version is not None and expected_version != case.version:
        raise DomainError(
            CaseErrorCode.STALE_VERSION,
            f"The case changed since you read it (now version {case.version}); reload it.",
            field=("expectedVersion",),
        )
    if case.case_state not in DECIDABLE:
        raise DomainError(
            CaseErrorCode.INVALID_TRANSITION,
            f"A case in state {case.state} cannot be decided; it can be decided from "
            f"{', '.join(s.value for s in DECIDABLE)}.",
        )
    today = datetime.now(UTC).date()
    decided_on = decided_on or today
    version = codes.get_version(case.code_version)
    assert version is not None
    sanction, party_sanction = await _ladder_sanction(
        session=session,
        party_id=party_id,
        version=version,
        sanction=sanction,
        party_sanction=party_sanction,
    )
    before = _coded(case)
    checked = validation.check_decision(
        version=version,
        alleged=case.provisions,
        findings=findings,
        sanction=sanction,
        suspension_months=suspension_months,
        factors=factors,
        referrals=referrals,
        departure_reason=departure_reason,
        received_on=case.received_on,
        decided_on=decided_on,
        today=today,
    )
    if checked.errors:
        raise DomainErrors(checked.errors)
    guidance = checked.guidance
    case.party_sanction = party_sanction
    case.factors = list(factors)
    case.referrals = list(referrals)
    case.departure_reason = departure_reason
    case.severity_level = guidance.level if guidance else None
    case.recommended_lowest = guidance.lowest.id if guidance else None
    case.recommended_highest = guidance.highest.id if guidance else None
    case.findings = {p: ("proven" if proven else "not_proven") for p, proven in findings.items()}
    case.sanction = sanction
    case.suspension_months = suspension_months
    case.decided_on = decided_on
    case.state = CaseState.DECIDED.value
    case.version += 1
    case.updated_at = datetime.now(UTC)
    await session.flush()
    await audit.append(
        session,
        action="case.decide",
        subject_type="Case",
        subject_ids=[case.id],
        details={"before": before, "after": _coded(case)},
    )
    return case


async def _ladder_sanction(
    *,
    session: AsyncSession,
    party_id: UUID,
    version: codes.CodeVersion,
    sanction: str | None,
    party_sanction: str | None,
) -> tuple[str, str | None]:
    """The common ladder step and the party's name for it, given either way."""
    if party_sanction is None:
        if sanction is None:
            raise DomainError(
                CaseErrorCode.UNKNOWN_SANCTION,
                f"Give a sanction ({', '.join(version.sanction_ids)}) or your party's own "
                "sanction name.",
                field=("sanction",),
            )
        return sanction, None
    mapped = await sanction_mapping.resolve(
        session=session, party_id=party_id, version=version, name=party_sanction
    )
    if sanction is not None and sanction != mapped.sanction:
        raise DomainError(
            PartyErrorCode.SANCTION_MISMATCH,
            f"{mapped.name!r} maps to {mapped.sanction!r}, not {sanction!r}: give one or the "
            "other.",
            field=("sanction",),
        )
    return mapped.sanction, mapped.name


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
