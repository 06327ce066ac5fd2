"""Previewing and publishing a party's final outcomes as k-anonymous, hash-chained releases.

A preview computes the release (generalisation chosen, records, what is held back and
why) and stores its fingerprint; ``publish_release`` names a preview and publishes
exactly it, refusing if the party's final outcomes changed since. Held-back outcomes
stay unpublished and roll into later previews. A release is immutable and carries the
hash of its content and of the party's previous release, recomputable from the
published records alone (``verify_chain``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Uuid,
    and_,
    case,
    false,
    func,
    insert,
    not_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

import codes
from cases import lifecycle
from cases.models import Case, CaseState
from db import audit
from db.base import in_array
from db.errors import DomainError
from parties.models import Party
from publication import statistics
from publication.anonymise import (
    PUBLISHED_COLUMNS,
    Outcome,
    Plan,
    UnsafeRelease,
    check_release,
    plan_release,
    published_fields,
)
from publication.attributes import OUTCOME_VALUES
from publication.errors import PublicationErrorCode
from publication.models import PublishedOutcome, Release, ReleasePreview


@dataclass(frozen=True, slots=True)
class PublishedRelease:
    release: Release
    party_slug: str


@dataclass(frozen=True, slots=True)
class Preview:
    preview: ReleasePreview
    plan: Plan
    records: list[dict[str, Any]]
    waiting: int  # final outcomes of a year not yet closed and published


def _closed(until: date | None) -> ColumnElement[bool]:
    """An outcome of a year a published edition covers whole, and counted by it: what a
    release may hold, so that it shows nothing the tables have not published."""
    return and_(Case.finalised_on <= until, Case.tabulated) if until else false()


def _unreleased(party_id: UUID) -> tuple[ColumnElement[bool], ...]:
    return (
        Case.party_id == party_id,
        Case.state == CaseState.FINAL.value,
        Case.release_id.is_(None),
    )


async def _waiting(session: AsyncSession, party_id: UUID, until: date | None) -> int:
    """Final, unreleased outcomes not yet releasable: they join the first release after
    the edition that closes their year."""
    found = await session.scalar(
        select(func.count()).where(*_unreleased(party_id), not_(_closed(until)))
    )
    return int(found or 0)


def held_back_share(release: Release) -> float:
    """The share of a release's outcomes held back, rounded to 5%: the public's figure.
    Released plus held back would be the party's exact count for the year, which the
    tables perturb, so the exact count stays with the party (its preview)."""
    total = release.record_count + release.held_back_count
    return round(20 * release.held_back_count / total) / 20 if total else 0.0


def held_back_words(release: Release) -> str:
    share = held_back_share(release)
    return "under 5%" if share < 0.05 else f"about {round(share * 100)}%"


def _digest(value: Any) -> str:
    canonical = json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _sorted_records(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records in a canonical order, without empty values: a column added later (empty in
    older releases) never changes an older release's hash."""
    present = [{k: v for k, v in r.items() if v is not None} for r in records]
    return sorted(present, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def release_hash(
    *,
    party_slug: str,
    number: int,
    code_version: str,
    k: int,
    previous_hash: str | None,
    levels: dict[str, str],
    records: Iterable[dict[str, Any]],
) -> str:
    """The content hash anyone can recompute from the published records alone."""
    return _digest(
        {
            "party": party_slug,
            "number": number,
            "code_version": code_version,
            "k": k,
            "previous_hash": previous_hash,
            "levels": levels,
            "records": _sorted_records(records),
        }
    )


async def _candidates(
    session: AsyncSession, party_id: UUID, until: date | None
) -> tuple[list[Outcome], str]:
    """The party's final, unpublished outcomes of closed, published years, and a
    fingerprint of exactly which."""
    sanction_that_stands = case(
        (Case.appeal_outcome.in_(["varied", "overturned"]), Case.appeal_sanction),
        else_=Case.sanction,
    )
    # the case values the hierarchies read (publication.attributes), by name
    derived = {
        "sanction": func.coalesce(sanction_that_stands, ""),
        "severity": Case.severity_level,
    }
    # a plain case column by its name, else one derived above
    reads: dict[str, Any] = {
        name: derived[name] if name in derived else getattr(Case, name) for name in OUTCOME_VALUES
    }
    lists = {name for name, column in reads.items() if isinstance(column.type, ARRAY)}
    cases = (
        await session.execute(
            select(
                Case.id,
                Case.version,
                Case.finalised_on,
                *(column.label(name) for name, column in reads.items()),
            )
            .where(*_unreleased(party_id), _closed(until))
            .order_by(Case.id)
        )
    ).all()
    outcomes = [
        Outcome(
            case_id=c.id,
            finalised_on=c.finalised_on,
            values={
                name: tuple(c._mapping[name] or ()) if name in lists else c._mapping[name]
                for name in reads
            },
        )
        for c in cases
    ]
    fingerprint = _digest([[str(c.id), c.version] for c in cases])
    return outcomes, fingerprint


def _planned(outcomes: list[Outcome], version: Any) -> tuple[Plan, list[dict[str, Any]]]:
    """The plan and its records as they will be stored, recounted before anything is."""
    plan = plan_release(outcomes, version=version, k=version.k)
    records = [published_fields(record) for _, record in plan.released]
    try:
        check_release(records, k=version.k, l_diversity=version.publication.l_diversity)
    except UnsafeRelease as unsafe:  # a bug in the planner: never publish, say so loudly
        raise RuntimeError(f"release failed its final recount: {unsafe}") from unsafe
    return plan, records


RELEASE_TIMEOUT = "10min"


async def _lock(session: AsyncSession, party_id: UUID) -> None:
    # One previewer/publisher per party at a time: numbering and the chain stay linear.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('jointcode.release'), hashtext(:p))"),
        {"p": str(party_id)},
    )
    # A release's work grows with the party's outcomes: at 100,000 a preview takes about
    # 18 s and a publication about 60 s, with single statements and planning gaps longer
    # than the limits that keep public reads short (10 s, and 30 s idle in transaction).
    await session.execute(
        text(
            "SELECT set_config('statement_timeout', :t, true), "
            "set_config('idle_in_transaction_session_timeout', :t, true)"
        ),
        {"t": RELEASE_TIMEOUT},
    )


async def _party_and_version(session: AsyncSession, party_id: UUID) -> tuple[Party, Any]:
    party = await session.get(Party, party_id)
    assert party is not None
    version = codes.get_version(party.code_version)
    assert version is not None
    return party, version


async def preview_release(*, session: AsyncSession, party_id: UUID) -> Preview:
    """Compute the next release without publishing it; the preview is stored by id."""
    await _lock(session, party_id)
    await lifecycle.finalise_due(session=session, party_id=party_id)
    _, version = await _party_and_version(session, party_id)
    until = await statistics.records_closed_until(session=session)
    outcomes, fingerprint = await _candidates(session, party_id, until)
    plan, records = _planned(outcomes, version)
    preview = ReleasePreview(
        party_id=party_id,
        code_version=version.id,
        k=version.k,
        candidate_hash=fingerprint,
        records_hash=_digest(_sorted_records(records)),
        levels=plan.levels,
        record_count=len(plan.released),
        held_back_count=len(plan.held_back),
    )
    session.add(preview)
    await session.flush()
    await audit.append(
        session,
        action="release.preview",
        subject_type="ReleasePreview",
        subject_ids=[preview.id],
        details={
            "records": preview.record_count,
            "held_back": preview.held_back_count,
            "levels": plan.levels,
        },
    )
    return Preview(
        preview=preview,
        plan=plan,
        records=records,
        waiting=await _waiting(session, party_id, until),
    )


async def publish_release(
    *, session: AsyncSession, party_id: UUID, preview_id: UUID
) -> PublishedRelease:
    """Publish exactly the named preview, or refuse if the outcomes changed since."""
    await _lock(session, party_id)
    preview = await session.scalar(
        select(ReleasePreview).where(
            ReleasePreview.party_id == party_id, ReleasePreview.id == preview_id
        )
    )
    if preview is None:
        raise DomainError(
            PublicationErrorCode.PREVIEW_NOT_FOUND, "No preview with this id.", field=("previewId",)
        )
    party, version = await _party_and_version(session, party_id)
    until = await statistics.records_closed_until(session=session)
    outcomes, fingerprint = await _candidates(session, party_id, until)
    plan, records = _planned(outcomes, version)
    if (
        fingerprint != preview.candidate_hash
        or version.id != preview.code_version
        or _digest(_sorted_records(records)) != preview.records_hash
    ):
        raise DomainError(
            PublicationErrorCode.PREVIEW_STALE,
            "Your final outcomes changed since this preview (or a release was published from "
            "it): preview again and publish the new preview.",
            field=("previewId",),
        )
    if not records:
        waiting = await _waiting(session, party_id, until)
        raise DomainError(
            PublicationErrorCode.NOTHING_TO_PUBLISH,
            f"{len(outcomes)} final outcome(s) of closed years are waiting, but none can be "
            f"published with every class of at least k={version.k} yet; {waiting} more "
            "became final in a year whose statistics are not yet published (see "
            "releaseCalendar): records follow the first edition after their year ends.",
        )
    previous = await session.scalar(
        select(Release).where(Release.party_id == party_id).order_by(Release.number.desc()).limit(1)
    )
    number = (previous.number + 1) if previous else 1
    previous_hash = previous.content_hash if previous else None
    release = Release(
        party_id=party_id,
        number=number,
        code_version=version.id,
        k=version.k,
        record_count=len(records),
        held_back_count=len(plan.held_back),
        levels=plan.levels,
        information_loss={
            "held_back_share": plan.held_back_share,
            "generalised_share": {a.attribute: a.generalised_share for a in plan.attribute_loss},
        },
        content_hash=release_hash(
            party_slug=party.slug,
            number=number,
            code_version=version.id,
            k=version.k,
            previous_hash=previous_hash,
            levels=plan.levels,
            records=records,
        ),
        previous_hash=previous_hash,
    )
    session.add(release)
    await session.flush()
    await session.execute(
        insert(PublishedOutcome),
        [{"release_id": release.id, "party_id": party_id, **record} for record in records],
    )
    await session.execute(
        update(Case)
        .where(
            Case.party_id == party_id,
            in_array(Case.id, (o.case_id for o, _ in plan.released), Uuid),
        )
        .values(release_id=release.id, version=Case.version + 1)
    )
    # no table changes here: statistics are editions of closed quarters (0027), so a
    # release and the tables before and after it cannot be compared
    await audit.append(
        session,
        action="release.publish",
        subject_type="Release",
        subject_ids=[release.id],
        details={
            "number": number,
            "records": release.record_count,
            "held_back": release.held_back_count,
            "levels": plan.levels,
            "content_hash": release.content_hash,
        },
    )
    return PublishedRelease(release=release, party_slug=party.slug)


@dataclass(frozen=True, slots=True)
class ChainCheck:
    party_slug: str
    releases: int
    first_broken: int | None
    problem: str | None


async def verify_chains(*, session: AsyncSession) -> list[ChainCheck]:
    """Recompute every party's release chain from the public tables alone."""
    checks = []
    for party in await session.scalars(select(Party).order_by(Party.slug)):
        releases = list(
            await session.scalars(
                select(Release).where(Release.party_id == party.id).order_by(Release.number)
            )
        )
        previous: str | None = None
        broken: tuple[int, str] | None = None
        for expected, release in enumerate(releases, start=1):
            rows = await session.execute(
                select(*(getattr(PublishedOutcome, c) for c in PUBLISHED_COLUMNS)).where(
                    PublishedOutcome.release_id == release.id
                )
            )
            records = [dict(row._mapping) for row in rows]
            recomputed = release_hash(
                party_slug=party.slug,
                number=release.number,
                code_version=release.code_version,
                k=release.k,
                previous_hash=release.previous_hash,
                levels=release.levels,
                records=records,
            )
            if release.number != expected:
                broken = (release.number, f"expected release {expected}: one is missing")
            elif release.previous_hash != previous:
                broken = (release.number, "does not link to the release before it")
            elif recomputed != release.content_hash or len(records) != release.record_count:
                broken = (release.number, "its records do not match its hash (altered)")
            if broken:
                break
            previous = release.content_hash
        checks.append(
            ChainCheck(
                party_slug=party.slug,
                releases=len(releases),
                first_broken=broken[0] if broken else None,
                problem=broken[1] if broken else None,
            )
        )
    return checks


async def get_releases(
    *, session: AsyncSession, release_ids: Iterable[UUID]
) -> list[tuple[Release, str]]:
    """Releases are public: any caller may read any party's, with the party's slug."""
    ids = list(release_ids)
    if not ids:
        return []
    rows = await session.execute(
        select(Release, Party.slug)
        .join(Party, Party.id == Release.party_id)
        .where(Release.id.in_(ids))
    )
    return [(release, slug) for release, slug in rows]


async def list_releases(
    *, session: AsyncSession, party_id: UUID | None = None
) -> list[tuple[Release, str]]:
    """Every release (or one party's), newest first, with the party's slug: they are public."""
    query = select(Release, Party.slug).join(Party, Party.id == Release.party_id)
    if party_id is not None:
        query = query.where(Release.party_id == party_id)
    rows = await session.execute(query.order_by(Release.published_at.desc(), Release.number.desc()))
    return [(release, slug) for release, slug in rows]


async def public_epoch(connection: AsyncConnection) -> int:
    """The publication epoch: bumped by every release, so public answers cached under an
    older one are stale. Read on a bare connection (no transaction to bind), cheaply."""
    return int(await connection.scalar(text("SELECT epoch FROM public_epoch")) or 0)
