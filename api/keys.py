"""The operator's two keys, made once on purpose and rotated by command.

- The **data key** (``JOINTCODE_DATA_KEY_FILE``) wraps every party's private key, which
  opens its reports, and the webhook secrets. It also encrypts the addresses reporters
  gave for status emails. Losing it makes every stored report unreadable, so production
  never makes one by surprise. ``serve`` refuses to start without it, and
  ``jointcode keys init`` makes it once.
- The **signing key** (``JOINTCODE_SIGNING_KEY_FILE``) signs checkpoints. Each checkpoint
  stores the public key that signed it, so old checkpoints stay verifiable after a
  rotation. New ones carry the new key. Pin both fingerprints while relying parties
  move over.

Rotating the data key re-wraps every party's private key and every webhook secret, and
re-encrypts every email address, in one transaction, under a new key. Only then does
the new file replace the old, which is kept as ``<file>.retired-<time>``. A run stopped
between the commit and the rename is finished by the next run, which tells from the
database which key is current. Stop the service before rotating, and start it after.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text

from cases import evidence
from cases import reports as report_service
from db import envelope
from db.envelope import KeyEncryptionKey
from db.session import Database
from publication.checkpoints import Signer

NOT_FOUND = (
    "{what} not found at {path}. It is made once, on purpose: run `jointcode keys init` "
    "(with the same JOINTCODE_KEY_DIR or key-file settings), and keep it on its own "
    "volume and in your backups. A service that made a new one would find every stored "
    "report unreadable."
)


class MissingKey(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Keys:
    data: KeyEncryptionKey
    signing: Signer


def load(data_path: Path, signing_path: Path) -> Keys:
    """Both keys, or MissingKey saying how to make them."""
    try:
        data = KeyEncryptionKey.load(data_path)
    except FileNotFoundError:
        raise MissingKey(NOT_FOUND.format(what="The data key", path=data_path)) from None
    try:
        signing = Signer.load(signing_path)
    except FileNotFoundError:
        raise MissingKey(NOT_FOUND.format(what="The signing key", path=signing_path)) from None
    return Keys(data, signing)


def init(data_path: Path, signing_path: Path) -> list[str]:
    """Make whichever key is missing; never replace one. Returns what was done, in words."""
    done = []
    for path, make, name in (
        (data_path, KeyEncryptionKey.create, "data key"),
        (signing_path, Signer.create, "signing key"),
    ):
        if path.exists():
            done.append(f"{name}: kept {path}")
        else:
            made: Any = make(path)
            done.append(f"{name}: made {path} ({made.fingerprint})")
    return done


def _email_box(kek: KeyEncryptionKey) -> AESGCM:
    return AESGCM(kek.derive(b"reporter-email"))


async def _rewrap(db: Database, old: KeyEncryptionKey, new: KeyEncryptionKey) -> dict[str, int]:
    counts = {"party keys": 0, "webhook secrets": 0, "email addresses": 0}
    async with db.transaction() as session:
        for row in (
            await session.execute(
                text("SELECT party_id, wrapped_private_key FROM party_seal_keys FOR UPDATE")
            )
        ).all():
            secret = old.unwrap(bytes(row.wrapped_private_key), party_id=row.party_id)
            await session.execute(
                text("UPDATE party_seal_keys SET wrapped_private_key = :w WHERE party_id = :p"),
                {"w": new.wrap(secret, party_id=row.party_id), "p": row.party_id},
            )
            counts["party keys"] += 1
        for row in (
            await session.execute(
                text("SELECT id, party_id, wrapped_secret FROM webhook_endpoints FOR UPDATE")
            )
        ).all():
            secret = old.unwrap(bytes(row.wrapped_secret), party_id=row.party_id)
            await session.execute(
                text("UPDATE webhook_endpoints SET wrapped_secret = :w WHERE id = :id"),
                {"w": new.wrap(secret, party_id=row.party_id), "id": row.id},
            )
            counts["webhook secrets"] += 1
        before, after = _email_box(old), _email_box(new)
        for row in (
            await session.execute(
                text(
                    "SELECT id, notify_sealed FROM reports WHERE notify_sealed IS NOT NULL "
                    "FOR UPDATE"
                )
            )
        ).all():
            sealed = bytes(row.notify_sealed)
            address = before.decrypt(sealed[:12], sealed[12:], b"reporter-email")
            nonce = os.urandom(12)
            await session.execute(
                text("UPDATE reports SET notify_sealed = :s WHERE id = :id"),
                {"s": nonce + after.encrypt(nonce, address, b"reporter-email"), "id": row.id},
            )
            counts["email addresses"] += 1
    return counts


async def _wrapped_under(db: Database, key: KeyEncryptionKey) -> bool | None:
    """Whether the database's party keys are wrapped under ``key`` (None: no party key)."""
    async with db.transaction() as session:
        row = (
            await session.execute(
                text("SELECT party_id, wrapped_private_key FROM party_seal_keys LIMIT 1")
            )
        ).first()
    if row is None:
        return None
    try:
        key.unwrap(bytes(row.wrapped_private_key), party_id=row.party_id)
    except InvalidTag:
        return False
    return True


async def rotate_data_key(db: Database, path: Path) -> list[str]:
    """A new data key, everything re-wrapped under it in one transaction, then the file
    swapped; an interrupted run is finished, never repeated half-way."""
    pending = path.with_name(path.name + ".next")
    if pending.exists():  # a run stopped after its commit, or before it
        new = KeyEncryptionKey.load(pending)
        if await _wrapped_under(db, new):
            _swap(path, pending)
            return [f"finished an interrupted rotation: {path} is now {new.fingerprint}"]
        pending.unlink()
    old = KeyEncryptionKey.load(path)
    new = KeyEncryptionKey.create(pending)
    counts = await _rewrap(db, old, new)
    retired = _swap(path, pending)
    done = ", ".join(f"{n} {what}" for what, n in counts.items())
    return [
        f"re-wrapped {done} under {new.fingerprint}",
        f"the old key is kept as {retired}: delete it once backups made after now exist",
    ]


def _swap(path: Path, pending: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    retired = path.with_name(f"{path.name}.retired-{stamp}")
    if path.exists():
        os.replace(path, retired)
    os.replace(pending, path)
    return retired


def rotate_signing_key(path: Path) -> list[str]:
    """A new signing key; the old one kept as ``<file>.retired-<time>``. Checkpoints keep
    the public key that signed them, so the old ones still verify."""
    old = Signer.load(path)
    pending = path.with_name(path.name + ".next")
    pending.unlink(missing_ok=True)
    new = Signer.create(pending)
    retired = _swap(path, pending)
    return [
        f"new signing key {new.fingerprint} (was {old.fingerprint}, kept as {retired})",
        "pin both in JOINTCODE_CHECKPOINT_KEYS while relying parties move to the new one",
    ]


async def reseal(db: Database, kek: KeyEncryptionKey) -> dict[str, int]:
    """Seal again with HPKE every value sealed before it (the reports' text, the evidence
    files), in one transaction as the owner. The triggers that announce a change to a report
    (its webhooks, its ``updated_at``) are off meanwhile: sealing a value again is no news
    to a party's system. Values already sealed with HPKE are left alone, so a second run
    changes nothing."""
    counts = {"reports": 0, "evidence files": 0}
    async with db.transaction() as session:
        keys = {
            row.party_id: (bytes(row.public_key), bytes(row.wrapped_private_key))
            for row in await session.execute(
                text("SELECT party_id, public_key, wrapped_private_key FROM party_seal_keys")
            )
        }
        await session.execute(text("ALTER TABLE reports DISABLE TRIGGER reports_webhooks"))
        await session.execute(text("ALTER TABLE reports DISABLE TRIGGER reports_touch"))
        for table, purpose, label in (
            ("reports", report_service.PURPOSE, "reports"),
            ("report_evidence", evidence.PURPOSE, "evidence files"),
        ):
            rows = await session.execute(
                text(
                    f"SELECT id, party_id, sealed FROM {table} WHERE sealed IS NOT NULL FOR UPDATE"
                )
            )
            for row in rows.all():
                public_key, wrapped = keys[row.party_id]
                again = envelope.reseal(
                    bytes(row.sealed), public_key=public_key, wrapped_private_key=wrapped,
                    kek=kek, party_id=row.party_id, purpose=purpose,
                )  # fmt: skip
                if again is None:
                    continue
                await session.execute(
                    text(f"UPDATE {table} SET sealed = :s WHERE id = :id"),
                    {"s": again, "id": row.id},
                )
                counts[label] += 1
        await session.execute(text("ALTER TABLE reports ENABLE TRIGGER reports_touch"))
        await session.execute(text("ALTER TABLE reports ENABLE TRIGGER reports_webhooks"))
    return counts
