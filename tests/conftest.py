"""Test fixtures: a real PostgreSQL, the real migrations, the application role, over ASGI.

TEST_DATABASE_URL names a server (any database on it; the suite creates its own
database and drops it at the end). Without it, an embedded server is started for the
session. Each test starts from empty tables, truncated as the owner.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.app import create_app
from db import embedded
from db.session import Database, app_role_url, asyncpg_url, make_engine, run_autocommit
from migrations import migrate
from parties import tokens
from parties.tokens import Role

# every table a test may write; CASCADE reaches the rest through their foreign keys
TABLES = (
    "published_outcomes, cases, releases, tokens, party_code_adoptions, "
    "parties, committee_counts, committee_days, committee_due, committee_sanctions, "
    "checkpoints, statistics_editions, committee_editions, report_statistics, "
    "report_statistics_editions, scheduled_jobs"
)


@pytest.fixture(scope="session", autouse=True)
def _deployment_keys(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The operator's keys, made once for the session as `jointcode keys init` would, so
    command-line jobs find them (never the checkout's own .jointcode-keys/)."""
    from api import keys

    folder = tmp_path_factory.mktemp("keys")
    os.environ["JOINTCODE_KEY_DIR"] = str(folder)
    for name in ("JOINTCODE_DATA_KEY_FILE", "JOINTCODE_SIGNING_KEY_FILE"):
        os.environ.pop(name, None)
    keys.init(folder / "data-encryption-key", folder / "checkpoint-signing-key.pem")


@pytest.fixture(scope="session", autouse=True)
def _job_metrics_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Command-line jobs run by tests leave their metrics files here, not in the checkout."""
    os.environ.setdefault("JOINTCODE_METRICS_DIR", str(tmp_path_factory.mktemp("job-metrics")))


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield asyncpg_url(url)
        return
    server = embedded.start(tmp_path_factory.mktemp("pg"))
    yield embedded.owner_url(server, "postgres")
    server.cleanup()


@pytest.fixture(scope="session")
def owner_url(server_url: str) -> Iterator[str]:
    name = f"jointcode_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(run_autocommit(server_url, f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    # pytest-xdist's workers migrate a database each, side by side, on one server whose
    # roles they share: the migration itself copes (migrations.sql.create_role)
    migrate.upgrade(url)
    yield url
    asyncio.run(run_autocommit(server_url, f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest_asyncio.fixture(scope="session")
async def owner_db(owner_url: str) -> AsyncIterator[Database]:
    from tests import helpers

    db = Database(make_engine(owner_url, pool_size=2), operator=True)
    helpers.OPERATOR.append(db)  # the operator who closes a year for helpers.publish
    yield db
    helpers.OPERATOR.remove(db)
    await db.dispose()


@pytest_asyncio.fixture(scope="session")
async def db(owner_url: str) -> AsyncIterator[Database]:
    """The application's own connection: the non-owner role, row-level security on."""
    db = Database(make_engine(app_role_url(owner_url)))
    yield db
    await db.dispose()


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> None:
    """Every database test starts from empty tables; unit tests (tests/unit) never start
    a database at all, and the site's tests (tests/site) read a seeded database of their own."""
    if not (request.node.get_closest_marker("unit") or request.node.get_closest_marker("site")):
        request.getfixturevalue("_empty_tables")


# TABLES and every table that refers to them, however indirectly: what TRUNCATE ... CASCADE
# empties; and the sequences those tables own, which RESTART IDENTITY resets
_REFERRING = """
WITH RECURSIVE t(oid) AS (
  SELECT unnest(string_to_array(:tables, ', ')::regclass[])
  UNION SELECT c.conrelid FROM pg_constraint c JOIN t ON c.confrelid = t.oid
  WHERE c.contype = 'f'
) SELECT oid::regclass::text FROM t ORDER BY 1"""
_OWNED_SEQUENCES = """
SELECT s.oid::regclass::text FROM pg_class s JOIN pg_depend d ON d.objid = s.oid
WHERE s.relkind = 'S' AND d.deptype IN ('a', 'i')
  AND d.refobjid = ANY(string_to_array(:tables, ',')::regclass[]) ORDER BY 1"""


@pytest_asyncio.fixture(scope="session")
async def _emptying(owner_db: Database) -> str:
    """The statement that empties what tests write, as TRUNCATE {TABLES} RESTART IDENTITY
    CASCADE would. TRUNCATE makes a new file for each of some 30 tables and took 100-170 ms
    a test, a fifth of the suite. A superuser (the test server's owner: it bypasses even
    forced row-level security) deletes the rows instead with triggers and foreign keys off
    (session_replication_role), in about 3 ms; any other owner truncates."""
    truncate = f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"
    async with owner_db.transaction() as session:
        if not await session.scalar(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ):
            return truncate
        tables = list((await session.execute(text(_REFERRING), {"tables": TABLES})).scalars())
        sequences = (
            await session.execute(text(_OWNED_SEQUENCES), {"tables": ",".join(tables)})
        ).scalars()
    steps = [
        "PERFORM set_config('session_replication_role', 'replica', true);",
        *(f"DELETE FROM {table};" for table in tables),
        *(f"PERFORM setval('{sequence}', 1, false);" for sequence in sequences),
    ]
    return f"DO $$ BEGIN {' '.join(steps)} END $$"


@pytest_asyncio.fixture
async def _empty_tables(owner_db: Database, _emptying: str) -> None:
    async with owner_db.transaction() as session:
        await session.execute(text(_emptying))


@pytest_asyncio.fixture
async def client(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    # the public cache is on, reading the epoch on every request so tests never wait
    # rate limits are tested on their own (tests/test_rate_limits.py)
    app = create_app(
        db, public_cache_refresh_ms=0, anonymous_rate=None, failed_auth_rate=None, report_rate=None
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


class GraphQLClient:
    """Posts GraphQL over ASGI as any client would, with an optional bearer token."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        # each party's first administrator in this test (tests.helpers.party_admin_token)
        self.party_admins: dict[str, str] = {}

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        response = await self.raw(query, variables, token=token)
        return response.json()

    async def ok(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        body = await self(query, variables, token=token)
        assert "errors" not in body, body
        return body["data"]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest_asyncio.fixture
async def admin_token(owner_db: Database) -> str:
    """Bootstrap: the first admin token comes from the operator's CLI call, as in production."""
    async with owner_db.transaction() as session:
        issued = await tokens.issue_token(session=session, role=Role.ADMIN, label="test admin")
    return issued.secret


# Tests outside tests/unit that need no database server but real processes or sockets
# (they start the embedded server or a real uvicorn themselves).
NOT_UNIT_WITHOUT_A_DATABASE = ("test_embedded_server_signals.py", "test_slow_clients.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs no database belongs in tests/unit, where `make test-unit` runs it:
    collecting one elsewhere stops the run and says where it goes."""
    unit = os.path.join("tests", "unit") + os.sep
    misplaced = [
        item.nodeid
        for item in items
        if unit not in str(item.path)
        and "server_url" not in getattr(item, "fixturenames", ())
        and item.path.name not in NOT_UNIT_WITHOUT_A_DATABASE
    ]
    if misplaced:
        raise pytest.UsageError(
            "These tests use no database: move them to tests/unit/ "
            "(or list their file in NOT_UNIT_WITHOUT_A_DATABASE with the reason):\n  "
            + "\n  ".join(misplaced)
        )
