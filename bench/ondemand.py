"""The public answer computed on demand, as the issue's comparison measured it.

Before the stored tables, jointcode answered a statistics query with a GROUP BY over the
released records' equivalence classes (about 12,000 class rows for 1,000,000 outcomes),
at request time. ``bench.classes`` rebuilds such class rows from the tabulated outcomes
(with each class's count and sum of record keys), and ``bench.party_year_family()``
groups them by party, year and family and perturbs each cell with the cell-key function
the stored tables use: exactly the cells of jointcode's PARTY + YEAR + FAMILY table (the
benchmark checks that), computed per request. PostGraphile and the Starlette baseline
serve it; ``bench.stored_party_year_family()`` is the same lookup jointcode does, so
PostGraphile can be measured on that too.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from publication.statistics import _hierarchy

SQL_CALL = "SELECT party, year, family, count FROM bench.party_year_family()"


async def install(*, session: AsyncSession, k: int) -> int:
    """Create the bench schema (as the owner; a benchmark database only); returns how many
    class rows the on-demand answer groups."""
    await session.execute(text("DROP SCHEMA IF EXISTS bench CASCADE"))
    await session.execute(text("CREATE SCHEMA bench"))
    hierarchy = json.dumps(_hierarchy()).replace("'", "''")
    await session.execute(
        text(
            f"""
            CREATE TABLE bench.classes AS
            SELECT c.party_id, extract(year FROM c.finalised_on)::integer AS year,
                   ARRAY(SELECT DISTINCT '{hierarchy}'::jsonb -> c.code_version -> 'family'
                                         ->> pr FROM unnest(c.provisions) pr) AS families,
                   c.provisions, c.channel, c.respondent_role, c.severity_level, c.sanction,
                   c.forms_of_hate, c.characteristics,
                   count(*) AS n, sum(c.record_key) AS key_sum
            FROM cases c
            WHERE c.state = 'final' AND c.tabulated AND c.decided_on IS NOT NULL
              -- a year is a cell once the newest edition closes it, as the stored tables
              AND make_date(extract(year FROM c.finalised_on)::integer, 12, 31)
                  <= (SELECT max(period_end) FROM statistics_editions)
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
            """
        )
    )
    await session.execute(
        text(
            f"""
            CREATE FUNCTION bench.party_year_family()
            RETURNS TABLE (party text, year integer, family text, count integer)
            LANGUAGE sql STABLE AS $$
              SELECT p.slug, c.year, f.family,
                     ckm_perturb(sum(c.n)::bigint, sum(c.key_sum)::bigint, {int(k)})::integer
              FROM bench.classes c
              JOIN parties p ON p.id = c.party_id
              CROSS JOIN LATERAL unnest(c.families) AS f(family)
              WHERE f.family IS NOT NULL
              GROUP BY 1, 2, 3
              HAVING ckm_perturb(sum(c.n)::bigint, sum(c.key_sum)::bigint, {int(k)}) > 0
              ORDER BY 1, 2, 3, 4
            $$
            """
        )
    )
    await session.execute(
        text(
            """
            CREATE FUNCTION bench.stored_party_year_family()
            RETURNS TABLE (party text, year integer, family text, count integer)
            LANGUAGE sql STABLE AS $$
              SELECT p.slug, (s.cell ->> 'year')::integer, s.cell ->> 'family', s.count
              FROM statistics_cells s JOIN parties p ON p.id = s.party_id
              WHERE s.table_id = 'party+year+family'
              ORDER BY 1, 2, 3, 4
            $$
            """
        )
    )
    return int(await session.scalar(text("SELECT count(*) FROM bench.classes")) or 0)
