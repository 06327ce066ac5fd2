"""The reporter's journey: a status that tells the truth, additions, and withdrawing duplicates.

- A person who reports may not know the role of the person reported, so
  ``respondent_role`` may be empty. The officer names it when accepting the report.
- ``report_status`` gives what the receipt page needs to tell the truth as the case
  moves: the decline reason, the case's decision date, its appeal window and its appeal.
  The service tells "final" from those dates, so no operator command is needed.
- ``add_to_report`` lets the reporter add information while the report is open. The
  service opens the reporter's copy, appends to it and seals it again to the party. The
  database swaps the sealed value only when it is still the one that was opened
  (compare-and-swap on its hash), so two additions at once never lose one.
- ``updated_at`` (set by a trigger on every change) tells the party's systems what
  changed since they last looked.
- ``reporter_key`` is a keyed hash of the reporter's contact, or of the browser's
  reporter cookie when no contact was given. ``withdraw_report`` also withdraws the
  linked duplicates that carry the same key and are still waiting, and erases them.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

OPEN_CASE = "('final', 'closed_out_of_scope', 'withdrawn', 'respondent_left')"


def upgrade() -> None:
    execute_each(
        """
        ALTER TABLE reports ALTER COLUMN respondent_role DROP NOT NULL;
        ALTER TABLE reports ADD COLUMN reporter_key bytea;
        ALTER TABLE reports ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
        CREATE INDEX ix_reports_party_updated ON reports (party_id, updated_at, id);
        DROP FUNCTION report_status(text, bytea);
        DROP FUNCTION withdraw_report(text, bytea);
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION report_status(receipt text, hash bytea)
        RETURNS TABLE (status text, received_on date, received_at timestamptz,
                       decline_reason text, case_state text, sanction text, decided_on date,
                       appeal_window_ends date, appeal_outcome text, appeal_sanction text,
                       appeal_decided_on date, party_id uuid, has_contents boolean)
        LANGUAGE sql STABLE {DEFINER} AS $$
          SELECT r.status, r.received_on, r.received_at, r.decline_reason, c.state,
                 c.sanction, c.decided_on, c.appeal_window_ends, c.appeal_outcome,
                 c.appeal_sanction, c.appeal_decided_on, r.party_id, r.sealed IS NOT NULL
          FROM reports r LEFT JOIN cases c ON c.id = r.case_id
          WHERE r.code = receipt AND r.secret_hash = hash
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION reports_touch() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
        BEGIN
          NEW.updated_at := now();
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER reports_touch BEFORE UPDATE ON reports "
        "FOR EACH ROW EXECUTE FUNCTION reports_touch()"
    )
    op.execute(
        f"""
        CREATE FUNCTION add_to_report(receipt text, hash bytea, opened_hash bytea,
                                      resealed bytea) RETURNS boolean
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        BEGIN
          UPDATE reports r SET sealed = resealed
            WHERE r.code = receipt AND r.secret_hash = hash AND r.sealed IS NOT NULL
              AND sha256(r.sealed) = opened_hash
              AND (r.status = 'received' OR (r.status = 'accepted' AND NOT EXISTS (
                     SELECT 1 FROM cases c WHERE c.id = r.case_id
                       AND c.state IN {OPEN_CASE})));
          RETURN FOUND;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION withdraw_report(receipt text, hash bytea) RETURNS integer
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          mine reports%ROWTYPE;
          n integer;
        BEGIN
          SELECT * INTO mine FROM reports
            WHERE code = receipt AND secret_hash = hash AND status = 'received' FOR UPDATE;
          IF NOT FOUND THEN
            RETURN 0;
          END IF;
          UPDATE reports SET status = 'withdrawn', sealed = NULL, closed_at = now(),
                             erased_at = now()
            WHERE status = 'received' AND party_id = mine.party_id
              AND (id = mine.id OR (mine.reporter_key IS NOT NULL
                   AND reporter_key = mine.reporter_key
                   AND (duplicate_of = mine.id OR id = mine.duplicate_of
                        OR duplicate_of = mine.duplicate_of)));
          GET DIAGNOSTICS n = ROW_COUNT;
          RETURN n;
        END $$
        """
    )
    for signature in (
        "report_status(text, bytea)",
        "withdraw_report(text, bytea)",
        "add_to_report(text, bytea, bytea, bytea)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP}")


def downgrade() -> None:
    raise NotImplementedError("0032 changes what reporters hold; restore from a backup instead")
