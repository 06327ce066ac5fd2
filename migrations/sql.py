"""What hand-written migrations share: the application role's name, and running a block
of SQL one statement at a time. (Functions, triggers and policies are generated from
``db/sql/``; see ``migrations.migrate.revision``.)"""

import re

from alembic import op

APP = "jointcode_app"


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
