"""Published classes: each release's equivalence classes with their sizes.

Records of one class are identical in every published column, so statistics can sum
class sizes instead of counting records: thousands of rows instead of millions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from migrations.sql import APP, PARTY, execute_each

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (
    "period, quarter, year, provisions, families, forms_of_hate, characteristics, channel, "
    "channel_group, respondent_role, respondent_role_group, severity, sanction"
)


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE published_classes (
          id bigserial PRIMARY KEY,
          release_id uuid NOT NULL REFERENCES releases(id),
          party_id uuid NOT NULL REFERENCES parties(id),
          period text, quarter text, year integer, provisions text[], families text[],
          forms_of_hate text[], characteristics text[], channel text, channel_group text,
          respondent_role text, respondent_role_group text, severity integer, sanction text,
          n integer NOT NULL CHECK (n > 0)
        );
        CREATE INDEX ix_published_classes_party ON published_classes (party_id);
        INSERT INTO published_classes (release_id, party_id, {COLUMNS}, n)
          SELECT release_id, party_id, {COLUMNS}, count(*) FROM published_outcomes
          GROUP BY release_id, party_id, {COLUMNS};
        ALTER TABLE published_classes ENABLE ROW LEVEL SECURITY;
        ALTER TABLE published_classes FORCE ROW LEVEL SECURITY;
        CREATE POLICY public_read ON published_classes FOR SELECT USING (true);
        CREATE POLICY own_party_insert ON published_classes FOR INSERT
          WITH CHECK (party_id = {PARTY});
        GRANT SELECT, INSERT ON published_classes TO {APP};
        GRANT USAGE ON SEQUENCE published_classes_id_seq TO {APP};
        """
    )


def downgrade() -> None:
    execute_each("DROP TABLE published_classes;")
