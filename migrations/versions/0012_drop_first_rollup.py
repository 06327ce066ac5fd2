"""Drop the first committee rollup: the committee rollups of 0010 replace it.

Its triggers ran on every insert and update of cases for figures nothing reads any more.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP TRIGGER cases_counted_on_insert ON cases")
    op.execute("DROP TRIGGER cases_counted_on_update ON cases")
    op.execute("DROP FUNCTION count_cases_inserted()")
    op.execute("DROP FUNCTION count_cases_updated()")
    op.execute("DROP TABLE party_case_counts")


def downgrade() -> None:
    raise NotImplementedError("recreate from 0001 and 0009 if ever needed; nothing reads it")
