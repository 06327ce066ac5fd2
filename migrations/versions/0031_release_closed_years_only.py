"""The database, too, releases only outcomes of a closed year that the tables counted.

The service picks a release's outcomes from years a published statistics edition covers
whole, and counted by it (``cases.tabulated``), so a release never shows anything of a
period before its publication date (issue 22). That rule lived in Python only: the
application role could mark any final case released. Now a case joins a release only
when it is final, tabulated, and became final in a year an edition covers whole.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import DEFINER

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        f"""
        CREATE FUNCTION cases_released_from_closed_years() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        BEGIN
          IF NEW.release_id IS NOT NULL AND OLD.release_id IS NULL AND (
               NEW.state <> 'final' OR NOT NEW.tabulated OR NEW.finalised_on IS NULL
               OR NEW.finalised_on > coalesce(
                 (SELECT max(make_date(extract(year FROM e.period_end + 1)::int, 1, 1) - 1)
                  FROM statistics_editions e), '-infinity'::date)) THEN
            RAISE EXCEPTION 'a release holds final outcomes of closed, published years only'
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER cases_released_from_closed_years BEFORE UPDATE OF release_id ON cases
          FOR EACH ROW EXECUTE FUNCTION cases_released_from_closed_years()
        """
    )
    op.execute("REVOKE ALL ON FUNCTION cases_released_from_closed_years() FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP TRIGGER cases_released_from_closed_years ON cases")
    op.execute("DROP FUNCTION cases_released_from_closed_years()")
