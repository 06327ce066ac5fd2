"""The baseline (migrations 0001-0036 squashed, decision 0020): a database from before it
is refused before anything changes, with what to do; one at it is left as it is."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from cli import app
from db.session import make_engine, run_autocommit
from migrations import migrate
from migrations.sql import create_role

PUBLIC_TABLES = (
    "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables"
    " WHERE schemaname = 'public'"
)


async def _scalar(url: str, sql: str) -> object:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(text(sql))
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def at_0030(server_url: str) -> AsyncIterator[str]:
    """A database an old release migrated to 0030 (two of its tables stand in for it)."""
    name = f"jointcode_old_{uuid.uuid4().hex[:10]}"
    await run_autocommit(server_url, f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
        )
        await connection.execute(text("INSERT INTO alembic_version VALUES ('0030')"))
        await connection.execute(text("CREATE TABLE parties (id uuid PRIMARY KEY)"))
    await engine.dispose()
    yield url
    await run_autocommit(server_url, f'DROP DATABASE "{name}" WITH (FORCE)')


async def test_a_database_from_before_the_baseline_is_refused_and_left_as_it_was(
    at_0030: str,
) -> None:
    with pytest.raises(migrate.OlderThanBaseline) as refused:
        await asyncio.to_thread(migrate.upgrade, at_0030)
    message = str(refused.value)
    assert "at migration 0030" in message and migrate.LAST_RELEASE_WITH_THE_OLD_CHAIN in message
    assert await _scalar(at_0030, "SELECT version_num FROM alembic_version") == "0030"
    assert await _scalar(at_0030, PUBLIC_TABLES) == "alembic_version,parties"


def test_the_command_line_says_what_to_do_with_such_a_database(
    at_0030: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", at_0030)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 1
    assert "squashed into one baseline" in result.output and "Traceback" not in result.output


async def test_a_database_at_the_baseline_is_left_as_it_is(owner_url: str) -> None:
    """A deployment already at 0036 (migrated by the old chain or by the baseline) keeps
    its revision, its objects and its binding key: upgrading again runs nothing."""
    key = "SELECT encode(key, 'hex') FROM binding_key"
    before = (await _scalar(owner_url, key), await _scalar(owner_url, PUBLIC_TABLES))
    await asyncio.to_thread(migrate.upgrade, owner_url)
    assert await _scalar(owner_url, "SELECT version_num FROM alembic_version") == migrate.BASELINE
    assert (await _scalar(owner_url, key), await _scalar(owner_url, PUBLIC_TABLES)) == before


async def test_two_migrations_side_by_side_both_find_the_role_made(server_url: str) -> None:
    """Roles belong to the server: two databases migrated at once (one per test worker, as
    on a fresh CI machine) both see no role and both create it. The second waits on the
    first's uncommitted row, then must find the role made rather than fail."""
    name = f"jointcode_role_{uuid.uuid4().hex[:10]}"
    first_engine = make_engine(server_url, pool_size=1, max_overflow=0)
    second_engine = make_engine(server_url, pool_size=1, max_overflow=0)
    try:
        async with first_engine.connect() as first, second_engine.connect() as second:
            await first.execute(text(create_role(name)))  # made, not yet committed
            waiting = asyncio.create_task(second.execute(text(create_role(name))))
            await asyncio.sleep(0.3)
            assert not waiting.done()  # it waits on the first's row in pg_authid
            await first.commit()
            await waiting  # found made: no duplicate key
            await second.commit()
        assert await _scalar(server_url, f"SELECT count(*) FROM pg_roles WHERE rolname = '{name}'")
    finally:
        await first_engine.dispose()
        await second_engine.dispose()
        await run_autocommit(server_url, f'DROP ROLE IF EXISTS "{name}"')
