"""Engines and sessions, with the caller bound to every transaction by the database.

Row-level security and the owner's functions ask ``jc_viewer()``, which accepts only a
binding sealed by the database for this very transaction (``jc_bind_token()``). The
application role gets one by handing the caller's token to ``jc_bind_token`` as each
transaction begins; it cannot make one up, so a compromised process reaches no more than
the tokens passing through it. The owner (operator commands) binds with
``jc_bind_operator``, which the application role may not call. Bindings are
transaction-local, so a pooled connection never carries one request's into the next.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from db.audit import ACTOR_KEY, Actor
from db.public_reads import PublicReads

APP_ROLE = "jointcode_app"
CREDENTIAL_KEY = "credential"
OPERATOR_KEY = "operator"


def asyncpg_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs too; the service always talks asyncpg."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def app_role_url(owner_url: str, *, password: str | None = None) -> str:
    """The owner's URL with the application role's name (and password) in its place."""
    parsed = make_url(asyncpg_url(owner_url)).set(username=APP_ROLE, password=password)
    return parsed.render_as_string(hide_password=False)


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 20,
    statement_timeout_ms: int = 10_000,
    pool_timeout_s: float = 5.0,
) -> AsyncEngine:
    """``pool_timeout_s``: how long a request waits for a connection before the service
    answers SERVICE_BUSY (HTTP 503), rather than queueing without bound."""
    server_settings = {
        "statement_timeout": str(statement_timeout_ms),
        # a transaction left open ends (and stops holding back the access log's fold)
        "idle_in_transaction_session_timeout": "30000",
        "application_name": "jointcode",
    }
    engine = create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_s,
        # an officer's page decodes hundreds of audit entries' details: orjson reads the
        # same values as the json module at a fraction of the CPU (bench/officer.py)
        json_deserializer=orjson.loads,
        connect_args={"server_settings": server_settings},
    )
    _ping_when_idle(engine)
    SETTINGS[engine.sync_engine] = (server_settings, pool_timeout_s)
    return engine


# What each engine's connections are made with, for the public reads' pool of the same
# database (db.public_reads): its server settings and how long a caller waits.
SETTINGS: WeakKeyDictionary[Engine, tuple[dict[str, str], float]] = WeakKeyDictionary()


# SQLAlchemy's pool_pre_ping costs every checkout a round trip (BEGIN; ROLLBACK), which
# was two of the six statements of a public answer. A connection used moments ago is
# alive; one idle longer than this is pinged before use, and replaced if the ping fails.
PING_AFTER_IDLE_S = 5.0


def _ping_when_idle(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _idle_from(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _alive(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new, or used moments ago
        try:
            sync_engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool replaces it and tries another
            raise DisconnectionError("a pooled connection did not answer") from error


class PartySession(Session):
    """The sync session class behind every AsyncSession of the service."""


# The request this work is for: named in PostgreSQL's application_name (pg_stat_activity,
# the server's logs) and in the service's own log lines.
REQUEST_ID: ContextVar[str | None] = ContextVar("jointcode_request_id", default=None)


NAME_ONLY = text("SELECT set_config('application_name', :name, true)")
NAME_AND_TOKEN = text("SELECT set_config('application_name', :name, true), jc_bind_token(:secret)")


@event.listens_for(PartySession, "after_begin")
def _bind(session: Session, transaction: Any, connection: Any) -> None:
    """The request's name and the caller's binding, in one statement (one round trip)."""
    request_id = REQUEST_ID.get()
    name = f"jointcode {request_id}" if request_id is not None else "jointcode"
    credential = session.info.get(CREDENTIAL_KEY)
    if credential:
        connection.execute(NAME_AND_TOKEN, {"name": name, "secret": credential})
        return
    if request_id is not None:
        connection.execute(NAME_ONLY, {"name": name})
    if session.info.get(OPERATOR_KEY):
        party_id = session.info.get("party_id")
        connection.execute(text("SELECT jc_bind_operator(:party)"), {"party": party_id})


OPERATOR = Actor(id="operator", role="operator")


async def fetch_in(session: AsyncSession, sql: str, *arguments: Any) -> list[Any]:
    """One statement (asyncpg's ``$n`` parameters) in the session's transaction: for a
    read whose rows are many and whose SQL is built, where SQLAlchemy's statement and
    row objects cost more than the query (the public statistics). Rows are asyncpg's
    records, with the engine's codecs (jsonb by orjson)."""
    raw = await (await session.connection()).get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None  # an open connection of the asyncpg dialect
    records: list[Any] = await driver.fetch(sql, *arguments)
    return records


class Database:
    """One engine and a factory for sessions bound to their caller.

    ``operator=True`` is for the owner's URL only (command-line operator work): its
    transactions are bound as the operator, to ``party_id`` when given.
    """

    def __init__(self, engine: AsyncEngine, *, operator: bool = False) -> None:
        self.engine = engine
        self.operator = operator
        self._factory = async_sessionmaker(
            engine, expire_on_commit=False, sync_session_class=PartySession
        )
        settings, timeout_s = SETTINGS.get(engine.sync_engine, ({}, 5.0))
        self.public = PublicReads(engine, server_settings=settings, timeout_s=timeout_s)

    def session(
        self,
        *,
        party_id: UUID | None = None,
        actor: Actor | None = None,
        credential: str | None = None,
    ) -> AsyncSession:
        return self._factory(info=self._info(party_id, actor, credential))

    def _info(
        self, party_id: UUID | None, actor: Actor | None, credential: str | None
    ) -> dict[str, Any]:
        if party_id is not None and not credential and not self.operator:
            raise ValueError("the application binds a party only through a caller's token")
        return {
            "party_id": party_id,
            ACTOR_KEY: actor or (OPERATOR if self.operator else None),
            CREDENTIAL_KEY: credential,
            OPERATOR_KEY: self.operator,
        }

    @asynccontextmanager
    async def transaction(
        self,
        *,
        party_id: UUID | None = None,
        actor: Actor | None = None,
        credential: str | None = None,
    ) -> AsyncIterator[AsyncSession]:
        """One session, one transaction: committed on success, rolled back on any error.

        The actor is who the audit trail names for anything recorded in the transaction;
        the credential (a token's secret) is what the database binds the caller by.
        """
        async with (
            self.session(party_id=party_id, actor=actor, credential=credential) as session,
            session.begin(),
        ):
            yield session

    async def read_public(self, sql: str, *arguments: Any) -> list[Any]:
        """One statement (asyncpg's ``$n`` parameters), unbound and outside a transaction:
        for reading what every caller may see.

        Row-level security shows a statement no caller bound only what is public, and one
        statement needs no transaction of its own. A public answer that missed the cache
        took four round trips (BEGIN, the binding, the SELECT, COMMIT) and a session's
        bookkeeping: 1.7 ms against 0.4 ms for the statement alone (decision 0019). It runs
        on a pool of its own (``db.public_reads``), and is not named for the request in
        ``application_name``, which is set per transaction.
        """
        return await self.public.fetch(sql, *arguments)

    async def dispose(self) -> None:
        await self.public.close()
        await self.engine.dispose()

    def for_caller(self, *, credential: str | None, actor: Actor | None) -> Database:
        """This database as one caller sees it: every transaction bound by its token."""
        return CallerDatabase(self, credential=credential, actor=actor)


class CallerDatabase(Database):
    """A request's view of the database: the caller's token binds each transaction, and
    the request's transactions take turns.

    One connection per request at a time, however many fields and DataLoaders resolve at
    once, so parallel requests cannot drain the pool between them; and only while a
    transaction runs, never while the request serialises its answer. A transaction opened
    inside another one of the same task (none today) gets a connection of its own rather
    than waiting on itself.
    """

    def __init__(self, base: Database, *, credential: str | None, actor: Actor | None) -> None:
        self.engine = base.engine
        self.operator = base.operator
        self._factory = base._factory
        self.public = base.public  # the process's, not the request's
        self._credential = credential
        self._actor = actor
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def transaction(
        self,
        *,
        party_id: UUID | None = None,
        actor: Actor | None = None,
        credential: str | None = None,
    ) -> AsyncIterator[AsyncSession]:
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            async with super().transaction(
                party_id=party_id, actor=actor, credential=credential
            ) as nested:
                yield nested
            return
        async with self._lock:
            self._owner = task
            try:
                info = self._info(party_id, actor or self._actor, credential or self._credential)
                async with self.engine.connect() as connection:
                    session = AsyncSession(
                        bind=connection,
                        sync_session_class=PartySession,
                        expire_on_commit=False,
                        info=info,
                    )
                    async with session, session.begin():
                        yield session
            finally:
                self._owner = None

    async def read_public(self, sql: str, *arguments: Any) -> list[Any]:
        """As ``Database.read_public``, taking its turn with the request's transactions."""
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            return await super().read_public(sql, *arguments)
        async with self._lock:
            self._owner = task
            try:
                return await super().read_public(sql, *arguments)
            finally:
                self._owner = None

    async def release(self) -> None:
        """The request is over (each transaction already returned its connection)."""

    def session(
        self,
        *,
        party_id: UUID | None = None,
        actor: Actor | None = None,
        credential: str | None = None,
    ) -> AsyncSession:
        return super().session(
            party_id=party_id,
            actor=actor or self._actor,
            credential=credential or self._credential,
        )

    async def dispose(self) -> None:
        """The process's engine outlives any request: nothing to do here."""


async def run_autocommit(url: str, sql: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE), for tests and benchmarks."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()
