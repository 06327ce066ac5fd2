"""The ASGI application: GraphQL, health checks and the public page."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from api import open_data, pages
from api.auth import BadCredentials, viewer_from_header
from api.cache import PublicCache
from api.limits import BodySizeLimit
from db import code_versions
from db.session import Database
from schema import schema as graphql_schema
from schema.context import RequestContext

log = logging.getLogger("jointcode")


class JointCodeGraphQL(GraphQL):
    def __init__(self, db: Database) -> None:
        super().__init__(graphql_schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.db = db

    async def get_context(self, request: Any, response: Any) -> RequestContext:  # type: ignore[override]
        return RequestContext(
            db=self.db,
            viewer=request.scope.get("jointcode.viewer"),
            request=request,
            response=response,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            try:
                scope["jointcode.viewer"] = await viewer_from_header(
                    self.db, request.headers.get("authorization")
                )
            except BadCredentials:
                response = JSONResponse(
                    {
                        "data": None,
                        "errors": [
                            {
                                "message": "Invalid, expired or revoked token.",
                                "extensions": {"code": "UNAUTHENTICATED"},
                            }
                        ],
                    },
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(
    db: Database,
    *,
    max_body_bytes: int = 1_048_576,
    public_cache_entries: int = 2048,
    public_cache_refresh_ms: int = 1000,
) -> Any:
    graphql = JointCodeGraphQL(db)

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(_: Request) -> Response:
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            log.exception("readiness check failed")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def home(_: Request) -> Response:
        return HTMLResponse(await pages.home(db))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with db.transaction() as session:
            await code_versions.check(session=session)
        yield
        await db.dispose()

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *(Route(path, endpoint) for path, endpoint in open_data.routes(db).items()),
        ],
        lifespan=lifespan,
    )
    served: Any = app
    if public_cache_entries > 0:
        served = PublicCache(
            app,
            db=db,
            max_entries=public_cache_entries,
            refresh_seconds=public_cache_refresh_ms / 1000,
        )
    return BodySizeLimit(served, max_bytes=max_body_bytes)
