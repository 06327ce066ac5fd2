"""Bearer tokens: random, shown once, stored only as a SHA-256 hash, held by their party.

A token carries 256 bits from ``secrets``, so a plain (unsalted) hash is enough to make
a stolen table useless while keeping look-up a single indexed equality. Only the
database compares hashes (``jc_bind_token``): the application role cannot read them.

Who may issue what: a party's administrators issue and revoke their party's officer and
administrator tokens; the registry admin issues Committee and admin tokens, registers
parties and creates a one-time enrolment code for a party's first administrator, and may
revoke any token (break-glass) but never issue or rotate a party's. The operator (the
database owner at the command line) may do anything, audited as the operator. The
database's policies hold the same rules (``jc_bind_token()``), so a compromised process
cannot step around this module.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from uuid import UUID

from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from codes import clock
from db import audit
from db.audit import Actor
from db.errors import DomainError
from db.pagination import Page, keyset_page
from parties import service as party_service
from parties.errors import PartyErrorCode
from parties.models import EnrolmentRecord, Party, Token

PREFIX = "jc_"
LAST_USED_GRANULARITY = timedelta(minutes=1)


ENROLMENT_LIFETIME = timedelta(days=7)


class Role(Enum):
    OFFICER = "officer"
    PARTY_ADMIN = "party_admin"
    COMMITTEE = "committee"
    ADMIN = "admin"


PARTY_ROLES = frozenset({Role.OFFICER, Role.PARTY_ADMIN})
# what each issuer may issue; None is the operator at the command line
ISSUABLE: dict[Role | None, frozenset[Role]] = {
    None: frozenset(Role),
    Role.ADMIN: frozenset({Role.COMMITTEE, Role.ADMIN}),
    Role.PARTY_ADMIN: PARTY_ROLES,
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is calling: resolved once per request from the bearer token.

    ``credential`` is the token itself, kept for the request only so that each of its
    transactions can have the database bind the caller again; it is never logged.
    """

    token_id: UUID
    role: Role
    party_id: UUID | None
    credential: str = field(default="", repr=False, compare=False)

    @property
    def actor(self) -> Actor:
        return Actor(id=f"token:{self.token_id}", role=self.role.value)

    @property
    def own_party(self) -> UUID:
        """The party an officer or a party administrator acts for (roles that have one)."""
        if self.party_id is None:
            raise PermissionError(f"a {self.role.value} token acts for no party")
        return self.party_id


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: Token
    secret: str


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


async def issue_token(
    *,
    session: AsyncSession,
    role: Role,
    party_slug: str | None = None,
    label: str = "",
    expires_at: datetime | None = None,
    rotated_from: UUID | None = None,
    issuer: Viewer | None = None,
) -> IssuedToken:
    """A new token; its secret is in the result and nowhere else, ever.

    ``issuer`` is the calling token (None: the operator). A party's administrator issues
    for its own party only, whatever party is named.
    """
    issuer_role = issuer.role if issuer else None
    if role not in ISSUABLE.get(issuer_role, frozenset()):
        raise DomainError(
            PartyErrorCode.ROLE_NOT_ISSUABLE,
            f"A {issuer_role.value if issuer_role else 'caller'} may not issue "
            f"{role.value} tokens"
            + (": a party's own administrators issue its tokens." if role in PARTY_ROLES
               else "."),
            field=("role",),
        )  # fmt: skip
    if issuer is not None and issuer.role is Role.PARTY_ADMIN and role in PARTY_ROLES:
        assert issuer.party_id is not None  # a party administrator always has a party
        own = await party_service.get(session=session, party_id=issuer.party_id)
        if own is None:
            raise DomainError(PartyErrorCode.UNKNOWN_PARTY, "Your party is not registered.")
        if party_slug and party_slug != own.slug:
            raise DomainError(
                PartyErrorCode.PARTY_NOT_ALLOWED,
                "A party's administrator issues tokens for its own party only.",
                field=("party",),
            )
        party_slug = own.slug
    party: Party | None = None
    if role in PARTY_ROLES:
        if not party_slug:
            raise DomainError(
                PartyErrorCode.PARTY_REQUIRED,
                f"A {role.value} token needs a party.",
                field=("party",),
            )
        party = await party_service.require_by_slug(session=session, slug=party_slug)
    elif party_slug:
        raise DomainError(
            PartyErrorCode.PARTY_NOT_ALLOWED,
            f"A {role.value} token is not bound to a party.",
            field=("party",),
        )
    if expires_at is not None and expires_at <= clock.now():
        raise DomainError(
            PartyErrorCode.INVALID_EXPIRY, "The expiry must be in the future.", field=("expiresAt",)
        )
    secret = _new_secret()
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
    """The viewer for a live token, or None for an unknown, expired or revoked one alike.

    The database compares the hash and binds this transaction to the token.
    """
    row = (
        await session.execute(
            text("SELECT token_id, role, party_id FROM jc_bind_token(:secret)"),
            {"secret": secret},
        )
    ).first()
    if row is None:
        return None
    return Viewer(
        token_id=row.token_id, role=Role(row.role), party_id=row.party_id, credential=secret
    )


async def revoke_token(
    *, session: AsyncSession, token_id: UUID | None = None, secret: str | None = None
) -> Token:
    """Revoke by id (as the token's manager), or by the token itself (what a holder
    reporting a leak has at hand: anyone holding it may revoke it)."""
    if token_id is None and secret is not None:
        token_id = await session.scalar(
            text("SELECT jc_revoke_by_secret(:secret)"), {"secret": secret}
        )
    token = await session.get(Token, token_id) if token_id is not None else None
    if token is None:
        raise DomainError(PartyErrorCode.TOKEN_NOT_FOUND, "No such token.", field=("id",))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        await session.flush()
        await audit.append(
            session, action="token.revoke", subject_type="Token", subject_ids=[token.id]
        )
        bound_party = session.info.get("party_id")
        if token.party_id is not None and token.party_id != bound_party:
            # break-glass by the registry: the party's own trail shows it too
            await audit.append(session, action="token.revoke", subject_type="Token",
                               subject_ids=[token.id], chain=token.party_id)  # fmt: skip
    return token


async def rotate_token(
    *,
    session: AsyncSession,
    token_id: UUID,
    expires_at: datetime | None = None,
    issuer: Viewer | None = None,
) -> IssuedToken:
    """Replace a live token with a new secret of the same role, party and label.

    The old one is revoked in the same transaction, so there is never a moment with both
    or neither; a new expiry may be given, else the old token's lifetime is kept.
    """
    old = await session.scalar(select(Token).where(Token.id == token_id).with_for_update())
    if old is not None and Role(old.role) not in ISSUABLE.get(issuer.role if issuer else None, ()):
        raise DomainError(
            PartyErrorCode.ROLE_NOT_ISSUABLE,
            "Only who may issue a token may rotate it: a party's own administrators rotate "
            "its tokens.",
            field=("id",),
        )
    if old is None or old.revoked_at is not None:
        raise DomainError(PartyErrorCode.TOKEN_NOT_FOUND, "No such live token.", field=("id",))
    now = clock.now()
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
        issuer=issuer,
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
    """Revoke every live token with this label (the operator rotating the demo tokens)."""
    revoked = list(
        await session.scalars(
            update(Token)
            .where(Token.label == label, Token.revoked_at.is_(None))
            .values(revoked_at=clock.now())
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


@dataclass(frozen=True, slots=True)
class Enrolment:
    id: UUID
    party_id: UUID
    code: str
    expires_at: datetime
    needs_consent: bool


async def create_enrolment(*, session: AsyncSession, party_slug: str) -> Enrolment:
    """A one-time code for a party's first (or a replacement) administrator: the registry
    admin hands it over; whoever enrols with it gets a party administrator token.

    The party is told at once, in its own audit chain (the database refuses a code whose
    creation is not there). For a party that has had an administrator, the code works
    only once one of its administrators, or the Committee, approves it
    (:func:`approve_enrolment`): the registry has no way to a party's cases on its own.
    """
    party = await party_service.require_by_slug(session=session, slug=party_slug)
    code = "jce_" + secrets.token_urlsafe(24)
    expires_at = clock.now() + ENROLMENT_LIFETIME
    created = (
        await session.execute(
            text(
                "INSERT INTO enrolments (party_id, code_hash, expires_at) "
                "VALUES (:party, :hash, :expires) RETURNING id, needs_consent"
            ),
            {"party": party.id, "hash": hash_secret(code), "expires": expires_at},
        )
    ).one()
    await audit.append(
        session,
        action="enrolment.create",
        subject_type="Enrolment",
        subject_ids=[created.id],
        details={"expires_at": expires_at, "needs_consent": created.needs_consent},
        chain=party.id,
    )
    return Enrolment(
        id=created.id,
        party_id=party.id,
        code=code,
        expires_at=expires_at,
        needs_consent=created.needs_consent,
    )


async def approve_enrolment(
    *, session: AsyncSession, enrolment_id: UUID, approver: Viewer
) -> EnrolmentRecord:
    """Consent to a pending enrolment: one of the party's administrators, or the Committee
    as the second person for a party with none left. The database decides who may
    (``jc_approve_enrolment``); anything else looks like an enrolment that does not exist."""
    party_id = await session.scalar(text("SELECT jc_approve_enrolment(:id)"), {"id": enrolment_id})
    if party_id is None:
        raise DomainError(
            PartyErrorCode.ENROLMENT_NOT_FOUND,
            "No pending enrolment with this id awaits your consent.",
            field=("id",),
        )
    await audit.append(
        session,
        action="enrolment.approve",
        subject_type="Enrolment",
        subject_ids=[enrolment_id],
        details={"by": approver.role.value},
        chain=party_id,
    )
    record = await session.get(EnrolmentRecord, enrolment_id, populate_existing=True)
    assert record is not None
    return record


async def list_enrolments(
    *, session: AsyncSession, first: int = 20, after: str | None = None
) -> Page[EnrolmentRecord]:
    """Newest first. Row-level security decides which: the registry admin sees every one,
    a party's administrators their party's, the Committee those awaiting consent."""
    return await keyset_page(
        session,
        select(EnrolmentRecord),
        kind="enrolment",
        key=(EnrolmentRecord.created_at, EnrolmentRecord.id),
        parse=datetime.fromisoformat,
        first=first,
        after=after,
    )


async def enrol(*, session: AsyncSession, code: str, label: str = "") -> IssuedToken:
    """Trade a live enrolment code for a party administrator token (once)."""
    secret = _new_secret()
    try:
        row = (
            await session.execute(
                text("SELECT token_id, party_id FROM jc_enrol(:code, :hash, :prefix, :label)"),
                {"code": code, "hash": hash_secret(secret), "prefix": secret[:8], "label": label},
            )
        ).first()
    except DBAPIError as error:
        if "awaits consent" not in str(error.orig):
            raise
        raise DomainError(
            PartyErrorCode.ENROLMENT_AWAITS_CONSENT,
            "This code works once one of the party's administrators (or, for a party with "
            "none left, the Committee) approves it.",
            field=("code",),
        ) from None
    if row is None:
        raise DomainError(
            PartyErrorCode.INVALID_ENROLMENT,
            "Unknown, used or expired enrolment code: ask the registry for a new one.",
            field=("code",),
        )
    # the database bound this transaction to the new administrator: audit in its chain
    session.info["party_id"] = row.party_id
    session.info[audit.ACTOR_KEY] = Actor(id=f"token:{row.token_id}", role="party_admin")
    await audit.append(session, action="token.enrol", subject_type="Token",
                       subject_ids=[row.token_id], details={"label": label})  # fmt: skip
    token = await session.get(Token, row.token_id)
    assert token is not None
    return IssuedToken(token=token, secret=secret)
