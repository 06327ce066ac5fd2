"""Engines and sessions, with the request's party bound to every transaction.

Row-level security reads ``jointcode.party_id``. It is set with ``set_config(..., true)``
(transaction-local) from an ``after_begin`` hook, so a pooled connection can never carry
one request's party into the next request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from db.audit import ACTOR_KEY, Actor

PARTY_KEY = "jointcode.party_id"
APP_ROLE = "jointcode_app"


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
    url: str, *, pool_size: int = 10, max_overflow: int = 20, statement_timeout_ms: int = 10_000
) -> AsyncEngine:
    return create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        connect_args={
            "server_settings": {
                "statement_timeout": str(statement_timeout_ms),
                "application_name": "jointcode",
            }
        },
    )


class PartySession(Session):
    """The sync session class behind every AsyncSession of the service."""


@event.listens_for(PartySession, "after_begin")
def _bind_party(session: Session, transaction: Any, connection: Any) -> None:
    party_id = session.info.get("party_id")
    connection.execute(
        text("SELECT set_config(:key, :value, true)"),
        {"key": PARTY_KEY, "value": str(party_id) if party_id else ""},
    )


class Database:
    """One engine and a factory for party-scoped sessions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._factory = async_sessionmaker(
            engine, expire_on_commit=False, sync_session_class=PartySession
        )

    def session(self, *, party_id: UUID | None = None, actor: Actor | None = None) -> AsyncSession:
        return self._factory(info={"party_id": party_id, ACTOR_KEY: actor})

    @asynccontextmanager
    async def transaction(
        self, *, party_id: UUID | None = None, actor: Actor | None = None
    ) -> AsyncIterator[AsyncSession]:
        """One session, one transaction: committed on success, rolled back on any error.

        The actor is who the audit trail names for anything recorded in the transaction.
        """
        async with self.session(party_id=party_id, actor=actor) as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


async def run_autocommit(url: str, sql: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE), for tests and benchmarks."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()
