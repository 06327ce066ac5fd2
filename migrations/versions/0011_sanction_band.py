"""Published sanction band: a sanction may be published as its band to reach k.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

from migrations.sql import execute_each

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        """
        ALTER TABLE published_outcomes ADD COLUMN sanction_band text;
        ALTER TABLE published_classes ADD COLUMN sanction_band text;
        """
    )


def downgrade() -> None:
    execute_each(
        """
        ALTER TABLE published_outcomes DROP COLUMN sanction_band;
        ALTER TABLE published_classes DROP COLUMN sanction_band;
        """
    )
