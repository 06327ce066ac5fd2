"""The public answer computed on demand: what jointcode stores at publication time instead.

``bench.party_year_family()`` counts every tabulated final outcome by party, year and
family and perturbs each cell with the same cell-key function the stored tables use, so it
gives exactly the cells of jointcode's PARTY + YEAR + FAMILY table (the benchmark checks
that). PostGraphile and the Starlette baseline serve it; jointcode serves the stored table.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from publication.statistics import _hierarchy

SQL_CALL = "SELECT party, year, family, count FROM bench.party_year_family()"


async def install(*, session: AsyncSession, k: int) -> None:
    """Create the bench schema and its function (as the owner; a benchmark database only)."""
    await session.execute(text("DROP SCHEMA IF EXISTS bench CASCADE"))
    await session.execute(text("CREATE SCHEMA bench"))
    hierarchy = json.dumps(_hierarchy()).replace("'", "''")
    await session.execute(
        text(
            f"""
            CREATE FUNCTION bench.party_year_family()
            RETURNS TABLE (party text, year integer, family text, count integer)
            LANGUAGE sql STABLE AS $$
              SELECT p.slug, extract(year FROM c.decided_on)::integer, f.family,
                     ckm_perturb(count(*), sum(c.record_key), {int(k)})::integer
              FROM cases c
              JOIN parties p ON p.id = c.party_id
              CROSS JOIN LATERAL (
                SELECT DISTINCT '{hierarchy}'::jsonb -> c.code_version -> 'family' ->> pr
                  AS family
                FROM unnest(c.provisions) pr) f
              WHERE c.state = 'final' AND c.tabulated AND c.decided_on IS NOT NULL
                AND f.family IS NOT NULL
              GROUP BY 1, 2, 3
              HAVING ckm_perturb(count(*), sum(c.record_key), {int(k)}) > 0
              ORDER BY 1, 2, 3, 4
            $$
            """
        )
    )
