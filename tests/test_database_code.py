"""db/sql/ is what the migrated database runs: every function, trigger and policy has its
file, every file its object, and each file's definition is the database's (compared by
PostgreSQL itself: alembic_utils creates the file's version in a savepoint and reads it
back). A migration that changes an object without its file, or a file edited without a
migration, fails here."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from alembic_utils.replaceable_entity import ReplaceableEntity
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from db import objects
from db.session import make_engine
from migrations import migrate

OBJECTS = """
SELECT 'functions', p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public'
UNION ALL
SELECT 'triggers', c.relname::text || '.' || t.tgname::text FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND NOT t.tgisinternal
UNION ALL
SELECT 'policies', tablename::text || '.' || policyname::text FROM pg_policies
 WHERE schemaname = 'public'
"""


def _differing(connection: Connection, entities: list[tuple[Path, ReplaceableEntity]]) -> list[str]:
    session = Session(bind=connection)
    return [
        f"{path.parent.name}/{path.name}: {type(op).__name__}"
        for path, entity in entities
        if (op := entity.get_required_migration_op(session, dependencies=[])) is not None
    ]


async def test_every_object_has_its_file_and_every_file_its_object(owner_url: str) -> None:
    engine = make_engine(owner_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(text(OBJECTS))).all()
    finally:
        await engine.dispose()
    in_database = {f"{kind}/{name}.sql" for kind, name in rows}
    in_files = {f"{path.parent.name}/{path.name}" for path in objects.files()}
    assert in_database - in_files == set(), "objects without a file in db/sql/"
    assert in_files - in_database == set(), "files in db/sql/ with no object in the database"


async def test_every_file_is_what_the_database_runs(owner_url: str) -> None:
    entities = [(path, objects.entity(path)) for path in objects.files()]
    engine = make_engine(owner_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            differing = await connection.run_sync(_differing, entities)
            await connection.rollback()  # the comparison created each file's version
            # and the comparison can fail: a file changed by one word (its volatility) differs
            [(path, function)] = [(p, e) for p, e in entities if p.stem == "jc_party"]
            changed = type(function).from_sql(path.read_text().replace("STABLE", "VOLATILE", 1))
            assert await connection.run_sync(_differing, [(path, changed)])
            await connection.rollback()
    finally:
        await engine.dispose()
    assert differing == []


@pytest.mark.slow  # alembic_utils compares every object: `make test` leaves it to CI
async def test_an_edited_file_becomes_a_migration(
    owner_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make migration` (jointcode revision): nothing when the files and the database
    agree; an edited file gives the migration that replaces that object, and only it."""
    versions = tmp_path / "versions"
    versions.mkdir()
    assert (
        await asyncio.to_thread(migrate.revision, owner_url, "none", version_path=versions) is None
    )
    edited = tmp_path / "sql"
    shutil.copytree(objects.SQL, edited)
    function = edited / "functions" / "jc_party.sql"
    function.write_text(function.read_text().replace("STABLE", "VOLATILE", 1))
    monkeypatch.setattr(objects, "SQL", edited)
    written = await asyncio.to_thread(
        migrate.revision, owner_url, "jc_party volatile", version_path=versions
    )
    assert written is not None and written.parent == versions
    source = written.read_text()
    assert source.count("op.replace_entity(") == 2  # upgrade and downgrade, of one object
    assert 'signature="jc_party()"' in source and "VOLATILE" in source
