"""Receipts: what a person who reports keeps to follow the report.

A receipt is a code and a secret. The secret is shown once and only its hash is kept.
It is written in Crockford's base32 (no I, L, O or U; 0/O and 1/I/L read as the same
when typed) in groups of five, so it can be read aloud, copied from paper and typed
without a mistake: 30 characters, 150 bits. The hand-made alphabet is 32 characters
and three substitutions; the ``base32-crockford`` package has not been updated since
2015, and it encodes integers rather than formatting random bytes.

Each form carries a random submission token, and the code and secret are derived from
that token with the service's key. The same form sent twice (a double click, a reload,
the back button and "send" again) names the same report, so nothing new is filed and
the same receipt is shown. Only the service can derive a secret from a token, and a
replayed token shows the receipt only for ``REPLAY_WINDOW`` after filing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from db import envelope

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
SECRET_GROUPS, GROUP_SIZE = 6, 5
REPLAY_WINDOW = timedelta(minutes=30)
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True, slots=True)
class Receipt:
    code: str
    secret: str  # shown once; only its hash is kept


def new_token() -> str:
    """A form's submission token: random, one per form shown."""
    return secrets.token_urlsafe(24)


def derive(kek: envelope.KeyEncryptionKey, token: str) -> Receipt:
    """The receipt a submission token names (the same token, the same receipt)."""
    digest = hmac.new(kek.derive(b"report-receipt"), token.encode()[:200], hashlib.sha512).digest()
    code = "R-" + "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:10])
    bits = int.from_bytes(digest[16:40], "big")  # 192 bits, 150 of them used
    chars = [CROCKFORD[(bits >> (5 * n)) & 31] for n in range(SECRET_GROUPS * GROUP_SIZE)]
    groups = ["".join(chars[n : n + GROUP_SIZE]) for n in range(0, len(chars), GROUP_SIZE)]
    return Receipt(code=code, secret="-".join(groups))


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()[:40]


def secret_hash(secret: str) -> bytes:
    """The stored hash of a secret as typed: case, spaces, hyphens and look-alike letters
    do not matter. A secret from before this format (mixed case, ``-`` and ``_``) is
    hashed as it is."""
    typed = "".join(secret.split())[:200]
    plain = typed.replace("-", "").upper().translate(_TYPED)
    if len(plain) == SECRET_GROUPS * GROUP_SIZE and all(c in CROCKFORD for c in plain):
        formatted = "-".join(plain[n : n + GROUP_SIZE] for n in range(0, len(plain), GROUP_SIZE))
        return hashlib.sha256(b"jointcode-receipt:" + formatted.encode()).digest()
    return hashlib.sha256(b"jointcode-receipt:" + typed.encode()).digest()
