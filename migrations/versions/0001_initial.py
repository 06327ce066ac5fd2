"""Initial schema: parties, tokens, cases, releases, published outcomes, rollups, RLS.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from alembic import op

from migrations.sql import APP, PARTY
from migrations.sql import execute_each as _execute

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP}') THEN
            CREATE ROLE {APP} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF;
        END $$
        """
    )
    _execute(
        """
        CREATE TABLE code_versions (
          id text PRIMARY KEY,
          content_hash text NOT NULL,
          title text NOT NULL,
          in_force_from date NOT NULL,
          recorded_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE parties (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
          name text NOT NULL,
          short_name text NOT NULL,
          is_demo boolean NOT NULL DEFAULT false,
          code_version text NOT NULL REFERENCES code_versions(id),
          created_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE tokens (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          token_hash bytea NOT NULL UNIQUE,
          display_prefix text NOT NULL,
          label text NOT NULL DEFAULT '',
          role text NOT NULL CHECK (role IN ('officer', 'committee', 'admin')),
          party_id uuid REFERENCES parties(id),
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz,
          last_used_at timestamptz,
          revoked_at timestamptz,
          CONSTRAINT officer_has_party CHECK ((role = 'officer') = (party_id IS NOT NULL))
        );

        CREATE TABLE releases (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          party_id uuid NOT NULL REFERENCES parties(id),
          number integer NOT NULL CHECK (number > 0),
          published_at timestamptz NOT NULL DEFAULT now(),
          code_version text NOT NULL REFERENCES code_versions(id),
          k integer NOT NULL CHECK (k >= 2),
          record_count integer NOT NULL,
          held_back_count integer NOT NULL,
          content_hash text NOT NULL,
          previous_hash text,
          UNIQUE (party_id, number)
        );

        CREATE TABLE cases (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          party_id uuid NOT NULL REFERENCES parties(id),
          reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
          code_version text NOT NULL REFERENCES code_versions(id),
          received_on date NOT NULL,
          provisions text[] NOT NULL CHECK (cardinality(provisions) > 0),
          channel text NOT NULL,
          respondent_role text NOT NULL,
          summary text,
          state text NOT NULL DEFAULT 'received',
          findings jsonb,
          sanction text,
          suspension_months integer,
          decided_on date,
          release_id uuid REFERENCES releases(id),
          version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (party_id, reference)
        );
        CREATE INDEX ix_cases_party_received ON cases (party_id, received_on DESC, id DESC);
        CREATE INDEX ix_cases_party_publishable ON cases (party_id)
          WHERE state = 'decided' AND release_id IS NULL;

        CREATE TABLE published_outcomes (
          id bigserial PRIMARY KEY,
          release_id uuid NOT NULL REFERENCES releases(id),
          party_id uuid NOT NULL REFERENCES parties(id),
          year integer NOT NULL,
          provisions text[] NOT NULL,
          sanction text NOT NULL
        );
        CREATE INDEX ix_published_outcomes_release ON published_outcomes (release_id);

        -- Aggregate counts for the Committee, maintained by triggers that run as the
        -- owner: the application role can read them but not write them, and never
        -- needs to read another party's cases to produce them.
        CREATE TABLE party_case_counts (
          party_id uuid PRIMARY KEY REFERENCES parties(id),
          received integer NOT NULL DEFAULT 0,
          decided integer NOT NULL DEFAULT 0,
          published integer NOT NULL DEFAULT 0
        );
        """
    )
    op.execute(
        """
        CREATE FUNCTION count_cases_inserted() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          INSERT INTO party_case_counts AS c (party_id, received)
          SELECT party_id, count(*) FROM new_rows GROUP BY party_id
          ON CONFLICT (party_id) DO UPDATE SET received = c.received + EXCLUDED.received;
          RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION count_cases_updated() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          INSERT INTO party_case_counts AS c (party_id, decided, published)
          SELECT n.party_id,
                 count(*) FILTER (WHERE n.decided_on IS NOT NULL AND o.decided_on IS NULL),
                 count(*) FILTER (WHERE n.release_id IS NOT NULL AND o.release_id IS NULL)
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          GROUP BY n.party_id
          ON CONFLICT (party_id) DO UPDATE
            SET decided = c.decided + EXCLUDED.decided,
                published = c.published + EXCLUDED.published;
          RETURN NULL;
        END $$
        """
    )
    _execute(
        """
        CREATE TRIGGER cases_counted_on_insert AFTER INSERT ON cases
          REFERENCING NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION count_cases_inserted();
        CREATE TRIGGER cases_counted_on_update AFTER UPDATE ON cases
          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION count_cases_updated();
        """
    )
    # Row-level security. Cases are private to their party. Releases and published
    # outcomes are public by design (coded, k-anonymous), but only a party may add its own.
    _execute(
        f"""
        ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
        ALTER TABLE cases FORCE ROW LEVEL SECURITY;
        CREATE POLICY party_isolation ON cases
          USING (party_id = {PARTY}) WITH CHECK (party_id = {PARTY});

        ALTER TABLE releases ENABLE ROW LEVEL SECURITY;
        ALTER TABLE releases FORCE ROW LEVEL SECURITY;
        CREATE POLICY public_read ON releases FOR SELECT USING (true);
        CREATE POLICY own_party_insert ON releases FOR INSERT WITH CHECK (party_id = {PARTY});

        ALTER TABLE published_outcomes ENABLE ROW LEVEL SECURITY;
        ALTER TABLE published_outcomes FORCE ROW LEVEL SECURITY;
        CREATE POLICY public_read ON published_outcomes FOR SELECT USING (true);
        CREATE POLICY own_party_insert ON published_outcomes FOR INSERT
          WITH CHECK (party_id = {PARTY});
        """
    )
    _execute(
        f"""
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP};
        GRANT USAGE ON SCHEMA public TO {APP};
        GRANT SELECT ON code_versions, party_case_counts TO {APP};
        GRANT SELECT, INSERT ON parties TO {APP};
        GRANT SELECT, INSERT ON tokens TO {APP};
        GRANT UPDATE (last_used_at, revoked_at) ON tokens TO {APP};
        GRANT SELECT, INSERT ON cases TO {APP};
        GRANT UPDATE (state, findings, sanction, suspension_months, decided_on, release_id,
                      version, updated_at) ON cases TO {APP};
        GRANT SELECT, INSERT ON releases, published_outcomes TO {APP};
        GRANT USAGE ON SEQUENCE published_outcomes_id_seq TO {APP};
        """
    )


def downgrade() -> None:
    _execute(
        """
        DROP TABLE published_outcomes, cases, releases, tokens, party_case_counts, parties,
          code_versions CASCADE;
        DROP FUNCTION IF EXISTS count_cases_inserted(), count_cases_updated();
        """
    )
