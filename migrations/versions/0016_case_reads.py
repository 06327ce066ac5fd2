"""Reads of cases in an access log of their own, outside the hash chain.

Every read of a party's cases used to append an entry to the party's hash-chained audit
trail under the chain's lock, so all of a party's reads ran one at a time and the chain
(and every case's history) grew with reads. Reads now go to ``case_reads``: one row per
request that read cases (who, when, which cases). It is insert-only for the application,
takes no lock, and is private to the party like its cases; the chain keeps changes only.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

from migrations.sql import APP, execute_each

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE case_reads (
          id bigserial PRIMARY KEY,
          party_id uuid NOT NULL REFERENCES parties(id),
          at timestamptz NOT NULL DEFAULT now(),
          actor text NOT NULL,
          actor_role text NOT NULL,
          case_ids uuid[] NOT NULL
        );
        CREATE INDEX ix_case_reads_party_at ON case_reads (party_id, at);
        CREATE INDEX ix_case_reads_cases ON case_reads USING gin (case_ids);
        ALTER TABLE case_reads ENABLE ROW LEVEL SECURITY;
        ALTER TABLE case_reads FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON case_reads TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY own_party ON case_reads TO {APP}
          USING (party_id = (SELECT jc_party())) WITH CHECK (party_id = (SELECT jc_party()));
        REVOKE ALL ON case_reads FROM PUBLIC, {APP};
        GRANT SELECT, INSERT ON case_reads TO {APP};
        GRANT USAGE ON SEQUENCE case_reads_id_seq TO {APP};
        """
    )


def downgrade() -> None:
    execute_each("DROP TABLE case_reads;")
