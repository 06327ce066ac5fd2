"""Bearer tokens: random, shown once, stored only as a SHA-256 hash.

A token carries 256 bits from ``secrets``, so a plain (unsalted) hash is enough to make
a stolen table useless while keeping look-up a single indexed equality.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from uuid import UUID

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.errors import DomainError
from parties import service as party_service
from parties.errors import PartyErrorCode
from parties.models import Party, Token

PREFIX = "jc_"
LAST_USED_GRANULARITY = timedelta(minutes=1)


class Role(Enum):
    OFFICER = "officer"
    COMMITTEE = "committee"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is calling: resolved once per request from the bearer token."""

    token_id: UUID
    role: Role
    party_id: UUID | None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: Token
    secret: str


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


async def issue_token(
    *,
    session: AsyncSession,
    role: Role,
    party_slug: str | None = None,
    label: str = "",
    expires_at: datetime | None = None,
) -> IssuedToken:
    party: Party | None = None
    if role is Role.OFFICER:
        if not party_slug:
            raise DomainError(
                PartyErrorCode.PARTY_REQUIRED, "An officer token needs a party.", field=("party",)
            )
        party = await party_service.get_by_slug(session=session, slug=party_slug)
        if party is None:
            raise DomainError(
                PartyErrorCode.UNKNOWN_PARTY, f"No party {party_slug!r}.", field=("party",)
            )
    elif party_slug:
        raise DomainError(
            PartyErrorCode.PARTY_NOT_ALLOWED,
            f"A {role.value} token is not bound to a party.",
            field=("party",),
        )
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise DomainError(
            PartyErrorCode.INVALID_EXPIRY, "The expiry must be in the future.", field=("expiresAt",)
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = Token(
        token_hash=hash_secret(secret),
        display_prefix=secret[:8],
        label=label,
        role=role.value,
        party_id=party.id if party else None,
        expires_at=expires_at,
    )
    session.add(token)
    await session.flush()
    return IssuedToken(token=token, secret=secret)


async def authenticate(*, session: AsyncSession, secret: str) -> Viewer | None:
    """The viewer for a live token, or None for an unknown, expired or revoked one alike."""
    now = datetime.now(UTC)
    token = await session.scalar(
        select(Token).where(
            Token.token_hash == hash_secret(secret),
            Token.revoked_at.is_(None),
            or_(Token.expires_at.is_(None), Token.expires_at > now),
        )
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        await session.execute(update(Token).where(Token.id == token.id).values(last_used_at=now))
    return Viewer(token_id=token.id, role=Role(token.role), party_id=token.party_id)


async def revoke_token(
    *, session: AsyncSession, token_id: UUID | None = None, secret: str | None = None
) -> Token:
    """Revoke by id, or by the token itself (what a holder reporting a leak has at hand)."""
    if token_id is not None:
        token = await session.get(Token, token_id)
    elif secret is not None:
        token = await session.scalar(select(Token).where(Token.token_hash == hash_secret(secret)))
    else:
        token = None
    if token is None:
        raise DomainError(PartyErrorCode.TOKEN_NOT_FOUND, "No such token.", field=("id",))
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        await session.flush()
    return token


async def revoke_labelled(*, session: AsyncSession, label: str) -> int:
    """Revoke every live token with this label (used to rotate the demo tokens)."""
    result = await session.execute(
        update(Token)
        .where(Token.label == label, Token.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return result.rowcount or 0
