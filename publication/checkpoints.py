"""Signed checkpoints: the heads of every chain, signed with a key the database never holds,
linked into a chain of their own and cosigned by a witness the operator does not control.

Hash chains show an edit in the middle, but not a chain cut short or rebuilt from some
point by whoever controls the database. So on every release, and daily, the operator's
Ed25519 key signs the newest audit entry and release of every chain; the signed bodies
are public (``/open-data/checkpoints.json``, refreshed as soon as one is made), and the
verify commands compare them with the database (``--checkpoints``).

The operator alone could still replace the checkpoints, with its own key or another. So:

- each checkpoint names its ``seq`` and the digest of the one before (:func:`digest`):
  rewriting one means rewriting every later one;
- verifiers pin the operator's key (:func:`fingerprint`, published in the deployment's
  docs and recorded in every party's code adoption) and refuse an unpinned one;
- a witness (the Committee, with its own key) cosigns a checkpoint only after checking
  it extends the last one it cosigned (:func:`witness_round`, ``jointcode witness
  cosign``): a rewritten history has no cosignature the pinned witness key verifies, and
  a witness that cannot cosign any more says so at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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
from db.errors import DomainError, DomainErrors
from publication.errors import PublicationErrorCode

ALGORITHM = "Ed25519"
WITNESS_CONTEXT = b"jointcode checkpoint witness v1\n"


def fingerprint(public_key: str) -> str:
    """A public key's name for pinning: ``SHA256:`` and the hex digest of its raw bytes."""
    return "SHA256:" + hashlib.sha256(base64.b64decode(public_key)).hexdigest()


def pinned(public_key: str, pins: Iterable[str]) -> bool:
    """Whether a key is one of the pins (each a fingerprint or the base64 key itself)."""
    names = {public_key, fingerprint(public_key)}
    return any(pin.strip() in names for pin in pins)


class Signer:
    """The operator's signing key; only its public half is ever published."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = base64.b64encode(raw).decode()

    @classmethod
    def load(cls, path: Path) -> Signer:
        """The key in ``path`` (PEM, PKCS#8); FileNotFoundError when there is none."""
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return cls(key)

    @classmethod
    def load_or_create(cls, path: Path) -> Signer:
        """For development and tests: the key in ``path``, else a new one made there."""
        return cls.load(path) if path.exists() else cls.create(path)

    @classmethod
    def create(cls, path: Path) -> Signer:
        """A new key in ``path`` (mode 0600); FileExistsError rather than overwrite one."""
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

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def digest(body: dict[str, Any]) -> str:
    """What the next checkpoint names as its previous, and what a witness cosigns."""
    return hashlib.sha256(canonical(body)).hexdigest()


def witness_message(body: dict[str, Any]) -> bytes:
    return WITNESS_CONTEXT + digest(body).encode()


def _verifies(public_key: str, signature: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(
            base64.b64decode(signature), message
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


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
    so a release's checkpoint covers the release and its audit entries). It extends the
    newest checkpoint: one writer at a time, and the database refuses anything else."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('checkpoints', 0))"))
    newest = (
        await session.execute(
            text("SELECT seq, body, signed FROM checkpoints ORDER BY seq DESC LIMIT 1")
        )
    ).first()
    at = clock.now()
    body: dict[str, Any] = {
        "seq": (newest.seq + 1) if newest else 1,
        "previous": (
            (
                hashlib.sha256(newest.signed.encode()).hexdigest()
                if newest.signed
                else digest(newest.body)
            )
            if newest
            else None
        ),
        "at": at.isoformat(),
        "key": signer.fingerprint,
        "heads": await heads(session=session),
    }
    signed = canonical(body)
    signature = signer.sign(signed)
    await session.execute(
        text(
            "INSERT INTO checkpoints (seq, at, body, signed, signature, public_key) "
            "VALUES (:seq, :at, CAST(:body AS jsonb), :signed, :signature, :key)"
        ),
        {  # the same text twice, as two parameters: one would be typed jsonb for both
            "seq": body["seq"],
            "at": at,
            "body": signed.decode(),
            "signed": signed.decode(),
            "signature": signature,
            "key": signer.public_key,
        },
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
    """The public document: every checkpoint, oldest first, with the keys that signed it
    and the witnesses' cosignatures."""
    rows = (
        await session.execute(
            text(
                "SELECT c.seq, c.body, c.signature, c.public_key, coalesce(jsonb_agg("
                "  jsonb_build_object('public_key', w.public_key, 'signature', w.signature) "
                "  ORDER BY w.public_key) FILTER (WHERE w.public_key IS NOT NULL), '[]') AS w "
                "FROM checkpoints c "
                "LEFT JOIN checkpoint_cosignatures w ON w.checkpoint_seq = c.seq "
                "GROUP BY c.id ORDER BY c.seq"
            )
        )
    ).all()
    keys = sorted({row.public_key for row in rows})
    witnesses = sorted({w["public_key"] for row in rows for w in row.w})
    return {
        "algorithm": ALGORITHM,
        "public_keys": keys,
        "fingerprints": {key: fingerprint(key) for key in keys},
        "witness_keys": witnesses,
        "witness_fingerprints": {key: fingerprint(key) for key in witnesses},
        "checkpoints": [
            {
                "seq": row.seq,
                "body": row.body,
                "signature": row.signature,
                "public_key": row.public_key,
                "cosignatures": row.w,
            }
            for row in rows
        ],
    }


async def cosign(
    *, session: AsyncSession, public_key: str, cosignatures: Sequence[tuple[int, str]]
) -> int:
    """Keep a witness's cosignatures (the Committee's binding only: the database refuses
    anyone else). Each must verify over the stored checkpoint; returns how many were new."""
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
    except (ValueError, TypeError):
        raise DomainError(
            PublicationErrorCode.INVALID_COSIGNATURE,
            "The witness key is not a base64 Ed25519 public key.",
            field=("publicKey",),
        ) from None
    seqs = [seq for seq, _ in cosignatures]
    bodies: dict[int, dict[str, Any]] = dict(
        (
            await session.execute(
                text("SELECT seq, body FROM checkpoints WHERE seq = ANY(:s)"), {"s": seqs}
            )
        ).all()
    )
    errors = []
    for n, (seq, signature) in enumerate(cosignatures):
        if seq not in bodies:
            errors.append(DomainError(PublicationErrorCode.CHECKPOINT_NOT_FOUND,
                                      f"No checkpoint {seq}.",
                                      field=("cosignatures", str(n), "seq")))  # fmt: skip
        elif not _verifies(public_key, signature, witness_message(bodies[seq])):
            errors.append(DomainError(PublicationErrorCode.INVALID_COSIGNATURE,
                                      f"The cosignature of checkpoint {seq} does not verify.",
                                      field=("cosignatures", str(n), "signature")))  # fmt: skip
    if errors:
        raise DomainErrors(errors)
    added = await session.execute(
        text(
            "INSERT INTO checkpoint_cosignatures (checkpoint_seq, public_key, signature) "
            "SELECT * FROM unnest(CAST(:seqs AS bigint[]), CAST(:keys AS text[]), "
            "CAST(:sigs AS text[])) ON CONFLICT DO NOTHING"
        ),
        {
            "seqs": seqs,
            "keys": [public_key] * len(seqs),
            "sigs": [signature for _, signature in cosignatures],
        },
    )
    return int(getattr(added, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class Finding:
    chain: str  # a party's slug, or "(service)"
    problem: str


def signature_findings(
    document: dict[str, Any],
    *,
    signing_keys: Sequence[str] = (),
    witness_keys: Sequence[str] = (),
    max_age: timedelta | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """What is wrong with a checkpoints document on its own, before any database is read.

    Every checkpoint must verify under its key, and the key must be pinned
    (``signing_keys``: fingerprints or base64 keys; empty trusts whatever key signed, which
    a verifier must ask for explicitly). Checkpoints must form one chain (``seq`` rising
    by one, each naming the digest of the one before). With ``witness_keys``, a pinned
    witness must have cosigned the chain, and every cosignature by a pinned witness must
    verify. With ``max_age``, the newest checkpoint, and the newest witnessed one, must be
    that recent: a checkpoint hidden from the public, or a witness that refused to cosign
    a rewritten history, shows within one interval.
    """
    found: list[Finding] = []

    def flag(problem: str) -> None:
        found.append(Finding("(checkpoints)", problem))

    checkpoints = document.get("checkpoints", [])
    previous: dict[str, Any] | None = None
    newest_witnessed: str | None = None
    for n, checkpoint in enumerate(checkpoints, start=1):
        body = checkpoint.get("body") or {}
        key = checkpoint.get("public_key", "")
        if signing_keys and not pinned(key, signing_keys):
            flag(f"checkpoint {n} is signed by a key that is not pinned ({_safe_fingerprint(key)})")
        elif not _verifies(key, checkpoint.get("signature", ""), canonical(body)):
            flag(f"checkpoint {n}: the signature does not verify")
        if "seq" in body:  # checkpoints from before they were linked have neither
            if body.get("seq") != n:
                flag(f"checkpoint {n} says it is number {body.get('seq')}: some are gone or added")
            if body.get("previous") != (digest(previous) if previous is not None else None):
                flag(f"checkpoint {n} does not extend checkpoint {n - 1}: history was rewritten")
        for cosignature in checkpoint.get("cosignatures") or ():
            witness = cosignature.get("public_key", "")
            if not witness_keys or not pinned(witness, witness_keys):
                continue
            if _verifies(witness, cosignature.get("signature", ""), witness_message(body)):
                newest_witnessed = body.get("at")
            else:
                flag(f"checkpoint {n}: a witness cosignature does not verify")
        previous = body
    if witness_keys and newest_witnessed is None:
        flag("no checkpoint is cosigned by the pinned witness")
    if max_age is not None:
        now = now or clock.now()
        newest = (checkpoints[-1].get("body") or {}).get("at") if checkpoints else None
        if newest is None or now - datetime.fromisoformat(newest) > max_age:
            flag(f"no checkpoint since {newest or 'ever'}: the newest is older than {max_age}")
        witnessed = datetime.fromisoformat(newest_witnessed) if newest_witnessed else None
        if witness_keys and witnessed is not None and now - witnessed > max_age:
            flag(
                f"the witness has cosigned nothing since {newest_witnessed}: it may have "
                "refused a rewritten history"
            )
    return found


def _safe_fingerprint(key: str) -> str:
    try:
        return fingerprint(key)
    except (ValueError, TypeError):
        return "not a key"


@dataclass(frozen=True, slots=True)
class WitnessRound:
    """What a witness did in one round: its new state, and what it cosigned."""

    state: dict[str, Any]
    cosignatures: list[tuple[int, str]]


class WitnessRefusal(Exception):
    """The checkpoints no longer extend what this witness cosigned: raise the alarm."""


def witness_round(
    document: dict[str, Any],
    *,
    state: dict[str, Any] | None,
    witness: Signer,
    signing_keys: Sequence[str],
) -> WitnessRound:
    """One round of the witness (the Committee, on its own machine, with its own key).

    It checks the whole published chain (pinned operator key, every link), then that the
    checkpoint it cosigned last is still there, unchanged; only then does it cosign every
    later checkpoint. Its ``state`` (the last seq and digest it cosigned) is all it keeps.
    """
    if not signing_keys:
        raise WitnessRefusal("a witness pins the operator's key (--signing-key)")
    problems = signature_findings(document, signing_keys=signing_keys)
    if problems:
        raise WitnessRefusal("; ".join(p.problem for p in problems))
    checkpoints = [c for c in document.get("checkpoints", []) if "seq" in (c.get("body") or {})]
    by_seq = {c["body"]["seq"]: c["body"] for c in checkpoints}
    last = int((state or {}).get("seq", 0))
    if last:
        kept = by_seq.get(last)
        if kept is None or digest(kept) != (state or {}).get("digest"):
            raise WitnessRefusal(
                f"checkpoint {last}, which this witness cosigned, is gone or changed: the "
                "history was rewritten"
            )
    fresh = [c["body"] for c in checkpoints if c["body"]["seq"] > last]
    signed = [(body["seq"], witness.sign(witness_message(body))) for body in fresh]
    newest = fresh[-1] if fresh else (by_seq.get(last) if last else None)
    new_state = (
        {"seq": newest["seq"], "digest": digest(newest), "witness": witness.fingerprint}
        if newest
        else dict(state or {})
    )
    return WitnessRound(state=new_state, cosignatures=signed)


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
