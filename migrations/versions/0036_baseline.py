"""Baseline: the schema migrations 0001 to 0036 built, in one step (decision 0020).

Those 36 migrations copied function bodies forward each time a function changed, so the
history held up to three versions of one function. They were squashed into
``0036_baseline.sql``, which pg_dump printed from a database migrated through them. This
revision keeps 0036's id, so a database already at 0036 sees no change. A database at an
older revision must first be upgraded by a release that still has the old chain (commit
2f8c790 or earlier); ``migrations.migrate.upgrade`` says so rather than fail obscurely.

The dump holds the schema only. The rows the old migrations wrote (the public epoch, the
read-fold mark, a fresh random binding key) are written here, as they were. The owner's
policies name ``CURRENT_USER``, as the old migrations did, so the role that migrates owns
them whatever its name.

Revision ID: 0036
Revises:
Create Date: 2026-12-07
"""

import hashlib
from pathlib import Path
from typing import Any

from alembic import op
from sqlalchemy.engine import AdaptedConnection

from migrations.sql import APP, create_role

revision = "0036"
down_revision = None
branch_labels = None
depends_on = None

DUMP = Path(__file__).with_suffix(".sql")
# History is frozen: an edited dump would build databases unlike the deployed ones.
DUMP_SHA256 = "5b2890087f16b75bfb3f8cc3cf2c81c97036d3e8b6ca1713260dc8360a427f8f"


def upgrade() -> None:
    op.execute(create_role())
    dump = DUMP.read_bytes()
    if hashlib.sha256(dump).hexdigest() != DUMP_SHA256:
        raise SystemExit(
            f"{DUMP} was edited; history is frozen: change the schema in a new migration."
        )
    _run_script(dump.decode())
    _revoke_what_pg_dump_does_not_print()
    op.execute("SET LOCAL row_security TO DEFAULT")
    op.execute("SET LOCAL check_function_bodies TO DEFAULT")
    op.execute("INSERT INTO public_epoch (epoch) VALUES (2)")  # where 0001-0036 left it
    op.execute("INSERT INTO case_read_fold VALUES ('0'::xid8)")
    op.execute(
        "INSERT INTO binding_key (key) VALUES (uuid_send(gen_random_uuid())"
        " || uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())"
        " || uuid_send(gen_random_uuid()))"
    )


def _revoke_what_pg_dump_does_not_print() -> None:
    """The database's own privileges (a dump of its objects leaves them out) and the public
    schema's (PostgreSQL before 15 grants CREATE on it to everyone). The application role
    creates nothing, not even a temporary table to shadow what an owner function reads; the
    owner keeps TEMPORARY for its statistics functions (tests/test_definer_safety.py)."""
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    op.execute(f"REVOKE CREATE ON SCHEMA public FROM {APP}")
    op.execute(
        f"""
        DO $$
        BEGIN
          IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I',
                           current_database(), current_user);
          END IF;
          EXECUTE format('REVOKE TEMPORARY, CREATE ON DATABASE %I FROM PUBLIC, {APP}',
                         current_database());
          IF has_database_privilege('{APP}', current_database(), 'TEMPORARY') THEN
            RAISE EXCEPTION 'the application role can still create temporary tables'
              USING HINT = format('As the database''s owner: REVOKE TEMPORARY ON DATABASE %I '
                                  'FROM PUBLIC, {APP}; then migrate again.',
                                  current_database());
          END IF;
        END $$
        """
    )


def downgrade() -> None:
    raise SystemExit(
        "The baseline cannot be undone: drop the database, or restore a backup taken before it."
    )


def _run_script(script: str) -> None:
    """Run the dump as one script: the simple query protocol takes many statements, where
    SQLAlchemy's asyncpg adapter prepares one. Same connection, so same transaction."""

    async def run(driver: Any) -> None:
        await driver.execute(script)

    adapted = op.get_bind().connection.dbapi_connection
    assert isinstance(adapted, AdaptedConnection)  # SQLAlchemy's wrapper of asyncpg's
    adapted.run_async(run)
