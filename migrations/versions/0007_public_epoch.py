"""The publication epoch: a counter that moves whenever a public answer may change.

Public GraphQL answers are cached per epoch; releases, the party registry, adoptions and
sanction mappings bump it from statement triggers running as the owner.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from alembic import op

from migrations.sql import APP, execute_each

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("releases", "parties", "party_code_adoptions", "party_sanctions")


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE public_epoch (
          id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
          epoch bigint NOT NULL DEFAULT 1
        );
        INSERT INTO public_epoch DEFAULT VALUES;
        GRANT SELECT ON public_epoch TO {APP};
        """
    )
    op.execute(
        """
        CREATE FUNCTION bump_public_epoch() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          UPDATE public_epoch SET epoch = epoch + 1;
          RETURN NULL;
        END $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_bump_public_epoch AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch()"
        )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_bump_public_epoch ON {table}")
    op.execute("DROP FUNCTION bump_public_epoch()")
    op.execute("DROP TABLE public_epoch")
