"""An edition's computation day is readable, so open and overdue counts name their day.

Open and overdue counts in the Committee's figures (and a party's published timeliness)
are as the cases stood when the period's edition was computed: on its publication date
by the hourly job, or at the first question after it if the job did not run. The pages
printed the publication date instead. The application may now read when each edition
was computed (the period and ``computed_at``), never its figures, which stay behind the
Committee's and the public's functions.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

from migrations.sql import APP, execute_each

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        CREATE POLICY app_read_dates ON committee_editions FOR SELECT TO {APP} USING (true);
        GRANT SELECT (period_start, period_end, computed_at) ON committee_editions TO {APP};
        """
    )


def downgrade() -> None:
    execute_each(
        f"""
        REVOKE SELECT (period_start, period_end, computed_at) ON committee_editions FROM {APP};
        DROP POLICY app_read_dates ON committee_editions;
        """
    )
