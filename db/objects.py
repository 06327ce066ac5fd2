"""The database's code as it runs today: one file per function, trigger and policy.

``db/sql/functions/NAME.sql``, ``db/sql/triggers/TABLE.NAME.sql`` and
``db/sql/policies/TABLE.NAME.sql`` hold each object's current definition, as PostgreSQL
prints it (``pg_get_functiondef``, ``pg_get_triggerdef``, ``pg_policies``), so a reader
finds what runs without replaying 36 migrations. They are ``alembic_utils`` replaceable
entities: editing a file and running ``make migration MESSAGE="..."`` writes the migration
that replaces the object, and ``tests/test_database_code.py`` fails when a file and the
migrated database differ, in either direction.
"""

from __future__ import annotations

from pathlib import Path

from alembic_utils.pg_function import PGFunction
from alembic_utils.pg_policy import PGPolicy
from alembic_utils.pg_trigger import PGTrigger
from alembic_utils.replaceable_entity import ReplaceableEntity

SQL = Path(__file__).parent / "sql"
KINDS: dict[str, type[ReplaceableEntity]] = {
    "functions": PGFunction,
    "triggers": PGTrigger,
    "policies": PGPolicy,
}


def files() -> list[Path]:
    return sorted(path for kind in KINDS for path in (SQL / kind).glob("*.sql"))


def entity(path: Path) -> ReplaceableEntity:
    """The object a file defines (its folder says which kind)."""
    return KINDS[path.parent.name].from_sql(path.read_text())


def entities() -> list[ReplaceableEntity]:
    return [entity(path) for path in files()]
