"""Counts of reports from the public, protected like the outcome tables (cell key).

Each report gets a random record key fixed once; ``refresh_report_statistics`` (run daily
by the service) recomputes a declared set of tables over every report but duplicates
(all parties together), perturbs every cell with ``ckm_perturb`` and stores only cells
above 0: no stored count is between 1 and k-1, the same cell shows the same number, and
changes are published once a day, not report by report.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""

from alembic import op

from migrations.sql import APP, execute_each

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE reports ADD COLUMN record_key smallint NOT NULL
          DEFAULT floor(random() * 256)::smallint CHECK (record_key BETWEEN 0 AND 255);
        CREATE TABLE report_statistics (
          table_id text NOT NULL,
          cell jsonb NOT NULL,
          count integer NOT NULL CHECK (count > 0),
          computed_on date NOT NULL,
          PRIMARY KEY (table_id, cell)
        );
        ALTER TABLE report_statistics ENABLE ROW LEVEL SECURITY;
        ALTER TABLE report_statistics FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON report_statistics TO CURRENT_USER USING (true)
          WITH CHECK (true);
        CREATE POLICY public_read ON report_statistics FOR SELECT TO {APP} USING (true);
        REVOKE ALL ON report_statistics FROM PUBLIC, {APP};
        GRANT SELECT ON report_statistics TO {APP};
        CREATE TRIGGER report_statistics_bump_public_epoch AFTER INSERT OR UPDATE OR DELETE
          ON report_statistics FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
        """
    )
    op.execute(
        """
        CREATE FUNCTION refresh_report_statistics(tables jsonb, families jsonb, groups jsonb,
                                                  characteristics jsonb, elections jsonb,
                                                  k integer, today date)
        RETURNS void
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE
          t record;
          dims text;
          keys text;
          source text;
        BEGIN
          DELETE FROM report_statistics;
          CREATE TEMP TABLE jc_report_base ON COMMIT DROP AS
            SELECT r.record_key,
                   extract(year FROM r.received_on)::int AS year,
                   to_char(r.received_on, 'YYYY') || '-Q' || extract(quarter FROM r.received_on)
                     AS quarter,
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
            FROM reports r WHERE r.duplicate_of IS NULL;
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
            source := CASE WHEN 'family' = ANY(t.dimensions) THEN 'jc_report_family'
                           WHEN 'characteristic' = ANY(t.dimensions)
                             THEN 'jc_report_characteristic'
                           ELSE 'jc_report_base' END;
            SELECT coalesce(string_agg(format('%L, %I', d, d), ', '), ''),
                   coalesce(string_agg(format('%I', d), ', '), '')
              INTO dims, keys FROM unnest(t.dimensions) d;
            EXECUTE format(
              'INSERT INTO report_statistics (table_id, cell, count, computed_on) '
              'SELECT %L, jsonb_build_object(%s), ckm_perturb(count(*), sum(record_key), %s), %L '
              'FROM %I %s HAVING ckm_perturb(count(*), sum(record_key), %s) > 0',
              t.id, dims, k, today, source,
              CASE WHEN keys = '' THEN '' ELSE 'GROUP BY ' || keys END, k);
          END LOOP;
        END $$
        """
    )
    signature = "refresh_report_statistics(jsonb, jsonb, jsonb, jsonb, jsonb, integer, date)"
    op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP}")


def downgrade() -> None:
    execute_each(
        """
        DROP FUNCTION refresh_report_statistics(jsonb, jsonb, jsonb, jsonb, jsonb, integer, date);
        DROP TABLE report_statistics;
        ALTER TABLE reports DROP COLUMN record_key;
        """
    )
