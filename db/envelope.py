"""Envelope encryption of a party's free text and contact details at rest.

Each party has an X25519 key pair. Its public key is stored in clear (anyone may encrypt
to the party, as a member of the public reporting does); its private key is stored
wrapped (AES-256-GCM) under the service's key-encryption key, a file outside the
database (``JOINTCODE_DATA_KEY_FILE``), and the database hands the wrapped key only to
a transaction bound to that party. Each sealed value gets a fresh data key from an
ephemeral X25519 exchange with the party's public key (HKDF-SHA256), and is AES-256-GCM
with the party and the purpose as associated data. So a copy of the database, or another
party's binding, holds ciphertext only; keys never enter logs or errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE = 12
RAW = serialization.Encoding.Raw


class KeyEncryptionKey:
    """The service's key-encryption key: 32 random bytes in a file only the service reads."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a key-encryption key is 32 bytes")
        self._key = key
        self._aead = AESGCM(key)

    @classmethod
    def load(cls, path: Path) -> KeyEncryptionKey:
        """The key in ``path``; FileNotFoundError when there is none (never made here)."""
        return cls(path.read_bytes())

    @classmethod
    def create(cls, path: Path) -> KeyEncryptionKey:
        """A new key in ``path`` (mode 0600); FileExistsError rather than overwrite one."""
        key = os.urandom(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        return cls(key)

    @classmethod
    def load_or_create(cls, path: Path) -> KeyEncryptionKey:
        """For development and tests only: production loads (``load``) a key made once
        by ``jointcode keys init``, so a lost volume is an error, not a new key."""
        return cls.load(path) if path.exists() else cls.create(path)

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it (a hash of a derived value)."""
        return "SHA256:" + self.derive(b"fingerprint").hex()[:32]

    @classmethod
    def ephemeral(cls) -> KeyEncryptionKey:
        """A key for this process only (tests)."""
        return cls(os.urandom(32))

    def derive(self, purpose: bytes) -> bytes:
        """A key for another use (a keyed hash), never the key itself."""
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"jointcode-derive:" + purpose
        ).derive(self._key)

    def wrap(self, secret: bytes, *, party_id: UUID) -> bytes:
        nonce = os.urandom(NONCE)
        return nonce + self._aead.encrypt(nonce, secret, b"party-key:" + party_id.bytes)

    def unwrap(self, wrapped: bytes, *, party_id: UUID) -> bytes:
        return self._aead.decrypt(wrapped[:NONCE], wrapped[NONCE:], b"party-key:" + party_id.bytes)


@dataclass(frozen=True, slots=True)
class PartyKeyPair:
    public_key: bytes
    wrapped_private_key: bytes


def new_party_keys(kek: KeyEncryptionKey, *, party_id: UUID) -> PartyKeyPair:
    private = X25519PrivateKey.generate()
    raw_private = private.private_bytes(
        RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return PartyKeyPair(
        public_key=private.public_key().public_bytes(RAW, serialization.PublicFormat.Raw),
        wrapped_private_key=kek.wrap(raw_private, party_id=party_id),
    )


def _data_key(shared: bytes, ephemeral_public: bytes, party_id: UUID) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public,
        info=b"jointcode-seal:" + party_id.bytes,
    ).derive(shared)


def seal(plaintext: bytes, *, public_key: bytes, party_id: UUID, purpose: str) -> bytes:
    """Ciphertext only the party can open: ephemeral public key | nonce | AES-GCM."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(RAW, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    nonce = os.urandom(NONCE)
    aad = purpose.encode() + b":" + party_id.bytes
    ciphertext = AESGCM(_data_key(shared, ephemeral_public, party_id)).encrypt(
        nonce, plaintext, aad
    )
    return ephemeral_public + nonce + ciphertext


def open_sealed(
    sealed: bytes,
    *,
    wrapped_private_key: bytes,
    kek: KeyEncryptionKey,
    party_id: UUID,
    purpose: str,
) -> bytes:
    private = X25519PrivateKey.from_private_bytes(
        kek.unwrap(wrapped_private_key, party_id=party_id)
    )
    ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32 : 32 + NONCE], sealed[32 + NONCE :]
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    aad = purpose.encode() + b":" + party_id.bytes
    return AESGCM(_data_key(shared, ephemeral_public, party_id)).decrypt(nonce, ciphertext, aad)
