"""Record a code version's hash when a party adopts it; refuse its file if it changes later.

A case is assessed under its version for ever, so an adopted version's text must never
change under it: the hash recorded at first adoption is checked at every start. A draft
that no party has adopted yet is recorded nowhere and may still be edited.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
import codes.loader
from codes.loader import CodeFileError


async def _recorded(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(text("SELECT id, content_hash FROM code_versions"))
    return {row.id: row.content_hash for row in rows}


async def check(*, session: AsyncSession) -> None:
    """Refuse a version whose file changed since recorded, or an adopted one now missing."""
    recorded = await _recorded(session)
    for version in codes.load_versions().values():
        known = recorded.get(version.id)
        if known is not None and known != version.content_hash:
            raise _changed(version, known)
    adopted = await session.scalars(text("SELECT DISTINCT code_version FROM party_code_adoptions"))
    missing = sorted(set(adopted) - set(codes.load_versions()))
    if missing:
        raise CodeFileError(
            f"code version(s) {', '.join(missing)} adopted by a party but no file defines them "
            f"in {codes.loader.versions_dir()}: cases stay on their version for ever, so its "
            "file must stay. Restore it."
        )


async def ensure_recorded(*, session: AsyncSession, version: codes.CodeVersion) -> None:
    """Record a version's hash when it is first adopted; refuse one whose file changed since.

    The application role may insert a version row but never update one, so a recorded
    hash cannot be rewritten from the service.
    """
    await session.execute(
        text(
            "INSERT INTO code_versions (id, content_hash, title, in_force_from) "
            "VALUES (:id, :hash, :title, :in_force_from) ON CONFLICT (id) DO NOTHING"
        ),
        {
            "id": version.id,
            "hash": version.content_hash,
            "title": version.title,
            "in_force_from": version.in_force_from,
        },
    )
    known = await session.scalar(
        text("SELECT content_hash FROM code_versions WHERE id = :id"), {"id": version.id}
    )
    if known != version.content_hash:
        raise _changed(version, known)


def _changed(version: codes.CodeVersion, known: str) -> CodeFileError:
    return CodeFileError(
        f"code version {version.id} was recorded with hash {known[:12]}… but its file "
        f"now hashes to {version.content_hash[:12]}…: an adopted version is immutable. "
        "Restore the file, or publish the change as a new version."
    )


async def record_rules(*, session: AsyncSession) -> None:
    """Owner-run at every migration: each version's publication floor, for the database
    to hold releases to whatever the service is told."""
    for version in codes.load_versions().values():
        await session.execute(
            text(
                "INSERT INTO code_rules (code_version, k, l_diversity, settling_days) "
                "VALUES (:id, :k, :l, :s) ON CONFLICT (code_version) DO UPDATE SET "
                "k = EXCLUDED.k, l_diversity = EXCLUDED.l_diversity, "
                "settling_days = EXCLUDED.settling_days"
            ),
            {
                "id": version.id,
                "k": version.k,
                "l": version.publication.l_diversity,
                "s": version.publication.settling_days,
            },
        )
