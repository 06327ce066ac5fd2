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

from db import audit
from db.audit import Actor
from db.errors import DomainError
from db.pagination import Page, keyset_page
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

    @property
    def actor(self) -> Actor:
        return Actor(id=f"token:{self.token_id}", role=self.role.value)


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
    rotated_from: UUID | None = None,
) -> IssuedToken:
    """A new token; its secret is in the result and nowhere else, ever."""
    party: Party | None = None
    if role is Role.OFFICER:
        if not party_slug:
            raise DomainError(
                PartyErrorCode.PARTY_REQUIRED, "An officer token needs a party.", field=("party",)
            )
        party = await party_service.require_by_slug(session=session, slug=party_slug)
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
        rotated_from=rotated_from,
    )
    session.add(token)
    await session.flush()
    await audit.append(
        session,
        action="token.issue",
        subject_type="Token",
        subject_ids=[token.id],
        details={
            "role": role.value,
            "party": party_slug,
            "label": label,
            "expires_at": expires_at,
            "rotated_from": rotated_from,
        },
    )
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
        await audit.append(
            session, action="token.revoke", subject_type="Token", subject_ids=[token.id]
        )
    return token


async def rotate_token(
    *, session: AsyncSession, token_id: UUID, expires_at: datetime | None = None
) -> IssuedToken:
    """Replace a live token with a new secret of the same role, party and label.

    The old one is revoked in the same transaction, so there is never a moment with both
    or neither; a new expiry may be given, else the old token's lifetime is kept.
    """
    old = await session.scalar(select(Token).where(Token.id == token_id).with_for_update())
    if old is None or old.revoked_at is not None:
        raise DomainError(PartyErrorCode.TOKEN_NOT_FOUND, "No such live token.", field=("id",))
    now = datetime.now(UTC)
    if old.expires_at is not None and old.expires_at <= now:
        raise DomainError(PartyErrorCode.TOKEN_NOT_FOUND, "No such live token.", field=("id",))
    if expires_at is None and old.expires_at is not None and old.created_at is not None:
        expires_at = now + (old.expires_at - old.created_at)
    party = (
        await party_service.get(session=session, party_id=old.party_id) if old.party_id else None
    )
    old.revoked_at = now
    await session.flush()
    await audit.append(session, action="token.rotate", subject_type="Token", subject_ids=[old.id])
    return await issue_token(
        session=session,
        role=Role(old.role),
        party_slug=party.slug if party else None,
        label=old.label,
        expires_at=expires_at,
        rotated_from=old.id,
    )


@dataclass(frozen=True, slots=True)
class TokenFilter:
    party_id: UUID | None = None
    role: Role | None = None
    include_revoked: bool = False


async def list_tokens(
    *, session: AsyncSession, first: int = 20, after: str | None = None, where: TokenFilter
) -> Page[Token]:
    """Newest first, keyset-paginated on (created_at, id); never a secret, only its prefix."""
    query = select(Token)
    if where.party_id is not None:
        query = query.where(Token.party_id == where.party_id)
    if where.role is not None:
        query = query.where(Token.role == where.role.value)
    if not where.include_revoked:
        query = query.where(Token.revoked_at.is_(None))
    return await keyset_page(
        session,
        query,
        kind="token",
        key=(Token.created_at, Token.id),
        parse=datetime.fromisoformat,
        first=first,
        after=after,
    )


async def revoke_labelled(*, session: AsyncSession, label: str) -> int:
    """Revoke every live token with this label (used to rotate the demo tokens)."""
    revoked = list(
        await session.scalars(
            update(Token)
            .where(Token.label == label, Token.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
            .returning(Token.id)
        )
    )
    if revoked:
        await audit.append(
            session,
            action="token.revoke",
            subject_type="Token",
            subject_ids=revoked,
            details={"label": label},
        )
    return len(revoked)
