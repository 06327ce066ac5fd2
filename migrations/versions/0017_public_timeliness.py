"""A party may publish its timeliness figures: the Committee's cells, for that party only.

``parties.publishes_timeliness`` records the party's choice (set through the registry).
``public_timeliness`` answers, for a party that publishes and a fixed reporting period
only, the same perturbed cells the Committee's function gives for that party (the same
cell keys, so the same noise): the public learns nothing the Committee's protected
figures would not show, and a party that does not publish gets an error, not zeros.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

from alembic import op

from migrations.sql import APP, execute_each

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

PERIOD_CHECK = """
  IF NOT (extract(day FROM from_date) = 1 AND (
       (extract(month FROM from_date)::int % 3 = 1
        AND to_date = (from_date + interval '3 months' - interval '1 day')::date)
       OR ((extract(month FROM from_date)::int IN (1, start_month))
        AND to_date = (from_date + interval '1 year' - interval '1 day')::date))) THEN
    RAISE EXCEPTION 'not a fixed reporting period: % to %', from_date, to_date
      USING ERRCODE = '22023';
  END IF;
"""
OPEN = "('received', 'triaged', 'under_assessment')"


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE parties ADD COLUMN publishes_timeliness boolean NOT NULL DEFAULT false;
        GRANT UPDATE (publishes_timeliness) ON parties TO {APP};
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION public_timeliness(party uuid, from_date date, to_date date, today date,
                                          k integer, start_month integer, band_starts integer[])
        RETURNS TABLE (metric text, value bigint)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM parties p WHERE p.id = party AND p.publishes_timeliness)
          THEN
            RAISE EXCEPTION 'this party does not publish its timeliness figures'
              USING ERRCODE = '42501';
          END IF;
          {PERIOD_CHECK}
          RETURN QUERY
          WITH cells AS (
            SELECT m.metric, c.n, c.key_sum
            FROM committee_counts c
            CROSS JOIN LATERAL (VALUES
              ('received', true),
              ('decided', c.decided),
              ('open', c.state IN {OPEN}),
              ('appealed', c.appealed),
              ('decided_on_time', c.on_time),
              ('published', c.published)) AS m(metric, hit)
            WHERE m.hit AND c.party_id = party AND c.received_on BETWEEN from_date AND to_date
            UNION ALL
            SELECT 'open_overdue', d.n, d.key_sum FROM committee_due d
            WHERE d.party_id = party AND d.received_on BETWEEN from_date AND to_date
              AND d.next_due < today
            UNION ALL
            SELECT 'days_band_' || (SELECT max(i) FROM generate_subscripts(band_starts, 1) i
                                    WHERE band_starts[i] <= h.days),
                   h.n, h.key_sum
            FROM committee_days h
            WHERE h.party_id = party AND h.received_on BETWEEN from_date AND to_date
          )
          SELECT cells.metric, ckm_perturb(sum(cells.n)::bigint, sum(cells.key_sum)::bigint, k)
          FROM cells GROUP BY cells.metric;
        END $$
        """
    )
    signature = "public_timeliness(uuid, date, date, date, integer, integer, integer[])"
    op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP}")


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION public_timeliness(uuid, date, date, date, integer, integer, integer[])"
    )
    op.execute("ALTER TABLE parties DROP COLUMN publishes_timeliness")
