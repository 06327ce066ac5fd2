"""The full case workflow: triage, assessment, appeal, closure; deadlines; pseudonyms.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from migrations.sql import APP, PARTY, execute_each

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WORKFLOW_COLUMNS = (
    "acknowledged_on, triaged_on, assessment_started_on, assessed_on, out_of_scope_reason, "
    "closed_on, interim_measures, appeal_lodged_on, appellant, appeal_outcome, "
    "appeal_decided_on, appeal_sanction, appeal_suspension_months, appeal_decide_due, "
    "appeal_window_ends, finalised_on, complainant_count, respondent_pseudonym, "
    "assessment_findings"
)


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE cases
          ADD COLUMN acknowledged_on date,
          ADD COLUMN triaged_on date,
          ADD COLUMN assessment_started_on date,
          ADD COLUMN assessed_on date,
          ADD COLUMN assessment_findings jsonb,
          ADD COLUMN out_of_scope_reason text,
          ADD COLUMN closed_on date,
          ADD COLUMN interim_measures jsonb NOT NULL DEFAULT '[]',
          ADD COLUMN appeal_lodged_on date,
          ADD COLUMN appellant text CHECK (appellant IN ('complainant', 'respondent')),
          ADD COLUMN appeal_outcome text CHECK (appeal_outcome IN ('upheld', 'varied',
                                                                   'overturned')),
          ADD COLUMN appeal_decided_on date,
          ADD COLUMN appeal_sanction text,
          ADD COLUMN appeal_suspension_months integer,
          ADD COLUMN finalised_on date,
          ADD COLUMN complainant_count integer NOT NULL DEFAULT 1 CHECK (complainant_count > 0),
          ADD COLUMN respondent_pseudonym text,
          -- Due dates, fixed by the case's code version when the step that starts them
          -- happens, so "overdue" is an indexed comparison and never a per-row lookup.
          ADD COLUMN acknowledge_due date,
          ADD COLUMN triage_due date,
          ADD COLUMN decide_due date,
          ADD COLUMN appeal_window_ends date,
          ADD COLUMN appeal_decide_due date;
        UPDATE cases SET acknowledge_due = received_on + 5, triage_due = received_on + 14,
          decide_due = received_on + 90;
        CREATE INDEX ix_cases_party_state ON cases (party_id, state);
        DROP INDEX ix_cases_party_publishable;
        CREATE INDEX ix_cases_party_publishable ON cases (party_id)
          WHERE release_id IS NULL AND state IN ('decided', 'appeal_decided', 'final');
        CREATE INDEX ix_cases_party_pseudonym ON cases (party_id, respondent_pseudonym)
          WHERE respondent_pseudonym IS NOT NULL;

        -- One secret key per party for respondent pseudonyms (HMAC): written by the
        -- registry when the party is registered, readable only inside the party.
        CREATE TABLE party_keys (
          party_id uuid PRIMARY KEY REFERENCES parties(id),
          pseudonym_key bytea NOT NULL
        );
        INSERT INTO party_keys (party_id, pseudonym_key)
          SELECT id, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
                           'hex') FROM parties;
        ALTER TABLE party_keys ENABLE ROW LEVEL SECURITY;
        ALTER TABLE party_keys FORCE ROW LEVEL SECURITY;
        CREATE POLICY own_key_read ON party_keys FOR SELECT USING (party_id = {PARTY});
        CREATE POLICY registry_insert ON party_keys FOR INSERT WITH CHECK ({PARTY} IS NULL);

        GRANT SELECT, INSERT ON party_keys TO {APP};
        GRANT UPDATE ({WORKFLOW_COLUMNS}) ON cases TO {APP};
        """
    )


def downgrade() -> None:
    _drops = ", ".join(f"DROP COLUMN {c.strip()}" for c in WORKFLOW_COLUMNS.split(","))
    execute_each(
        f"""
        DROP TABLE party_keys;
        ALTER TABLE cases {_drops},
          DROP COLUMN acknowledge_due, DROP COLUMN triage_due, DROP COLUMN decide_due;
        """
    )
