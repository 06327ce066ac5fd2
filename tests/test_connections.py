"""Pooled connections: pinged only when idle a while (db/session.py).

A connection the server dropped while it sat idle in the pool (a restart, a failover, an
idle timeout) is found by the ping on its next checkout and replaced, so the request
never sees it; a connection used moments ago is not pinged, which saves a public answer
two of its statements.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import text

from db import session as db_session
from db.session import Database, app_role_url, make_engine


async def _backend_pid(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(text("SELECT pg_backend_pid()")))


@pytest_asyncio.fixture
async def app_db(owner_url: str) -> AsyncIterator[Database]:
    """The application's role with a pool of one: every transaction reuses that one."""
    db = Database(make_engine(app_role_url(owner_url), pool_size=1, max_overflow=0))
    yield db
    await db.dispose()


def _count_pings(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The dialect's own ping, counted (pool_pre_ping would call it too)."""
    dialect = db.engine.sync_engine.dialect
    pings: list[object] = []
    real = dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(dbapi_connection)
        return bool(real(dbapi_connection))

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


async def test_a_connection_dropped_while_idle_is_replaced_unseen(
    app_db: Database, owner_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _backend_pid(app_db)
    async with owner_db.transaction() as session:
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    pings = _count_pings(app_db, monkeypatch)
    monkeypatch.setattr(db_session, "PING_AFTER_IDLE_S", 0.0)  # it has been idle "long"
    assert await _backend_pid(app_db) != first  # answered, on a new connection
    assert len(pings) == 1  # the dead one was pinged, the new one was not


async def test_a_connection_used_moments_ago_is_not_pinged(
    app_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _backend_pid(app_db)
    pings = _count_pings(app_db, monkeypatch)
    assert await _backend_pid(app_db) == first  # the same pooled connection
    assert pings == []
