"""Pooled connections: pinged only when idle a while (db/session.py), bound in one statement.

A connection the server dropped while it sat idle in the pool (a restart, a failover, an
idle timeout) is found by the ping on its next checkout and replaced, so the request
never sees it; a connection used moments ago is not pinged, which saves a public answer
two of its statements.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from db import session as db_session
from db.session import Database, app_role_url, make_engine


async def _backend_pid(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(text("SELECT pg_backend_pid()")))


async def test_a_connection_dropped_while_idle_is_replaced_unseen(
    owner_url: str, owner_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(make_engine(app_role_url(owner_url), pool_size=1, max_overflow=0))
    try:
        first = await _backend_pid(db)
        async with owner_db.transaction() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        monkeypatch.setattr(db_session, "PING_AFTER_IDLE_S", 0.0)  # it has been idle "long"
        assert await _backend_pid(db) != first  # answered, on a new connection
    finally:
        await db.dispose()


async def test_a_connection_used_moments_ago_is_not_pinged(owner_url: str) -> None:
    db = Database(make_engine(app_role_url(owner_url), pool_size=1, max_overflow=0))
    statements: list[str] = []
    try:
        await _backend_pid(db)

        def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
            statements.append(statement)

        event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
        await _backend_pid(db)
    finally:
        await db.dispose()
    # the binding and the query: no ping, no separate statement for the request's name
    assert len(statements) <= 2, statements
