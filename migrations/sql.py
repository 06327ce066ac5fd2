"""What hand-written migrations share: the application role (its name, and creating it
once), and running a block of SQL one statement at a time. (Functions, triggers and
policies are generated from ``db/sql/``; see ``migrations.migrate.revision``.)"""

import re

from alembic import op

APP = "jointcode_app"


def create_role(name: str = APP) -> str:
    """SQL that creates the login role ``name`` unless it exists, safe to run at once from
    several migrations: roles belong to the whole server, so two databases migrated side
    by side (one per test worker, two services on one server) both see none and both
    create it; the second then waits on the first and finds it made."""
    return f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN
            BEGIN
              CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
              NULL;  -- created by a migration running beside this one
            END;
          END IF;
        END $$
        """


def execute_each(block: str) -> None:
    """Run each statement of a block alone: asyncpg prepares statements, one at a time.

    Statements end with a semicolon at the end of a line; dollar-quoted bodies keep their
    inner semicolons mid-line or are passed as blocks of their own.
    """
    for statement in re.split(r";\s*\n", block):
        if statement.strip() and not all(
            line.strip().startswith("--") or not line.strip() for line in statement.splitlines()
        ):
            op.execute(statement)
