"""Checkpoints you can rely on: linked, public at once, cosigned by a witness, pinned.

Tried as the database owner: truncate a chain, replace the checkpoints with ones signed by
a key of one's own, and ``audit verify --checkpoints <live URL>`` passed; the open-data
copy of the checkpoints lagged by up to a release. From here:

- each checkpoint has a ``seq`` and its body names the previous one's digest (the SHA-256
  of the exact text signed, kept as ``signed``): the checkpoints are a chain of their own,
  and the database refuses one that does not extend the newest;
- ``checkpoint_cosignatures``: a witness (the Committee, with a key of its own the
  operator never holds) cosigns checkpoints it has checked extend what it cosigned
  before, as transparency logs' witnesses do; a verifier that pins the witness's key
  finds any rewrite of history, whoever signs it;
- a new checkpoint or cosignature bumps the publication epoch, so
  ``/open-data/checkpoints.json`` shows it at once;
- a party's adoption of a code version records the fingerprint of the key that signs
  checkpoints then (``checkpoint_key``): the party's own pin.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

ROLE = "(SELECT jc_role())"


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE checkpoints ADD COLUMN seq bigint;
        UPDATE checkpoints c SET seq = n.seq
          FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM checkpoints) n
          WHERE n.id = c.id;
        ALTER TABLE checkpoints ALTER COLUMN seq SET NOT NULL;
        ALTER TABLE checkpoints ADD CONSTRAINT checkpoints_seq_key UNIQUE (seq);
        ALTER TABLE checkpoints ADD COLUMN signed text;
        CREATE TABLE checkpoint_cosignatures (
          checkpoint_seq bigint NOT NULL REFERENCES checkpoints (seq),
          public_key text NOT NULL,
          signature text NOT NULL,
          at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (checkpoint_seq, public_key)
        );
        ALTER TABLE checkpoint_cosignatures ENABLE ROW LEVEL SECURITY;
        ALTER TABLE checkpoint_cosignatures FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON checkpoint_cosignatures TO CURRENT_USER USING (true)
          WITH CHECK (true);
        CREATE POLICY public_read ON checkpoint_cosignatures FOR SELECT TO {APP} USING (true);
        CREATE POLICY committee_cosigns ON checkpoint_cosignatures FOR INSERT TO {APP}
          WITH CHECK ({ROLE} = 'committee');
        REVOKE ALL ON checkpoint_cosignatures FROM PUBLIC, {APP};
        GRANT SELECT ON checkpoint_cosignatures TO {APP};
        GRANT INSERT (checkpoint_seq, public_key, signature) ON checkpoint_cosignatures TO {APP};
        CREATE TRIGGER checkpoints_bump_public_epoch AFTER INSERT OR UPDATE OR DELETE
          ON checkpoints FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
        CREATE TRIGGER checkpoint_cosignatures_bump_public_epoch AFTER INSERT OR UPDATE OR DELETE
          ON checkpoint_cosignatures FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
        ALTER TABLE party_code_adoptions ADD COLUMN checkpoint_key text;
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION checkpoints_extend_the_newest() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
          newest checkpoints%ROWTYPE;
        BEGIN
          SELECT * INTO newest FROM checkpoints ORDER BY seq DESC LIMIT 1;
          IF NEW.signed IS NULL OR NEW.body IS DISTINCT FROM NEW.signed::jsonb
             OR (NEW.body ->> 'seq')::bigint IS DISTINCT FROM NEW.seq
             OR NEW.seq IS DISTINCT FROM coalesce(newest.seq, 0) + 1
             OR (newest.signed IS NOT NULL AND NEW.body ->> 'previous'
                 IS DISTINCT FROM encode(sha256(convert_to(newest.signed, 'UTF8')), 'hex')) THEN
            RAISE EXCEPTION 'a checkpoint extends the newest one (seq %)', coalesce(newest.seq, 0)
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER checkpoints_extend_the_newest BEFORE INSERT ON checkpoints
          FOR EACH ROW EXECUTE FUNCTION checkpoints_extend_the_newest()
        """
    )
    op.execute("REVOKE ALL ON FUNCTION checkpoints_extend_the_newest() FROM PUBLIC")


def downgrade() -> None:
    raise NotImplementedError("0026 changes what checkpoints are; restore from a backup instead")
