"""A published release is append-never: its records are written in its own transaction only.

The application role may insert ``published_outcomes`` of its own party (to publish), and
nothing stopped it adding rows to a release published long ago: ``release verify`` found
them later, the database did not refuse them, and ``releases_hold_k`` (which runs when the
release row is inserted) never counted them. Now:

- inserting a release leaves a mark sealed like the binding (0014): the release's id and
  this very transaction, signed with the owner's key, so the application role can neither
  set nor copy it;
- a record may be inserted only for the release so marked, that is in the transaction
  that publishes it; no record is ever changed or removed, whoever asks (the owner can
  disable the trigger, as for any guard: the chains and checkpoints show what it did);
- at commit, the release's stored records are recounted: as many as it says it holds,
  and every class at least k (as before).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import DEFINER

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        f"""
        CREATE FUNCTION releases_open_for_records() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
          payload text := NEW.id::text || '|' || jc_here();
        BEGIN
          PERFORM set_config('jointcode.open_release', payload || '|' || jc_seal(payload), true);
          RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER releases_open_for_records AFTER INSERT ON releases
          FOR EACH ROW EXECUTE FUNCTION releases_open_for_records()
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION published_outcomes_append_never() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
          parts text[];
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            RAISE EXCEPTION 'a published release''s records never change' USING ERRCODE = '42501';
          END IF;
          parts := string_to_array(current_setting('jointcode.open_release', true), '|');
          IF parts IS NULL OR cardinality(parts) <> 3 OR parts[1] <> NEW.release_id::text
             OR parts[2] <> jc_here()
             OR parts[3] <> jc_seal(parts[1] || '|' || parts[2]) THEN
            RAISE EXCEPTION 'records are added to a release only as it is published'
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER published_outcomes_append_never
          BEFORE INSERT OR UPDATE OR DELETE ON published_outcomes
          FOR EACH ROW EXECUTE FUNCTION published_outcomes_append_never()
        """
    )
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION releases_hold_k() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
          code_k integer;
          stored bigint;
          smallest bigint;
        BEGIN
          SELECT r.k INTO code_k FROM code_rules r WHERE r.code_version = NEW.code_version;
          IF code_k IS NULL OR NEW.k < code_k THEN
            RAISE EXCEPTION 'a release keeps the code''s k (%)', code_k USING ERRCODE = '42501';
          END IF;
          SELECT coalesce(sum(n), 0), min(n) INTO stored, smallest FROM (
            SELECT count(*) AS n FROM published_outcomes o WHERE o.release_id = NEW.id
            GROUP BY o.party_id, o.release_id,
                     to_jsonb(o) - 'id' - 'party_id' - 'release_id'
          ) classes;
          IF stored <> NEW.record_count THEN
            RAISE EXCEPTION 'a release holds the % records it names (found %)',
              NEW.record_count, stored USING ERRCODE = '42501';
          END IF;
          IF smallest IS NOT NULL AND smallest < NEW.k THEN
            RAISE EXCEPTION 'a release holds classes of at least k records (found %)', smallest
              USING ERRCODE = '42501';
          END IF;
          RETURN NULL;
        END $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION releases_open_for_records() FROM PUBLIC")
    op.execute("REVOKE ALL ON FUNCTION published_outcomes_append_never() FROM PUBLIC")


def downgrade() -> None:
    raise NotImplementedError("0024 closes a hole; restore from a backup instead")
