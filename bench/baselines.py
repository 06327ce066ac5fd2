"""The side-by-side baselines: the same answer without GraphQL, served by uvicorn.

    uvicorn bench.baselines:app    # BENCH_OWNER_URL, BENCH_FIXED_BODY (a file) set

``/sql`` runs the on-demand SQL (``bench.ondemand``) through asyncpg and answers with
the same JSON shape as jointcode; ``/fixed`` answers with a fixed body: the ceiling of
what any Python service on uvicorn can do per request on this machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.ondemand import SQL_CALL

pool: Any = None
FIXED = Path(os.environ.get("BENCH_FIXED_BODY", "/dev/null")).read_bytes() or b"{}"


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    global pool
    url = os.environ["BENCH_OWNER_URL"].replace("postgresql+asyncpg://", "postgresql://")
    pool = await asyncpg.create_pool(url, min_size=4, max_size=32)
    yield
    await pool.close()


async def sql(request: Request) -> Response:
    await request.body()
    async with pool.acquire() as connection:
        rows = await connection.fetch(SQL_CALL)
    body = {"data": {"statistics": [dict(row) for row in rows]}}
    return Response(json.dumps(body), media_type="application/json")


async def fixed(request: Request) -> Response:
    await request.body()
    return Response(FIXED, media_type="application/json")


app = Starlette(
    routes=[Route("/sql", sql, methods=["POST"]), Route("/fixed", fixed, methods=["POST"])],
    lifespan=lifespan,
)
