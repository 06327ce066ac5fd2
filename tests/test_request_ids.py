"""A request's id: echoed to the caller, named in PostgreSQL's application_name for its
transactions, and written in JSON log lines."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from db.session import REQUEST_ID, Database


async def test_the_request_id_is_echoed_and_generated(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"x-request-id": "proxy-123.abc"})
    assert given.headers["x-request-id"] == "proxy-123.abc"
    made = await client.get("/healthz", headers={"x-request-id": "not ok; DROP TABLE"})
    assert made.headers["x-request-id"] != "not ok; DROP TABLE"
    assert len(made.headers["x-request-id"]) == 16


async def test_transactions_carry_the_request_id_into_postgresql(db: Database) -> None:
    token = REQUEST_ID.set("abc123")
    try:
        async with db.transaction() as session:
            name = await session.scalar(text("SELECT current_setting('application_name')"))
    finally:
        REQUEST_ID.reset(token)
    assert name == "jointcode abc123"
    async with db.transaction() as session:  # outside a request: the engine's own name
        assert await session.scalar(text("SELECT current_setting('application_name')")) == (
            "jointcode"
        )
