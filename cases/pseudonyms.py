"""Respondents as keyed pseudonyms: repeat respondents counted inside a party, named nowhere.

The party's reference for a respondent (say, a membership number) is turned into an
HMAC with a key that only the party's own transactions can read (row-level security),
so the same person gets the same pseudonym within the party, another party's key gives
an unrelated one, and the service never stores the reference itself.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def party_key(session: AsyncSession, party_id: UUID) -> bytes:
    key = await session.scalar(
        text("SELECT pseudonym_key FROM party_keys WHERE party_id = :party"), {"party": party_id}
    )
    if key is None:  # every registered party gets a key; RLS hides other parties' keys
        raise RuntimeError("no pseudonym key visible for this party")
    return bytes(key)


def pseudonym(key: bytes, respondent_ref: str) -> str:
    normalised = " ".join(respondent_ref.split()).casefold()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()
