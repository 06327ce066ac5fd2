"""Generalised release records, release plans and previews.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from migrations.sql import APP, PARTY, execute_each

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE published_outcomes
          ALTER COLUMN year DROP NOT NULL,
          ALTER COLUMN provisions DROP NOT NULL,
          ALTER COLUMN sanction DROP NOT NULL,
          ADD COLUMN period text,
          ADD COLUMN quarter text,
          ADD COLUMN families text[],
          ADD COLUMN forms_of_hate text[],
          ADD COLUMN characteristics text[],
          ADD COLUMN channel text,
          ADD COLUMN channel_group text,
          ADD COLUMN respondent_role text,
          ADD COLUMN respondent_role_group text,
          ADD COLUMN severity integer;
        UPDATE published_outcomes SET period = year::text;

        ALTER TABLE releases
          ADD COLUMN levels jsonb NOT NULL DEFAULT '{{}}',
          ADD COLUMN information_loss jsonb NOT NULL DEFAULT '{{}}';

        -- A computed, unpublished release: what publishRelease(previewId) will publish if
        -- the party's outcomes have not changed since. Private to the party.
        CREATE TABLE release_previews (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          party_id uuid NOT NULL REFERENCES parties(id),
          created_at timestamptz NOT NULL DEFAULT now(),
          code_version text NOT NULL REFERENCES code_versions(id),
          k integer NOT NULL,
          candidate_hash text NOT NULL,
          records_hash text NOT NULL,
          levels jsonb NOT NULL,
          record_count integer NOT NULL,
          held_back_count integer NOT NULL
        );
        ALTER TABLE release_previews ENABLE ROW LEVEL SECURITY;
        ALTER TABLE release_previews FORCE ROW LEVEL SECURITY;
        CREATE POLICY party_isolation ON release_previews
          USING (party_id = {PARTY}) WITH CHECK (party_id = {PARTY});
        GRANT SELECT, INSERT ON release_previews TO {APP};
        """
    )


def downgrade() -> None:
    execute_each(
        """
        DROP TABLE release_previews;
        ALTER TABLE releases DROP COLUMN levels, DROP COLUMN information_loss;
        ALTER TABLE published_outcomes DROP COLUMN period, DROP COLUMN quarter,
          DROP COLUMN families, DROP COLUMN forms_of_hate, DROP COLUMN characteristics,
          DROP COLUMN channel, DROP COLUMN channel_group, DROP COLUMN respondent_role,
          DROP COLUMN respondent_role_group, DROP COLUMN severity;
        """
    )
