"""Golden vectors: published chains are verified by others from these exact forms.

If one of these changes, every published release or audit chain stops verifying: change
the canonical form only with a new chain version, never in place.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from db.audit import Actor, entry_hash
from publication.releases import release_hash


def test_audit_entry_hash_vector() -> None:
    digest = entry_hash(
        party_id=UUID(int=1),
        seq=1,
        at=datetime(2026, 1, 1, tzinfo=UTC),
        actor=Actor(id="token:x", role="officer"),
        action="case.submit",
        subject_type="Case",
        subject_ids=[UUID(int=2)],
        details={"after": {"state": "received"}},
        previous_hash=None,
    )
    assert digest == "61e227daf18826820007301eed9abf56dc9177a4346f85e13798b99b8ccb33cf"


def test_release_hash_vector_ignores_record_order() -> None:
    records = [
        {"year": 2026, "sanction_band": "lesser", "provisions": ["JC6"]},
        {"year": 2026, "sanction_band": "lesser", "provisions": ["JC6"]},
    ]
    digest = release_hash(
        party_slug="lantern", number=1, code_version="1", k=10, previous_hash=None,
        levels={"period": "year"}, records=records,
    )  # fmt: skip
    assert digest == "eb66491af22ddad014c8921f28657901c5917d9ce3561230e696ff59afb14580"
    assert release_hash(party_slug="lantern", number=1, code_version="1", k=10,
                        previous_hash=None, levels={"period": "year"},
                        records=list(reversed(records))) == digest  # fmt: skip
    assert release_hash(party_slug="lantern", number=2, code_version="1", k=10,
                        previous_hash=digest, levels={"period": "year"},
                        records=records) != digest  # fmt: skip
