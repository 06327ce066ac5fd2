"""The party registry."""

from __future__ import annotations

import re
from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from db.errors import DomainError
from parties.errors import PartyErrorCode
from parties.models import Party

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


async def list_parties(*, session: AsyncSession) -> list[Party]:
    return list((await session.scalars(select(Party).order_by(Party.name))).all())


async def get_by_slug(*, session: AsyncSession, slug: str) -> Party | None:
    return await session.scalar(select(Party).where(Party.slug == slug))


async def get(*, session: AsyncSession, party_id: UUID) -> Party | None:
    return await session.get(Party, party_id)


async def get_many(*, session: AsyncSession, party_ids: Iterable[UUID]) -> list[Party]:
    ids = list(party_ids)
    if not ids:
        return []
    return list((await session.scalars(select(Party).where(Party.id.in_(ids)))).all())


async def register_party(
    *,
    session: AsyncSession,
    slug: str,
    name: str,
    short_name: str | None = None,
    code_version: str | None = None,
    is_demo: bool = False,
) -> Party:
    """Add a party; it adopts the given code version, or the one in force today."""
    if not SLUG.match(slug):
        raise DomainError(
            PartyErrorCode.INVALID_SLUG,
            "A slug is 2 to 63 lowercase letters, digits or hyphens, starting with a letter or "
            "digit.",
            field=("slug",),
        )
    if not name.strip():
        raise DomainError(PartyErrorCode.INVALID_NAME, "A party needs a name.", field=("name",))
    version = codes.get_version(code_version) if code_version else codes.default_version()
    if version is None:
        allowed = ", ".join(codes.load_versions())
        raise DomainError(
            PartyErrorCode.UNKNOWN_CODE_VERSION,
            f"Unknown code version {code_version!r}; known versions: {allowed}.",
            field=("codeVersion",),
        )
    if await get_by_slug(session=session, slug=slug):
        raise DomainError(
            PartyErrorCode.SLUG_TAKEN, f"The slug {slug!r} is already taken.", field=("slug",)
        )
    party = Party(
        slug=slug,
        name=name.strip(),
        short_name=(short_name or name).strip(),
        code_version=version.id,
        is_demo=is_demo,
    )
    session.add(party)
    await session.flush()
    return party
