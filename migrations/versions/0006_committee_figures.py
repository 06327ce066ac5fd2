"""Aggregate-only functions for the Committee: figures across parties, never a case row.

The application role cannot read another party's cases (row-level security). These
functions run as the owner and return only per-party counts, which the service then
suppresses (small counts, and secondary suppression) before anyone sees them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from alembic import op

from migrations.sql import APP

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION committee_case_figures(from_date date, to_date date, today date)
        RETURNS TABLE (
          party_id uuid, received bigint, closed_out_of_scope bigint, withdrawn bigint,
          respondent_left bigint, decided bigint, open bigint, appealed bigint,
          decided_on_time bigint, open_overdue bigint, published bigint,
          median_days double precision
        )
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT c.party_id,
                 count(*),
                 count(*) FILTER (WHERE c.state = 'closed_out_of_scope'),
                 count(*) FILTER (WHERE c.state = 'withdrawn'),
                 count(*) FILTER (WHERE c.state = 'respondent_left'),
                 count(*) FILTER (WHERE c.decided_on IS NOT NULL),
                 count(*) FILTER (WHERE c.state IN ('received', 'triaged', 'under_assessment')),
                 count(*) FILTER (WHERE c.appeal_lodged_on IS NOT NULL),
                 count(*) FILTER (WHERE c.decided_on <= c.decide_due),
                 count(*) FILTER (WHERE
                   (c.state IN ('received', 'triaged', 'under_assessment')
                      AND c.decide_due < today)
                   OR (c.state = 'received' AND c.triage_due < today)
                   OR (c.acknowledged_on IS NULL AND c.acknowledge_due < today
                       AND c.state IN ('received', 'triaged', 'under_assessment'))
                   OR (c.state = 'appealed' AND c.appeal_decide_due < today)),
                 count(*) FILTER (WHERE c.release_id IS NOT NULL),
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY c.decided_on - c.received_on)
          FROM cases c
          WHERE c.received_on BETWEEN from_date AND to_date
          GROUP BY GROUPING SETS ((c.party_id), ())  -- party_id NULL: all parties
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION committee_sanction_figures(from_date date, to_date date)
        RETURNS TABLE (party_id uuid, severity integer, sanction text, n bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT c.party_id, c.severity_level,
                 CASE WHEN c.appeal_outcome IN ('varied', 'overturned') THEN c.appeal_sanction
                      ELSE c.sanction END,
                 count(*)
          FROM cases c
          WHERE c.received_on BETWEEN from_date AND to_date
            AND c.decided_on IS NOT NULL AND c.severity_level IS NOT NULL
          GROUP BY 1, 2, 3
        $$
        """
    )
    for function in (
        "committee_case_figures(date, date, date)",
        "committee_sanction_figures(date, date)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {APP}")


def downgrade() -> None:
    op.execute("DROP FUNCTION committee_case_figures(date, date, date)")
    op.execute("DROP FUNCTION committee_sanction_figures(date, date)")
