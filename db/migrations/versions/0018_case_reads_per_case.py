"""The access log holds one row per case read, indexed by case.

With one row per request (0016), finding a case's newest reads and counting them meant
scanning every request that read it and unnesting each request's list of ids: the cost of
showing ``Case.reads`` grew with every read. One row per (read, case), indexed by case
and id, makes the newest reads an index range scan and the count an index-only scan.
The rows of 0016 are split in place (who, when and which case are kept).

Counting a case's reads must not grow with them either: ``fold_case_reads()`` (run by
the service every half minute) adds the reads at least two minutes old to
``case_read_counts`` and moves a watermark past them, so a count is the folded total
plus an index range scan over the few minutes of reads since. Nothing is deleted or
updated in the log, and a party's readers never update a shared row (no lock between
reads). A read row older than two minutes is committed: the service's transactions are
short, and the application role's connections end a transaction left idle for 30 s.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

from alembic import op

from db.migrations.sql import APP, execute_each

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        """
        ALTER TABLE case_reads ADD COLUMN case_id uuid;
        INSERT INTO case_reads (party_id, at, actor, actor_role, case_ids, case_id)
          SELECT r.party_id, r.at, r.actor, r.actor_role, ARRAY[c], c
          FROM case_reads r, unnest(r.case_ids) AS c WHERE r.case_id IS NULL ORDER BY r.id;
        DELETE FROM case_reads WHERE case_id IS NULL;
        DROP INDEX ix_case_reads_cases;
        ALTER TABLE case_reads DROP COLUMN case_ids;
        ALTER TABLE case_reads ALTER COLUMN case_id SET NOT NULL;
        CREATE INDEX ix_case_reads_case ON case_reads (case_id, id);
        """
    )
    execute_each(
        f"""
        CREATE TABLE case_read_counts (
          case_id uuid PRIMARY KEY,
          party_id uuid NOT NULL REFERENCES parties(id),
          n bigint NOT NULL
        );
        ALTER TABLE case_read_counts ENABLE ROW LEVEL SECURITY;
        ALTER TABLE case_read_counts FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON case_read_counts TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY own_party ON case_read_counts FOR SELECT TO {APP}
          USING (party_id = (SELECT jc_party()));
        REVOKE ALL ON case_read_counts FROM PUBLIC, {APP};
        GRANT SELECT ON case_read_counts TO {APP};
        CREATE TABLE case_read_fold (upto bigint NOT NULL);
        INSERT INTO case_read_fold VALUES (0);
        REVOKE ALL ON case_read_fold FROM PUBLIC, {APP};
        GRANT SELECT ON case_read_fold TO {APP};
        """
    )
    op.execute(
        """
        CREATE FUNCTION fold_case_reads(settled interval DEFAULT interval '2 minutes')
        RETURNS bigint
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE
          v_from bigint;
          v_to bigint;
          touched bigint;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtext('fold_case_reads'));
          SELECT upto INTO v_from FROM case_read_fold;
          SELECT max(id) INTO v_to FROM case_reads
            WHERE id > v_from AND at < now() - greatest(settled, interval '0');
          IF v_to IS NULL THEN
            RETURN 0;
          END IF;
          INSERT INTO case_read_counts AS t (case_id, party_id, n)
            SELECT case_id, party_id, count(*) FROM case_reads
            WHERE id > v_from AND id <= v_to GROUP BY case_id, party_id
            ON CONFLICT (case_id) DO UPDATE SET n = t.n + excluded.n;
          GET DIAGNOSTICS touched = ROW_COUNT;
          UPDATE case_read_fold SET upto = v_to;
          RETURN touched;
        END $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION fold_case_reads(interval) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION fold_case_reads(interval) TO {APP}")


def downgrade() -> None:
    execute_each(
        """
        DROP FUNCTION fold_case_reads(interval);
        DROP TABLE case_read_counts, case_read_fold;
        DROP INDEX ix_case_reads_case;
        ALTER TABLE case_reads ADD COLUMN case_ids uuid[];
        UPDATE case_reads SET case_ids = ARRAY[case_id];
        ALTER TABLE case_reads ALTER COLUMN case_ids SET NOT NULL;
        ALTER TABLE case_reads DROP COLUMN case_id;
        CREATE INDEX ix_case_reads_cases ON case_reads USING gin (case_ids);
        """
    )
