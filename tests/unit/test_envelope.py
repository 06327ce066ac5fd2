"""Sealing a party's text: HPKE (RFC 9180) now; values sealed in the format before it still
open, until ``jointcode keys reseal`` seals them again."""

from __future__ import annotations

import os
import uuid

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pyhpke import AEADId, CipherSuite, KDFId, KEMId

from db import envelope
from db.envelope import KeyEncryptionKey

RAW = serialization.Encoding.Raw


def _sealed_before_hpke(
    plaintext: bytes, public_key: bytes, party: uuid.UUID, purpose: str
) -> bytes:
    """The format before HPKE, written out from its description: ephemeral X25519 public
    key | 12-byte nonce | AES-256-GCM, the key from HKDF-SHA256 over the shared secret."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(RAW, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public,
               info=b"jointcode-seal:" + party.bytes).derive(shared)  # fmt: skip
    nonce = os.urandom(12)
    aad = purpose.encode() + b":" + party.bytes
    return ephemeral_public + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


Party = tuple[KeyEncryptionKey, uuid.UUID, envelope.PartyKeyPair]


@pytest.fixture
def party() -> Party:
    kek = KeyEncryptionKey.ephemeral()
    party_id = uuid.uuid4()
    return kek, party_id, envelope.new_party_keys(kek, party_id=party_id)


def test_a_sealed_value_is_hpke_and_opens_only_for_its_party_and_purpose(party: Party) -> None:
    kek, party_id, keys = party
    sealed = envelope.seal(b"what happened", public_key=keys.public_key, party_id=party_id,
                           purpose="report")  # fmt: skip
    assert sealed.startswith(envelope.HPKE)
    opening = {"wrapped_private_key": keys.wrapped_private_key, "kek": kek}
    assert envelope.open_sealed(sealed, party_id=party_id, purpose="report", **opening) == (
        b"what happened"
    )
    # any RFC 9180 implementation opens it with the party's private key
    suite = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES256_GCM)
    private = kek.unwrap(keys.wrapped_private_key, party_id=party_id)
    enc, ciphertext = sealed[4:36], sealed[36:]
    recipient = suite.create_recipient_context(
        enc, suite.kem.deserialize_private_key(private), info=b"jointcode-seal:" + party_id.bytes
    )
    assert recipient.open(ciphertext, aad=b"report:" + party_id.bytes) == b"what happened"
    for wrong in ({"purpose": "evidence", "party_id": party_id},
                  {"purpose": "report", "party_id": uuid.uuid4()}):  # fmt: skip
        with pytest.raises((InvalidTag, ValueError)):
            envelope.open_sealed(sealed, **opening, **wrong)
    changed = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(InvalidTag):
        envelope.open_sealed(changed, party_id=party_id, purpose="report", **opening)


def test_a_value_sealed_before_hpke_still_opens_until_sealed_again(
    party: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    kek, party_id, keys = party
    old = _sealed_before_hpke(b"before", keys.public_key, party_id, "report")
    opening = {"wrapped_private_key": keys.wrapped_private_key, "kek": kek,
               "party_id": party_id, "purpose": "report"}  # fmt: skip
    assert envelope.open_sealed(old, **opening) == b"before"
    assert not envelope.sealed_with_hpke(old, **opening)
    again = envelope.seal(b"before", public_key=keys.public_key, party_id=party_id,
                          purpose="report")  # fmt: skip
    assert envelope.sealed_with_hpke(again, **opening)
    # an old value that happens to start as HPKE values do still opens as what it is
    monkeypatch.setattr(envelope, "HPKE", old[:4])
    assert envelope.open_sealed(old, **opening) == b"before"
    assert not envelope.sealed_with_hpke(old, **opening)
    monkeypatch.undo()
    with pytest.raises(InvalidTag):
        envelope.open_sealed(old[:-1] + bytes([old[-1] ^ 1]), **opening)
