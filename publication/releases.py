"""Publishing a party's decided outcomes as a k-anonymous, hash-chained release.

A record carries coded attributes only (year of decision, alleged provisions, sanction).
Every combination of those attributes in a release is shared by at least ``k`` records;
outcomes in smaller groups are held back and wait for a later release. Class sizes are
computed by PostgreSQL in the same transaction that publishes, under a per-party lock,
so what is checked is exactly what is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from cases import lifecycle
from cases.models import Case, CaseState
from db import audit
from db.errors import DomainError
from parties.models import Party
from publication.errors import PublicationErrorCode
from publication.models import PublishedOutcome, Release

# Decided outcomes, whether or not an appeal is still possible; issue 6 narrows this to
# final ones with its previews. A decided appeal publishes the sanction that stands.
PUBLISHABLE = (CaseState.DECIDED, CaseState.APPEAL_DECIDED, CaseState.FINAL)
CANDIDATES = text(
    """
    SELECT id, year, provisions, sanction,
           count(*) OVER (PARTITION BY year, provisions, sanction) AS class_size
    FROM (
      SELECT id, extract(year FROM decided_on)::int AS year,
             ARRAY(SELECT p FROM unnest(provisions) AS p ORDER BY p) AS provisions,
             CASE WHEN appeal_outcome IN ('varied', 'overturned') THEN appeal_sanction
                  ELSE sanction END AS sanction
      FROM cases
      WHERE party_id = :party_id AND state = ANY (:states) AND release_id IS NULL
    ) AS candidate
    """
)


@dataclass(frozen=True, slots=True)
class PublishedRelease:
    release: Release
    party_slug: str


def release_hash(
    *,
    party_slug: str,
    number: int,
    code_version: str,
    k: int,
    previous_hash: str | None,
    records: list[tuple[int, list[str], str]],
) -> str:
    """The content hash anyone can recompute from the published records alone."""
    canonical = json.dumps(
        {
            "party": party_slug,
            "number": number,
            "code_version": code_version,
            "k": k,
            "previous_hash": previous_hash,
            "records": sorted(
                [year, list(provisions), sanction] for year, provisions, sanction in records
            ),
        },
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def publish_release(*, session: AsyncSession, party_id: UUID) -> PublishedRelease:
    party = await session.get(Party, party_id)
    assert party is not None
    version = codes.get_version(party.code_version)
    assert version is not None
    k = version.k
    # One publisher per party at a time: numbering and the hash chain stay linear.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('jointcode.release'), hashtext(:p))"),
        {"p": str(party_id)},
    )
    await lifecycle.finalise_due(session=session, party_id=party_id)
    rows = (
        await session.execute(
            CANDIDATES, {"party_id": party_id, "states": [s.value for s in PUBLISHABLE]}
        )
    ).all()
    eligible = [r for r in rows if r.class_size >= k]
    if not eligible:
        raise DomainError(
            PublicationErrorCode.NOTHING_TO_PUBLISH,
            f"{len(rows)} decided outcome(s) are waiting, but no combination of published "
            f"attributes is shared by at least k={k} of them yet.",
        )
    previous = await session.scalar(
        select(Release).where(Release.party_id == party_id).order_by(Release.number.desc()).limit(1)
    )
    number = (previous.number + 1) if previous else 1
    previous_hash = previous.content_hash if previous else None
    records = [(r.year, list(r.provisions), r.sanction) for r in eligible]
    release = Release(
        party_id=party_id,
        number=number,
        code_version=version.id,
        k=k,
        record_count=len(eligible),
        held_back_count=len(rows) - len(eligible),
        content_hash=release_hash(
            party_slug=party.slug,
            number=number,
            code_version=version.id,
            k=k,
            previous_hash=previous_hash,
            records=records,
        ),
        previous_hash=previous_hash,
    )
    session.add(release)
    await session.flush()
    ids = [r.id for r in eligible]
    await session.execute(
        insert(PublishedOutcome),
        [
            {
                "release_id": release.id,
                "party_id": party_id,
                "year": year,
                "provisions": provisions,
                "sanction": sanction,
            }
            for year, provisions, sanction in records
        ],
    )
    await session.execute(
        update(Case)
        .where(Case.party_id == party_id, Case.id.in_(ids))
        .values(release_id=release.id, version=Case.version + 1)
    )
    await audit.append(
        session,
        action="release.publish",
        subject_type="Release",
        subject_ids=[release.id],
        details={
            "number": number,
            "records": release.record_count,
            "held_back": release.held_back_count,
            "content_hash": release.content_hash,
        },
    )
    return PublishedRelease(release=release, party_slug=party.slug)


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
