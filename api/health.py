"""Liveness and readiness, for the orchestrator: ``/healthz`` says the process answers,
``/readyz`` that it reaches its database."""

from __future__ import annotations

import logging

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from db.session import Database

log = logging.getLogger("jointcode")


async def healthz(_: Request) -> Response:
    return PlainTextResponse("ok")


async def readyz(_: Request, *, db: Database) -> Response:
    try:
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        log.exception("readiness check failed")
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ready"})
