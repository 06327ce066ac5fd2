"""Erasure under the retention schedule may clear a final case's personal fields.

A final case cannot change, except that its free-text summary and the respondent's
pseudonym may be set to null: erasing personal data is always allowed, changing it never.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, public"


def upgrade() -> None:
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION cases_final_is_final() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
          changed jsonb;
        BEGIN
          IF NEW.release_id IS NOT NULL AND NEW.release_id IS DISTINCT FROM OLD.release_id
             AND NOT EXISTS (SELECT 1 FROM releases r
                             WHERE r.id = NEW.release_id AND r.party_id = NEW.party_id) THEN
            RAISE EXCEPTION 'a case is released only into a release of its own party'
              USING ERRCODE = '42501';
          END IF;
          IF OLD.state <> 'final' THEN
            RETURN NEW;
          END IF;
          IF OLD.release_id IS NOT NULL AND NEW.release_id IS DISTINCT FROM OLD.release_id THEN
            RAISE EXCEPTION 'a released case stays in its release' USING ERRCODE = '42501';
          END IF;
          changed := (to_jsonb(NEW) - 'release_id' - 'tabulated' - 'updated_at' - 'version')
                     - ARRAY(SELECT key FROM jsonb_each(to_jsonb(OLD)) o
                             WHERE to_jsonb(NEW) -> o.key = o.value);
          -- erasure: a personal field set to null
          changed := changed - ARRAY(SELECT k FROM unnest(ARRAY['summary',
                                     'respondent_pseudonym']) k WHERE changed -> k = 'null');
          IF changed <> '{{}}'::jsonb THEN
            RAISE EXCEPTION 'a final case cannot change (%)',
              (SELECT string_agg(key, ', ') FROM jsonb_object_keys(changed) key)
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$
        """
    )


def downgrade() -> None:
    raise NotImplementedError("erasure cannot be undone; restore a backup")
