"""Party registry details, party sanction names, token rotation, the audit trail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from migrations.sql import APP, PARTY, execute_each

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE parties
          ADD COLUMN ec_registration text,
          ADD COLUMN nations text[] NOT NULL DEFAULT '{{}}',
          ADD COLUMN membership integer CHECK (membership IS NULL OR membership > 0);

        CREATE TABLE party_sanctions (
          party_id uuid NOT NULL REFERENCES parties(id),
          name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
          sanction text NOT NULL,
          code_version text NOT NULL REFERENCES code_versions(id),
          PRIMARY KEY (party_id, name)
        );
        ALTER TABLE cases ADD COLUMN party_sanction text;
        ALTER TABLE tokens ADD COLUMN rotated_from uuid REFERENCES tokens(id);

        -- Append-only, hash-chained per party; party_id NULL is the service's own chain
        -- (registry and token administration). seq numbers each chain from 1.
        CREATE TABLE audit_entries (
          id bigserial PRIMARY KEY,
          party_id uuid REFERENCES parties(id),
          seq bigint NOT NULL CHECK (seq > 0),
          at timestamptz NOT NULL,
          actor text NOT NULL,
          actor_role text NOT NULL,
          action text NOT NULL,
          subject_type text,
          subject_ids uuid[] NOT NULL DEFAULT '{{}}',
          details jsonb NOT NULL DEFAULT '{{}}',
          previous_hash text,
          hash text NOT NULL
        );
        CREATE UNIQUE INDEX ux_audit_chain
          ON audit_entries (COALESCE(party_id, '00000000-0000-0000-0000-000000000000'), seq);
        CREATE INDEX ix_audit_subjects ON audit_entries USING gin (subject_ids);

        ALTER TABLE audit_entries ENABLE ROW LEVEL SECURITY;
        ALTER TABLE audit_entries FORCE ROW LEVEL SECURITY;
        CREATE POLICY own_chain_read ON audit_entries FOR SELECT
          USING (party_id IS NOT DISTINCT FROM {PARTY});
        CREATE POLICY own_chain_insert ON audit_entries FOR INSERT
          WITH CHECK (party_id IS NOT DISTINCT FROM {PARTY});

        ALTER TABLE party_sanctions ENABLE ROW LEVEL SECURITY;
        ALTER TABLE party_sanctions FORCE ROW LEVEL SECURITY;
        CREATE POLICY public_read ON party_sanctions FOR SELECT USING (true);
        CREATE POLICY registry_write ON party_sanctions FOR INSERT WITH CHECK ({PARTY} IS NULL);
        CREATE POLICY registry_delete ON party_sanctions FOR DELETE USING ({PARTY} IS NULL);

        GRANT SELECT, INSERT ON audit_entries TO {APP};
        GRANT USAGE ON SEQUENCE audit_entries_id_seq TO {APP};
        GRANT SELECT, INSERT, DELETE ON party_sanctions TO {APP};
        GRANT UPDATE (name, short_name, ec_registration, nations, membership) ON parties TO {APP};
        GRANT UPDATE (party_sanction) ON cases TO {APP};
        """
    )


def downgrade() -> None:
    execute_each(
        """
        DROP TABLE audit_entries;
        DROP TABLE party_sanctions;
        ALTER TABLE tokens DROP COLUMN rotated_from;
        ALTER TABLE cases DROP COLUMN party_sanction;
        ALTER TABLE parties DROP COLUMN ec_registration, DROP COLUMN nations,
          DROP COLUMN membership;
        """
    )
