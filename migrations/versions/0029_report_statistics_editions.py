"""The counts of reports are editions of closed quarters too, each period's cells frozen.

They were recomputed every day over every report. Issue 22 added one report and forced
the day's recomputation: the cells that changed, and those that did not, narrowed down
what that day's reports were. A report also changes after it is counted, when it is
accepted, declined or withdrawn, so recomputing a closed period would show that too.
Now, on the calendar of 0027:

- Each quarter's edition adds that quarter's cells, counting the reports received in
  it as they stand on the edition's date. The fourth quarter's edition adds the year's
  cells. Cells once published are never recomputed, so nothing about a report shows
  after its period's edition.
- "All time" is the sum of the published year cells: it tells nothing the years do not.
- ``publish_report_statistics_edition`` publishes an edition only when it is due, and
  only once. ``k`` is at least the code's. The daily recomputation is gone.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

ENDS = """
          ends := (make_date(substr(wanted, 1, 4)::integer, substr(wanted, 7, 1)::integer * 3, 1)
                   + interval '1 month - 1 day')::date;
"""


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE report_statistics_editions (
          edition text PRIMARY KEY CHECK (edition ~ '^[0-9]{{4}}-Q[1-4]$'),
          period_end date NOT NULL,
          computed_at timestamptz NOT NULL DEFAULT now()
        );
        ALTER TABLE report_statistics_editions ENABLE ROW LEVEL SECURITY;
        ALTER TABLE report_statistics_editions FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON report_statistics_editions TO CURRENT_USER USING (true)
          WITH CHECK (true);
        CREATE POLICY public_read ON report_statistics_editions FOR SELECT TO {APP}
          USING (true);
        REVOKE ALL ON report_statistics_editions FROM PUBLIC, {APP};
        GRANT SELECT ON report_statistics_editions TO {APP};
        DELETE FROM report_statistics;
        DROP FUNCTION refresh_report_statistics(jsonb, jsonb, jsonb, jsonb, jsonb, integer, date);
        DROP FUNCTION refresh_report_statistics_unchecked(jsonb, jsonb, jsonb, jsonb, jsonb,
                                                          integer, date);
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION report_statistics_edition_unchecked(
          wanted text, tables jsonb, families jsonb, groups jsonb, characteristics jsonb,
          elections jsonb, k integer) RETURNS boolean
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          t record;
          ends date;
          starts date;
          year_starts date;
          dims text;
          keys text;
          source text;
          window_start date;
        BEGIN
          IF wanted !~ '^[0-9]{{4}}-Q[1-4]$' THEN
            RAISE EXCEPTION 'an edition is a quarter such as 2026-Q3' USING ERRCODE = '22023';
          END IF;
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          {ENDS}
          starts := (date_trunc('quarter', ends))::date;
          year_starts := make_date(extract(year FROM ends)::integer, 1, 1);
          IF EXISTS (SELECT 1 FROM report_statistics_editions e WHERE e.period_end >= ends) THEN
            RETURN false;  -- published already, or a later one is: cells are never redone
          END IF;
          DROP TABLE IF EXISTS pg_temp.jc_report_base, pg_temp.jc_report_family,
            pg_temp.jc_report_characteristic;
          CREATE TEMP TABLE jc_report_base ON COMMIT DROP AS
            SELECT r.record_key,
                   extract(year FROM r.received_on)::int AS year,
                   to_char(r.received_on, 'YYYY') || '-Q' || extract(quarter FROM r.received_on)
                     AS quarter,
                   r.received_on,
                   coalesce(groups ->> r.channel, 'other') AS channel_group,
                   r.reporter_kind,
                   coalesce((SELECT e ->> 'kind' FROM jsonb_array_elements(elections) e
                             WHERE r.occurred_from BETWEEN (e ->> 'start')::date
                                                       AND (e ->> 'end')::date
                             ORDER BY e ->> 'kind' LIMIT 1), 'none') AS election_period,
                   CASE r.status WHEN 'received' THEN 'open'
                                 WHEN 'declined' THEN 'declined_' || r.decline_reason
                                 ELSE r.status END AS outcome,
                   r.provisions, r.forms_of_hate
            FROM reports r
            WHERE r.duplicate_of IS NULL AND r.received_on BETWEEN year_starts AND ends;
          CREATE TEMP TABLE jc_report_family ON COMMIT DROP AS
            SELECT b.*, f.family FROM jc_report_base b,
              LATERAL (SELECT DISTINCT families ->> p AS family FROM unnest(b.provisions) p
                       WHERE families ? p) f;
          CREATE TEMP TABLE jc_report_characteristic ON COMMIT DROP AS
            SELECT b.*, c.characteristic FROM jc_report_base b,
              LATERAL (SELECT DISTINCT characteristics ->> f AS characteristic
                       FROM unnest(b.forms_of_hate) f WHERE characteristics ? f) c;
          FOR t IN SELECT * FROM jsonb_to_recordset(tables) AS x(id text, dimensions text[])
          LOOP
            IF 'quarter' = ANY(t.dimensions) THEN
              window_start := starts;  -- the new quarter's cells
            ELSIF 'year' = ANY(t.dimensions) AND extract(month FROM ends) = 12 THEN
              window_start := year_starts;  -- the year's cells, once it has ended
            ELSE
              CONTINUE;  -- a year still under way, or all time (derived below)
            END IF;
            source := CASE WHEN 'family' = ANY(t.dimensions) THEN 'jc_report_family'
                           WHEN 'characteristic' = ANY(t.dimensions)
                             THEN 'jc_report_characteristic'
                           ELSE 'jc_report_base' END;
            SELECT coalesce(string_agg(format('%L, %I', d, d), ', '), ''),
                   coalesce(string_agg(format('%I', d), ', '), '')
              INTO dims, keys FROM unnest(t.dimensions) d;
            EXECUTE format(
              'INSERT INTO report_statistics (table_id, cell, count, computed_on) '
              'SELECT %L, jsonb_build_object(%s), ckm_perturb(count(*), sum(record_key), %s), '
              'current_date FROM pg_temp.%I WHERE received_on BETWEEN %L AND %L %s '
              'HAVING ckm_perturb(count(*), sum(record_key), %s) > 0',
              t.id, dims, k, source, window_start, ends,
              CASE WHEN keys = '' THEN '' ELSE 'GROUP BY ' || keys END, k);
          END LOOP;
          -- all time: the sums of the published year cells, nothing they do not tell
          FOR t IN SELECT * FROM jsonb_to_recordset(tables) AS x(id text, dimensions text[])
                   WHERE NOT ('year' = ANY(x.dimensions) OR 'quarter' = ANY(x.dimensions))
          LOOP
            DELETE FROM report_statistics s WHERE s.table_id = t.id;
            INSERT INTO report_statistics (table_id, cell, count, computed_on)
            SELECT t.id, y.cell - 'year', sum(y.count), current_date
            FROM report_statistics y
            WHERE y.table_id = CASE WHEN t.id = 'total' THEN 'year' ELSE 'year+' || t.id END
            GROUP BY y.cell - 'year';
          END LOOP;
          INSERT INTO report_statistics_editions (edition, period_end) VALUES (wanted, ends);
          RETURN true;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION publish_report_statistics_edition(
          wanted text, tables jsonb, families jsonb, groups jsonb, characteristics jsonb,
          elections jsonb, k integer) RETURNS boolean
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          ends date;
        BEGIN
          IF wanted !~ '^[0-9]{{4}}-Q[1-4]$' THEN
            RAISE EXCEPTION 'an edition is a quarter such as 2026-Q3' USING ERRCODE = '22023';
          END IF;
          {ENDS}
          IF ends + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'edition % is not due before %', wanted,
              ends + (SELECT max(r.settling_days) FROM code_rules r) USING ERRCODE = '42501';
          END IF;
          PERFORM pg_advisory_xact_lock(hashtextextended('report_statistics_editions', 0));
          RETURN report_statistics_edition_unchecked(wanted, tables, families, groups,
                                                     characteristics, elections, k);
        END $$
        """
    )
    signature = "(text, jsonb, jsonb, jsonb, jsonb, jsonb, integer)"
    execute_each(
        f"""
        REVOKE ALL ON FUNCTION report_statistics_edition_unchecked{signature} FROM PUBLIC;
        REVOKE ALL ON FUNCTION publish_report_statistics_edition{signature} FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION publish_report_statistics_edition{signature} TO {APP};
        """
    )


def downgrade() -> None:
    raise NotImplementedError("0029 changes what is published; restore from a backup instead")
