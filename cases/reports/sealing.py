"""What a person wrote, sealed to the party's key (``db.envelope``) and opened for its
officers; the reporter's email address sealed under the service's key."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from cases.reports.models import PURPOSE, Contents, Report, ReportInput
from db import envelope

log = logging.getLogger("jointcode.reports")


def report_fingerprint(
    kek: envelope.KeyEncryptionKey, party_id: UUID, report: ReportInput
) -> bytes:
    """The same report filed twice (same person, same words) has the same fingerprint; a
    keyed hash, so it cannot be tested against guesses without the service's key."""
    normal = (
        " ".join((report.respondent_name or "").lower().split())
        + "\n"
        + " ".join(report.what_happened.lower().split())
    )
    key = kek.derive(b"report-fingerprint")
    return hmac.new(key, party_id.bytes + normal.encode(), hashlib.sha256).digest()


async def public_key_of(
    session: AsyncSession, kek: envelope.KeyEncryptionKey, party_id: UUID
) -> bytes:
    """The party's public key, made (once) with its first report."""
    found = await session.scalar(
        text("SELECT public_key FROM party_seal_keys WHERE party_id = :p"), {"p": party_id}
    )
    if found is None:
        pair = envelope.new_party_keys(kek, party_id=party_id)
        await session.execute(
            text(
                "INSERT INTO party_seal_keys (party_id, public_key, wrapped_private_key) "
                "VALUES (:p, :pub, :priv) ON CONFLICT DO NOTHING"
            ),
            {"p": party_id, "pub": pair.public_key, "priv": pair.wrapped_private_key},
        )
        found = await session.scalar(
            text("SELECT public_key FROM party_seal_keys WHERE party_id = :p"), {"p": party_id}
        )
    return bytes(found)


def seal_contents(contents: Contents, public_key: bytes, party_id: UUID) -> bytes:
    return envelope.seal(
        json.dumps(contents.as_dict()).encode(),
        public_key=public_key,
        party_id=party_id,
        purpose=PURPOSE,
    )


def seal_email(kek: envelope.KeyEncryptionKey, address: str) -> bytes:
    """The address status emails go to, readable by the service alone (not the party's
    key: the notifier must read it without any party's binding)."""
    nonce = os.urandom(12)
    return nonce + AESGCM(kek.derive(b"reporter-email")).encrypt(
        nonce, address.encode(), b"reporter-email"
    )


def open_email(kek: envelope.KeyEncryptionKey, sealed: bytes) -> str:
    return (
        AESGCM(kek.derive(b"reporter-email"))
        .decrypt(sealed[:12], sealed[12:], b"reporter-email")
        .decode()
    )


def reporter_key(kek: envelope.KeyEncryptionKey, report: ReportInput) -> bytes | None:
    """Who filed, as far as the service can tell without keeping it: a keyed hash of the
    contact given, else of the browser's reporter cookie; None when neither is known."""
    who = " ".join((report.contact or "").lower().split()) or (
        f"browser:{report.browser}" if report.browser else ""
    )
    if not who:
        return None
    return hmac.new(kek.derive(b"reporter-key"), who.encode(), hashlib.sha256).digest()


async def party_key(*, session: AsyncSession) -> bytes | None:
    """The bound party's wrapped private key: the database gives it to no other binding."""
    wrapped = await session.scalar(text("SELECT party_private_key()"))
    return bytes(wrapped) if wrapped is not None else None


def open_contents(
    report: Report, *, wrapped_private_key: bytes | None, kek: envelope.KeyEncryptionKey
) -> Contents | None:
    """Open the sealed part (None once erased, or without the party's key)."""
    if report.sealed is None or wrapped_private_key is None:
        return None
    return opened_contents(report.sealed, wrapped_private_key, kek, report.party_id)


def opened_contents(
    sealed: bytes, wrapped: bytes, kek: envelope.KeyEncryptionKey, party_id: UUID
) -> Contents | None:
    """None (and an operator's log line) when this process's key is not the one the
    party's key was wrapped with: a misconfigured replica must not fail every request."""
    try:
        opened = envelope.open_sealed(
            sealed, wrapped_private_key=wrapped, kek=kek, party_id=party_id, purpose=PURPOSE
        )
    except InvalidTag:
        log.error(
            "a party's key does not open with this service's key-encryption key "
            "(JOINTCODE_DATA_KEY_FILE): every replica must use the same file"
        )
        return None
    return Contents.of(json.loads(opened))


async def contents(
    *, session: AsyncSession, kek: envelope.KeyEncryptionKey, report: Report
) -> Contents | None:
    """Open the sealed part: only a transaction bound to the report's party gets the key."""
    return open_contents(report, wrapped_private_key=await party_key(session=session), kek=kek)
