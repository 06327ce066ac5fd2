"""Evidence a reporter attaches (screenshots, PDFs), sealed to the party like the text.

- ``report_evidence`` holds each file, cleaned by the service (images re-encoded without
  their metadata, PDFs rewritten without theirs: ``cases.evidence``) and sealed to the
  party's key. The party's officers read their own. Nobody else reads any.
- ``attach_evidence`` is the one way in: by the report's receipt (the reporter, when
  filing or later), to an open report, at most ``max_files`` per report.
- ``move_evidence`` re-seals a transferred report's files to the party now holding it.
- When a report's sealed text is erased (withdrawal, retention), a trigger deletes its
  evidence in the same statement: nothing outlives what it was attached to.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

CLOSED = "('final', 'closed_out_of_scope', 'withdrawn', 'respondent_left')"


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE report_evidence (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          report_id uuid NOT NULL REFERENCES reports(id),
          party_id uuid NOT NULL REFERENCES parties(id),
          added_at timestamptz NOT NULL DEFAULT clock_timestamp(),  -- orders one upload's files
          media_type text NOT NULL
            CHECK (media_type IN ('image/png', 'image/jpeg', 'image/webp', 'application/pdf')),
          size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
          sealed bytea NOT NULL
        );
        CREATE INDEX ix_report_evidence_report ON report_evidence (report_id, added_at);
        ALTER TABLE report_evidence ENABLE ROW LEVEL SECURITY;
        ALTER TABLE report_evidence FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON report_evidence TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY own_party ON report_evidence FOR SELECT TO {APP}
          USING (party_id = (SELECT jc_party()));
        REVOKE ALL ON report_evidence FROM PUBLIC, {APP};
        GRANT SELECT ON report_evidence TO {APP};
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION attach_evidence(receipt text, hash bytea, kind text, size integer,
                                        sealed_file bytea, max_files integer) RETURNS uuid
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          r reports%ROWTYPE;
          made uuid;
        BEGIN
          SELECT * INTO r FROM reports WHERE code = receipt AND secret_hash = hash
            AND sealed IS NOT NULL FOR UPDATE;
          IF NOT FOUND OR NOT (r.status = 'received' OR (r.status = 'accepted' AND NOT EXISTS (
               SELECT 1 FROM cases c WHERE c.id = r.case_id AND c.state IN {CLOSED}))) THEN
            RETURN NULL;
          END IF;
          IF (SELECT count(*) FROM report_evidence e WHERE e.report_id = r.id)
             >= least(max_files, 20) THEN
            RAISE EXCEPTION 'at most % files per report', least(max_files, 20)
              USING ERRCODE = '54000';
          END IF;
          INSERT INTO report_evidence (report_id, party_id, media_type, size_bytes, sealed)
          VALUES (r.id, r.party_id, kind, size, sealed_file) RETURNING id INTO made;
          UPDATE reports SET updated_at = now() WHERE id = r.id;
          RETURN made;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION move_evidence(evidence uuid, resealed bytea) RETURNS boolean
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'transfers are for a party''s officers' USING ERRCODE = '42501';
          END IF;
          -- the report has just moved to another party: its files follow, sealed to it
          UPDATE report_evidence e SET party_id = r.party_id, sealed = resealed
            FROM reports r
            WHERE e.id = evidence AND r.id = e.report_id AND e.party_id = jc_party()
              AND r.party_id <> e.party_id;
          RETURN FOUND;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION report_evidence_erased() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        BEGIN
          DELETE FROM report_evidence WHERE report_id = NEW.id;
          RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER report_evidence_erased AFTER UPDATE OF sealed ON reports FOR EACH ROW "
        "WHEN (OLD.sealed IS NOT NULL AND NEW.sealed IS NULL) "
        "EXECUTE FUNCTION report_evidence_erased()"
    )
    for signature in (
        "attach_evidence(text, bytea, text, integer, bytea, integer)",
        "move_evidence(uuid, bytea)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP}")
    op.execute("REVOKE ALL ON FUNCTION report_evidence_erased() FROM PUBLIC")


def downgrade() -> None:
    raise NotImplementedError("0035 holds reporters' evidence; restore from a backup instead")
