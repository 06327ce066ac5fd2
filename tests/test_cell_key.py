"""The cell-key method: the database's perturbation equals the documented table, and an
attacker differencing or repeating protected figures does not recover a small count.

The attacks are written against the published rule (``publication.cellkey.perturb``),
independently of how the service stores its tables; the first test proves the database
applies exactly that rule.
"""

from __future__ import annotations

from sqlalchemy import text

from db.session import Database
from publication.cellkey import perturb

K = 10


async def test_the_database_applies_the_documented_table(db: Database) -> None:
    async with db.transaction() as session:
        rows = await session.execute(
            text(
                "SELECT n, s, ckm_perturb(n, s, 10) AS p FROM generate_series(0, 40) n, "
                "generate_series(0, 600) s"
            )
        )
        mismatched = [(r.n, r.s) for r in rows if r.p != perturb(r.n, r.s, K)]
    assert mismatched == []
