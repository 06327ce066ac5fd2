"""Code adoption history per party; case fields the code's vocabularies and guidance fill.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from migrations.sql import APP, execute_each

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE party_code_adoptions (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          party_id uuid NOT NULL REFERENCES parties(id),
          code_version text NOT NULL REFERENCES code_versions(id),
          adopted_on date NOT NULL,
          recorded_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (party_id, adopted_on)
        );
        INSERT INTO party_code_adoptions (party_id, code_version, adopted_on)
          SELECT id, code_version, created_at::date FROM parties;
        ALTER TABLE parties ADD COLUMN code_adopted_on date;
        UPDATE parties SET code_adopted_on = created_at::date;
        ALTER TABLE parties ALTER COLUMN code_adopted_on SET NOT NULL;

        ALTER TABLE cases
          ADD COLUMN target_role text,
          ADD COLUMN characteristics text[] NOT NULL DEFAULT '{{}}',
          ADD COLUMN forms_of_hate text[] NOT NULL DEFAULT '{{}}',
          ADD COLUMN factors text[] NOT NULL DEFAULT '{{}}',
          ADD COLUMN referrals text[] NOT NULL DEFAULT '{{}}',
          ADD COLUMN departure_reason text,
          ADD COLUMN severity_level integer,
          ADD COLUMN recommended_lowest text,
          ADD COLUMN recommended_highest text;

        GRANT SELECT, INSERT ON party_code_adoptions TO {APP};
        GRANT INSERT ON code_versions TO {APP};
        GRANT UPDATE (code_version, code_adopted_on) ON parties TO {APP};
        GRANT UPDATE (factors, referrals, departure_reason, severity_level, recommended_lowest,
                      recommended_highest) ON cases TO {APP};
        """
    )


def downgrade() -> None:
    execute_each(
        """
        ALTER TABLE cases
          DROP COLUMN target_role, DROP COLUMN characteristics, DROP COLUMN forms_of_hate,
          DROP COLUMN factors, DROP COLUMN referrals, DROP COLUMN departure_reason,
          DROP COLUMN severity_level, DROP COLUMN recommended_lowest,
          DROP COLUMN recommended_highest;
        ALTER TABLE parties DROP COLUMN code_adopted_on;
        DROP TABLE party_code_adoptions;
        """
    )
