"""The Committee's figures (and the parties' published timeliness) are editions too.

The Committee's cells came from rollups kept with the cases, so they were a live view.
Reading `committeeSummary` before and after one decision changed 37 of 612 cells, and
that gave away the case's party, level, sanction, time band and lateness. Now:

- A reporting period's figures are computed **once**, on or after its publication date:
  the period's end plus the code's ``settling_days``, the calendar of 0027. They are kept
  in ``committee_editions``, and every later question gets the stored cells. Before that
  date the period is refused; the Committee cannot poll it, and nobody can reach a
  period still under way.
- The service's hourly job computes each period on its date
  (``publish_committee_edition``). Failing that, the first allowed question computes it:
  the Committee's own, or the public's question about a party that publishes its
  timeliness. Either way the whole period is computed at once, all parties, and the
  Committee and the public then read the same stored cells.
- ``k`` is at least the code's, whoever asks. Before, the functions took it from their
  caller, so the public timeliness function could be asked with ``k = 2``.
- The live functions are kept as ``*_live``, the owner's alone, without the Committee
  check that the edition functions carry.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

ROLE_CHECK = (
    " BEGIN IF jc_role() IS DISTINCT FROM 'committee' THEN RAISE EXCEPTION "
    "'Committee figures are for the Committee' USING ERRCODE = '42501'; END IF;"
)
FIGURES = "(date, date, date, integer, integer, integer[])"
SANCTIONS = "(date, date, integer, integer)"
TIMELINESS = "(uuid, date, date, date, integer, integer, integer[])"
# refuse before the period's publication date, and a k below the code's
DUE = """
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF to_date + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'figures for % to % are published on %', from_date, to_date,
              to_date + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;
"""
# the period's edition, computed once (all parties) by whoever may ask first
ENSURE = """
          PERFORM pg_advisory_xact_lock(hashtextextended('committee_editions', 0));
          IF NOT EXISTS (SELECT 1 FROM committee_editions e
                         WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            INSERT INTO committee_editions (period_start, period_end, figures, sanctions)
            SELECT from_date, to_date,
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', f.party_id, 'metric', f.metric, 'value', f.value)), '[]')
               FROM committee_period_figures_live(from_date, to_date, current_date, k,
                                                  start_month, band_starts) f),
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', s.party_id, 'severity', s.severity, 'sanction', s.sanction,
                 'value', s.value)), '[]')
               FROM committee_period_sanctions_live(from_date, to_date, k, start_month) s);
          END IF;
"""


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE committee_editions (
          period_start date NOT NULL,
          period_end date NOT NULL,
          computed_at timestamptz NOT NULL DEFAULT now(),
          figures jsonb NOT NULL,
          sanctions jsonb NOT NULL,
          PRIMARY KEY (period_start, period_end)
        );
        ALTER TABLE committee_editions ENABLE ROW LEVEL SECURITY;
        ALTER TABLE committee_editions FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON committee_editions TO CURRENT_USER USING (true)
          WITH CHECK (true);
        REVOKE ALL ON committee_editions FROM PUBLIC, {APP};
        ALTER FUNCTION public_timeliness{TIMELINESS} RENAME TO public_timeliness_live;
        REVOKE ALL ON FUNCTION public_timeliness_live{TIMELINESS} FROM PUBLIC, {APP};
        """
    )
    # the live functions, without the Committee check (the edition functions carry it)
    op.execute(
        f"""
        DO $$
        DECLARE
          f record;
        BEGIN
          FOR f IN SELECT oid, proname FROM pg_proc
                   WHERE pronamespace = 'public'::regnamespace
                     AND proname IN ('committee_period_figures', 'committee_period_sanctions')
          LOOP
            EXECUTE replace(replace(pg_get_functiondef(f.oid),
                                    'FUNCTION public.' || f.proname || '(',
                                    'FUNCTION public.' || f.proname || '_live('),
                            $q${ROLE_CHECK}$q$, ' BEGIN');
          END LOOP;
        END $$
        """
    )
    execute_each(
        f"""
        REVOKE ALL ON FUNCTION committee_period_figures_live{FIGURES} FROM PUBLIC, {APP};
        REVOKE ALL ON FUNCTION committee_period_sanctions_live{SANCTIONS} FROM PUBLIC, {APP};
        DROP FUNCTION committee_period_figures{FIGURES};
        DROP FUNCTION committee_period_sanctions{SANCTIONS};
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION committee_period_figures(from_date date, to_date date, today date,
                                                 k integer, start_month integer,
                                                 band_starts integer[])
        RETURNS TABLE (party_id uuid, metric text, value bigint)
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        BEGIN
          IF jc_role() IS DISTINCT FROM 'committee' THEN
            RAISE EXCEPTION 'Committee figures are for the Committee' USING ERRCODE = '42501';
          END IF;
          {DUE}
          {ENSURE}
          RETURN QUERY
            SELECT (x ->> 'party')::uuid, x ->> 'metric', (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.figures) x
            WHERE e.period_start = from_date AND e.period_end = to_date;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION committee_period_sanctions(from_date date, to_date date, k integer,
                                                   start_month integer)
        RETURNS TABLE (party_id uuid, severity integer, sanction text, value bigint)
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          band_starts integer[] := ARRAY[0];
        BEGIN
          IF jc_role() IS DISTINCT FROM 'committee' THEN
            RAISE EXCEPTION 'Committee figures are for the Committee' USING ERRCODE = '42501';
          END IF;
          {DUE}
          IF NOT EXISTS (SELECT 1 FROM committee_editions e
                         WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            RAISE EXCEPTION 'ask for the period''s figures first' USING ERRCODE = '55000';
          END IF;
          RETURN QUERY
            SELECT (x ->> 'party')::uuid, (x ->> 'severity')::integer, x ->> 'sanction',
                   (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.sanctions) x
            WHERE e.period_start = from_date AND e.period_end = to_date;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION public_timeliness(party uuid, from_date date, to_date date, today date,
                                          k integer, start_month integer, band_starts integer[])
        RETURNS TABLE (metric text, value bigint)
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM parties p WHERE p.id = party AND p.publishes_timeliness)
          THEN
            RAISE EXCEPTION 'this party does not publish its timeliness figures'
              USING ERRCODE = '42501';
          END IF;
          {DUE}
          IF current_setting('transaction_read_only') = 'on' THEN
            NULL;  -- a read replica: the primary's job computes the edition on its date
          ELSE
            {ENSURE}
          END IF;
          RETURN QUERY
            SELECT x ->> 'metric', (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.figures) x
            WHERE e.period_start = from_date AND e.period_end = to_date
              AND x ->> 'party' = party::text;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION publish_committee_edition(from_date date, to_date date, k integer,
                                                  start_month integer, band_starts integer[])
        RETURNS boolean
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        BEGIN
          {DUE}
          IF EXISTS (SELECT 1 FROM committee_editions e
                     WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            RETURN false;
          END IF;
          {ENSURE}
          RETURN true;
        END $$
        """
    )
    for name, types in (
        ("publish_committee_edition", "(date, date, integer, integer, integer[])"),
        ("committee_period_figures", FIGURES),
        ("committee_period_sanctions", SANCTIONS),
        ("public_timeliness", TIMELINESS),
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {name}{types} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {name}{types} TO {APP}")


def downgrade() -> None:
    raise NotImplementedError("0028 changes what is published; restore from a backup instead")
