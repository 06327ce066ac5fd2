"""Signed checkpoints: the heads of every chain, signed with a key the database never holds.

Hash chains show an edit in the middle, but not a chain cut short or rebuilt from some
point by whoever controls the database. So on every release, and daily from the
command line (``jointcode checkpoint``), the operator's Ed25519 key signs the newest
audit entry and release of every chain; the signed bodies are public
(``/open-data/checkpoints.json``), and anyone who kept a copy can later prove that an
entry or release it saw is gone or changed (``--checkpoints`` on both verify commands).
The key lives in a file beside the service, never in the database, so the database
owner alone cannot sign a checkpoint for a rewritten history.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from codes import clock

ALGORITHM = "Ed25519"


class Signer:
    """The operator's signing key; only its public half is ever published."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = base64.b64encode(raw).decode()

    @classmethod
    def load_or_create(cls, path: Path) -> Signer:
        """The key in ``path`` (PEM, PKCS#8), created there (mode 0600) on first use."""
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path} does not hold an Ed25519 private key")
            return cls(key)
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        return cls(key)

    @classmethod
    def ephemeral(cls) -> Signer:
        """A key for this process only (tests; a service without a key file configured)."""
        return cls(Ed25519PrivateKey.generate())

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self._key.sign(data)).decode()


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


async def heads(*, session: AsyncSession) -> list[dict[str, Any]]:
    """Every chain's newest audit entry and release, as hashes only (``chain_heads()``)."""
    rows = await session.execute(text("SELECT * FROM chain_heads()"))
    return [
        {
            "party": row.party,
            "audit": {"hash": row.audit_hash} if row.audit_hash else None,
            "release": (
                {"number": row.release_number, "hash": row.release_hash}
                if row.release_number
                else None
            ),
        }
        for row in rows
    ]


async def record(*, session: AsyncSession, signer: Signer) -> dict[str, Any]:
    """Sign the current heads of every chain and keep the checkpoint (in this transaction,
    so a release's checkpoint covers the release and its audit entries)."""
    at = clock.now()
    body = {"at": at.isoformat(), "heads": await heads(session=session)}
    signature = signer.sign(canonical(body))
    await session.execute(
        text(
            "INSERT INTO checkpoints (at, body, signature, public_key) "
            "VALUES (:at, CAST(:body AS jsonb), :signature, :key)"
        ),
        {"at": at, "body": json.dumps(body), "signature": signature, "key": signer.public_key},
    )
    return {"body": body, "signature": signature, "public_key": signer.public_key}


async def record_if_older(
    *, session: AsyncSession, signer: Signer, age: timedelta
) -> dict[str, Any] | None:
    """A checkpoint now unless one was signed within ``age`` (the service's daily one)."""
    latest = await session.scalar(text("SELECT max(at) FROM checkpoints"))
    if latest is not None and clock.now() - latest < age:
        return None
    return await record(session=session, signer=signer)


async def published(*, session: AsyncSession) -> dict[str, Any]:
    """The public document: every checkpoint, oldest first, with the keys that signed."""
    rows = (
        await session.execute(
            text("SELECT body, signature, public_key FROM checkpoints ORDER BY id")
        )
    ).all()
    return {
        "algorithm": ALGORITHM,
        "public_keys": sorted({row.public_key for row in rows}),
        "checkpoints": [
            {"body": row.body, "signature": row.signature, "public_key": row.public_key}
            for row in rows
        ],
    }


@dataclass(frozen=True, slots=True)
class Finding:
    chain: str  # a party's slug, or "(service)"
    problem: str


def signature_findings(
    document: dict[str, Any], *, trusted_key: str | None = None
) -> list[Finding]:
    """Checkpoints whose signature does not verify (or that a key not trusted signed)."""
    found = []
    for n, checkpoint in enumerate(document.get("checkpoints", []), start=1):
        key = checkpoint.get("public_key", "")
        if trusted_key is not None and key != trusted_key:
            found.append(Finding("(checkpoints)", f"checkpoint {n} is signed by another key"))
            continue
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(
                base64.b64decode(checkpoint.get("signature", "")),
                canonical(checkpoint.get("body", {})),
            )
        except (InvalidSignature, ValueError):
            found.append(Finding("(checkpoints)", f"checkpoint {n}: the signature does not verify"))
    return found


async def compare(*, session: AsyncSession, document: dict[str, Any], chain: str) -> list[Finding]:
    """What the database has lost or changed since the checkpoints were signed.

    ``chain`` is "audit" or "release". Run as the owner: it reads every party's chain.
    For each head a checkpoint names, the entry (or release) at that position must still
    exist with the same hash; one missing is truncation, one different is rewriting.
    """
    parties: dict[str, Any] = {
        row.slug: row.id for row in await session.execute(text("SELECT slug, id FROM parties"))
    }
    problems: dict[str, str] = {}
    for checkpoint in document.get("checkpoints", []):
        for head in checkpoint.get("body", {}).get("heads", []):
            slug = head.get("party")
            name = slug or "(service)"
            seen = head.get(chain)
            if not seen or name in problems:
                continue
            if slug is not None and slug not in parties:
                problems[name] = "the party is gone from the registry"
                continue
            party_id = parties.get(slug) if slug else None
            if chain == "audit":
                # an entry is found by its hash: a rewritten or cut chain no longer has it
                stored = await session.scalar(
                    text(
                        "SELECT hash FROM audit_entries WHERE party_id IS NOT DISTINCT FROM :p "
                        "AND hash = :h"
                    ),
                    {"p": party_id, "h": seen["hash"]},
                )
                where = f"the entry {seen['hash'][:12]}…"
            else:
                stored = await session.scalar(
                    text("SELECT content_hash FROM releases WHERE party_id = :p AND number = :n"),
                    {"p": party_id, "n": seen["number"]},
                )
                where = f"release {seen['number']}"
            if stored is None:
                problems[name] = (
                    f"{where} signed at {checkpoint['body']['at']} is gone (cut or rewritten)"
                )
            elif stored != seen["hash"]:
                problems[name] = (
                    f"{where} differs from the one signed at {checkpoint['body']['at']}"
                )
    return [Finding(chain=name, problem=problem) for name, problem in sorted(problems.items())]


def load_document(source: str) -> dict[str, Any]:
    """A checkpoints document from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        from urllib.request import urlopen

        with urlopen(source, timeout=30) as response:
            document: dict[str, Any] = json.loads(response.read())
            return document
    loaded: dict[str, Any] = json.loads(Path(source).read_text())
    return loaded
