"""The final-case guard compares each row once, not once per column.

``cases_final_is_final`` (0014, 0020) built ``to_jsonb(NEW)`` again for every column of
the row while looking for what changed, about 35 times per updated row. Publishing a
party's 100,000 final outcomes updates 100,000 rows (their release), and the guard made
that one statement run for minutes, far past the service's statement timeout: 28 s for
20,000 rows, against 0.7 s with no guard at all. Now the usual update (a release, a
tabulation, nothing else) is recognised by one row comparison (1.2 s for the 20,000), and
only a refused or erasing update builds the jsonb, once per side, to name what changed.
What may change is exactly as before.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, public"


def upgrade() -> None:
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION cases_final_is_final() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
          probe cases;
          old_row jsonb;
          new_row jsonb;
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
          probe := NEW;
          probe.release_id := OLD.release_id;
          probe.tabulated := OLD.tabulated;
          probe.updated_at := OLD.updated_at;
          probe.version := OLD.version;
          IF probe IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
          END IF;
          old_row := to_jsonb(OLD) - 'release_id' - 'tabulated' - 'updated_at' - 'version';
          new_row := to_jsonb(NEW) - 'release_id' - 'tabulated' - 'updated_at' - 'version';
          changed := new_row - ARRAY(SELECT o.key FROM jsonb_each(old_row) o
                                     WHERE new_row -> o.key = o.value);
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
    raise NotImplementedError("restore a backup to go back past 0022")
