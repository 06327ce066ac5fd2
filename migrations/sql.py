"""What every migration shares: the application role's name, the RLS party expression,
the safe header of an owner function, and running a block of SQL one statement at a time."""

import re

from alembic import op

APP = "jointcode_app"
# Every owner function from 0023 on: trusted schemas only, the caller's temporary schema
# last (PostgreSQL, "Writing SECURITY DEFINER Functions Safely"); tests/test_definer_safety.py
SEARCH_PATH = "pg_catalog, public, pg_temp"
DEFINER = f"SECURITY DEFINER SET search_path = {SEARCH_PATH}"
PARTY = "NULLIF(current_setting('jointcode.party_id', true), '')::uuid"


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
