"""Envelope encryption of a party's free text and contact details at rest.

Each party has an X25519 key pair. Its public key is stored in clear (anyone may encrypt
to the party, as a member of the public reporting does); its private key is stored
wrapped (AES-256-GCM) under the service's key-encryption key, a file outside the
database (``JOINTCODE_DATA_KEY_FILE``), and the database hands the wrapped key only to
a transaction bound to that party. Each value is sealed with HPKE (RFC 9180, base mode:
DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM; ``pyhpke``) to the party's public
key, the party in HPKE's info and the party and purpose as associated data. So a copy of
the database, or another party's binding, holds ciphertext only; keys never enter logs or
errors.

Values sealed before HPKE (an ephemeral X25519 exchange, HKDF-SHA256 and AES-256-GCM put
together here) still open; ``jointcode keys reseal`` seals them again with HPKE.
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
from pyhpke import AEADId, CipherSuite, KDFId, KEMId
from pyhpke.exceptions import OpenError

NONCE = 12
RAW = serialization.Encoding.Raw
SUITE = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES256_GCM)
HPKE = b"JCH1"  # what a value sealed with SUITE starts with: the tag, enc (32), ciphertext
ENC = 32


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


def _info(party_id: UUID) -> bytes:
    return b"jointcode-seal:" + party_id.bytes


def _aad(purpose: str, party_id: UUID) -> bytes:
    return purpose.encode() + b":" + party_id.bytes


def seal(plaintext: bytes, *, public_key: bytes, party_id: UUID, purpose: str) -> bytes:
    """Ciphertext only the party can open: HPKE's tag | enc | ciphertext."""
    enc, sender = SUITE.create_sender_context(
        SUITE.kem.deserialize_public_key(public_key), info=_info(party_id)
    )
    return HPKE + enc + sender.seal(plaintext, aad=_aad(purpose, party_id))


def open_sealed(
    sealed: bytes,
    *,
    wrapped_private_key: bytes,
    kek: KeyEncryptionKey,
    party_id: UUID,
    purpose: str,
) -> bytes:
    """The plaintext, whichever format sealed it; InvalidTag for the wrong party, purpose or
    key, or a changed value."""
    private = kek.unwrap(wrapped_private_key, party_id=party_id)
    opened = _open_hpke(sealed, private, party_id=party_id, purpose=purpose)
    if opened is not None:
        return opened
    return _open_before_hpke(sealed, private, party_id=party_id, purpose=purpose)


def sealed_with_hpke(
    sealed: bytes, *, wrapped_private_key: bytes, kek: KeyEncryptionKey, party_id: UUID,
    purpose: str,
) -> bool:  # fmt: skip
    """Whether a value is already in today's format (what ``keys reseal`` leaves alone)."""
    private = kek.unwrap(wrapped_private_key, party_id=party_id)
    return _open_hpke(sealed, private, party_id=party_id, purpose=purpose) is not None


def reseal(
    sealed: bytes, *, public_key: bytes, wrapped_private_key: bytes, kek: KeyEncryptionKey,
    party_id: UUID, purpose: str,
) -> bytes | None:  # fmt: skip
    """A value sealed before HPKE, sealed again with it; None for one already HPKE (what
    ``keys reseal`` leaves alone). InvalidTag as ``open_sealed``."""
    private = kek.unwrap(wrapped_private_key, party_id=party_id)
    if _open_hpke(sealed, private, party_id=party_id, purpose=purpose) is not None:
        return None
    value = _open_before_hpke(sealed, private, party_id=party_id, purpose=purpose)
    return seal(value, public_key=public_key, party_id=party_id, purpose=purpose)


def _open_hpke(sealed: bytes, private: bytes, *, party_id: UUID, purpose: str) -> bytes | None:
    if not sealed.startswith(HPKE) or len(sealed) < len(HPKE) + ENC:
        return None
    enc, ciphertext = sealed[len(HPKE) : len(HPKE) + ENC], sealed[len(HPKE) + ENC :]
    try:
        recipient = SUITE.create_recipient_context(
            enc, SUITE.kem.deserialize_private_key(private), info=_info(party_id)
        )
        opened: bytes = recipient.open(ciphertext, aad=_aad(purpose, party_id))
    except (OpenError, ValueError):
        return None  # not HPKE after all (a value before it may start alike), or not ours
    return opened


def _open_before_hpke(sealed: bytes, private: bytes, *, party_id: UUID, purpose: str) -> bytes:
    """A value sealed before HPKE: ephemeral public key | nonce | AES-256-GCM, its key from
    the X25519 exchange through HKDF-SHA256 (salt: the ephemeral key)."""
    ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32 : 32 + NONCE], sealed[32 + NONCE :]
    shared = X25519PrivateKey.from_private_bytes(private).exchange(
        X25519PublicKey.from_public_bytes(ephemeral_public)
    )
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral_public, info=_info(party_id)
    ).derive(shared)
    return AESGCM(key).decrypt(nonce, ciphertext, _aad(purpose, party_id))
