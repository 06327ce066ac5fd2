"""The access log holds one row per case read, indexed by case.

With one row per request (0016), finding a case's newest reads and counting them meant
scanning every request that read it and unnesting each request's list of ids: the cost of
showing ``Case.reads`` grew with every read. One row per (read, case), indexed by case
and id, makes the newest reads an index range scan and the count an index-only scan.
The rows of 0016 are split in place (who, when and which case are kept).

Counting a case's reads must not grow with them either. Each row carries the id of the
transaction that wrote it; ``fold_case_reads()`` (run by the service every few seconds)
adds to ``case_read_counts`` every read written by a transaction older than the oldest
one still running (all of them finished, so none can still appear) and moves a watermark
there. A count is the folded total plus an index range scan over the reads since, which
is seconds of reads. Nothing is deleted or updated in the log, and a party's readers
never update a shared row (no lock between reads).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

from alembic import op

from migrations.sql import APP, execute_each

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
        ALTER TABLE case_reads ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
        -- led by the party, as row-level security adds party_id = the caller's party to
        -- every query: one index range serves both, whatever the party's log holds
        DROP INDEX ix_case_reads_party_at;
        CREATE INDEX ix_case_reads_case ON case_reads (party_id, case_id, id);
        CREATE INDEX ix_case_reads_case_xid ON case_reads (party_id, case_id, xid);
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
        CREATE TABLE case_read_fold (upto xid8 NOT NULL);
        INSERT INTO case_read_fold VALUES ('0'::xid8);
        REVOKE ALL ON case_read_fold FROM PUBLIC, {APP};
        GRANT SELECT ON case_read_fold TO {APP};
        """
    )
    op.execute(
        """
        CREATE FUNCTION fold_case_reads() RETURNS bigint
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE
          v_from xid8;
          v_to xid8;
          touched bigint;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtext('fold_case_reads'));
          SELECT upto INTO v_from FROM case_read_fold;
          -- every transaction before this one has ended: its reads are all visible now
          v_to := pg_snapshot_xmin(pg_current_snapshot());
          IF v_to <= v_from THEN
            RETURN 0;
          END IF;
          INSERT INTO case_read_counts AS t (case_id, party_id, n)
            SELECT case_id, party_id, count(*) FROM case_reads
            WHERE xid >= v_from AND xid < v_to GROUP BY case_id, party_id
            ON CONFLICT (case_id) DO UPDATE SET n = t.n + excluded.n;
          GET DIAGNOSTICS touched = ROW_COUNT;
          UPDATE case_read_fold SET upto = v_to;
          RETURN touched;
        END $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION fold_case_reads() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION fold_case_reads() TO {APP}")


def downgrade() -> None:
    execute_each(
        """
        DROP FUNCTION fold_case_reads();
        DROP TABLE case_read_counts, case_read_fold;
        DROP INDEX ix_case_reads_case_xid, ix_case_reads_case;
        CREATE INDEX ix_case_reads_party_at ON case_reads (party_id, at);
        ALTER TABLE case_reads DROP COLUMN xid;
        ALTER TABLE case_reads ADD COLUMN case_ids uuid[];
        UPDATE case_reads SET case_ids = ARRAY[case_id];
        ALTER TABLE case_reads ALTER COLUMN case_ids SET NOT NULL;
        ALTER TABLE case_reads DROP COLUMN case_id;
        CREATE INDEX ix_case_reads_cases ON case_reads USING gin (case_ids);
        """
    )
