"""A reporter who asks is emailed when their report's status changes.

- ``reports.notify_sealed``: the reporter's email address, encrypted under a key derived
  from the service's key. It is kept only while emails may still be sent: it is erased
  after the last status a report can reach (final, declined, closed), on withdrawal,
  and by retention with the rest. ``notified_status`` is the last status emailed.
- ``reporter_notifications_due`` gives the notifier what it needs to tell the status,
  as ``report_status`` does for a receipt. ``reporter_notified`` records what was sent.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        """
        ALTER TABLE reports ADD COLUMN notify_sealed bytea;
        ALTER TABLE reports ADD COLUMN notified_status text;
        CREATE INDEX ix_reports_notify ON reports (received_at) WHERE notify_sealed IS NOT NULL;
        DROP FUNCTION withdraw_report(text, bytea);
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
          UPDATE reports SET status = 'withdrawn', sealed = NULL, notify_sealed = NULL,
                             closed_at = now(), erased_at = now()
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
    op.execute(
        f"""
        CREATE FUNCTION reporter_notifications_due(max_count integer)
        RETURNS TABLE (id uuid, code text, notify_sealed bytea, notified_status text,
                       status text, received_on date, received_at timestamptz,
                       decline_reason text, case_state text, sanction text, decided_on date,
                       appeal_window_ends date, appeal_outcome text, appeal_sanction text,
                       appeal_decided_on date, party_id uuid, has_contents boolean)
        LANGUAGE sql STABLE {DEFINER} AS $$
          SELECT r.id, r.code, r.notify_sealed, r.notified_status, r.status, r.received_on,
                 r.received_at, r.decline_reason, c.state, c.sanction, c.decided_on,
                 c.appeal_window_ends, c.appeal_outcome, c.appeal_sanction,
                 c.appeal_decided_on, r.party_id, r.sealed IS NOT NULL
          FROM reports r LEFT JOIN cases c ON c.id = r.case_id
          WHERE r.notify_sealed IS NOT NULL
          ORDER BY r.received_at LIMIT least(greatest(max_count, 1), 1000)
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION reporter_notified(report uuid, sent_status text, last boolean)
        RETURNS void LANGUAGE sql VOLATILE {DEFINER} AS $$
          UPDATE reports SET notified_status = sent_status,
                             notify_sealed = CASE WHEN last THEN NULL ELSE notify_sealed END
          WHERE id = report AND notify_sealed IS NOT NULL
        $$
        """
    )
    for signature in (
        "withdraw_report(text, bytea)",
        "reporter_notifications_due(integer)",
        "reporter_notified(uuid, text, boolean)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP}")


def downgrade() -> None:
    raise NotImplementedError("0034 changes what reporters hold; restore from a backup instead")
