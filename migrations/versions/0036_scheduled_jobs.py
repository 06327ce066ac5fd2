"""One schedule for the deployment: each periodic job is claimed in the database.

``scheduled_jobs`` holds each job's next due time and a lease. A scheduler claims a due
job with one UPDATE, taking its lease and moving its next due time on. So any number of
schedulers (replicas, or every worker of a `serve`) run each job once per period, and
never two at a time. A scheduler that dies mid-job leaves a lease that runs out. The
table holds job names and times only.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07
"""

from migrations.sql import APP, execute_each

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE scheduled_jobs (
          job text PRIMARY KEY CHECK (job ~ '^[a-z_]{{1,40}}$'),
          next_run_at timestamptz NOT NULL DEFAULT now(),
          running_until timestamptz,
          last_started_at timestamptz,
          last_finished_at timestamptz,
          last_ok boolean
        );
        ALTER TABLE scheduled_jobs ENABLE ROW LEVEL SECURITY;
        ALTER TABLE scheduled_jobs FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON scheduled_jobs TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY service_all ON scheduled_jobs TO {APP} USING (true) WITH CHECK (true);
        REVOKE ALL ON scheduled_jobs FROM PUBLIC, {APP};
        GRANT SELECT, INSERT, UPDATE ON scheduled_jobs TO {APP};
        """
    )


def downgrade() -> None:
    execute_each("DROP TABLE scheduled_jobs;")
