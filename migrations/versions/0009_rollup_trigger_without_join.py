"""Committee rollup trigger without a join of the transition tables.

The first version joined old and new rows on id; transition tables have no statistics,
so PostgreSQL may pick a nested loop, and publishing 20,000 outcomes in one UPDATE ran
past the statement timeout. An UPDATE never adds or removes rows and never changes a
case's party, so per-party differences of counts are exact without any join.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION count_cases_updated() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          INSERT INTO party_case_counts AS c (party_id, decided, published)
          SELECT party_id, sum(decided), sum(published)
          FROM (
            SELECT party_id,
                   count(*) FILTER (WHERE decided_on IS NOT NULL) AS decided,
                   count(*) FILTER (WHERE release_id IS NOT NULL) AS published
            FROM new_rows GROUP BY party_id
            UNION ALL
            SELECT party_id,
                   -count(*) FILTER (WHERE decided_on IS NOT NULL),
                   -count(*) FILTER (WHERE release_id IS NOT NULL)
            FROM old_rows GROUP BY party_id
          ) AS delta
          GROUP BY party_id
          HAVING sum(decided) <> 0 OR sum(published) <> 0
          ON CONFLICT (party_id) DO UPDATE
            SET decided = c.decided + EXCLUDED.decided,
                published = c.published + EXCLUDED.published;
          RETURN NULL;
        END $$
        """
    )


def downgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION count_cases_updated() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          INSERT INTO party_case_counts AS c (party_id, decided, published)
          SELECT n.party_id,
                 count(*) FILTER (WHERE n.decided_on IS NOT NULL AND o.decided_on IS NULL),
                 count(*) FILTER (WHERE n.release_id IS NOT NULL AND o.release_id IS NULL)
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          GROUP BY n.party_id
          ON CONFLICT (party_id) DO UPDATE
            SET decided = c.decided + EXCLUDED.decided,
                published = c.published + EXCLUDED.published;
          RETURN NULL;
        END $$
        """
    )
