"""Admission: GraphQL requests take turns instead of all running at once.

On one worker the CPU is the limit (a page of 100 cases with every field is about 6,000
resolved fields, ~110 ms here), so running 200 requests at once makes every one of them
slow and holds database connections until the pool times out. Instead each lane admits
a few requests at a time and the rest wait their turn, first come first served, for up
to ``queue_seconds``; only then does a request get ``SERVICE_BUSY`` (HTTP 503 with
``Retry-After``). Lanes keep kinds of traffic from queueing behind each other: anonymous
requests, a party's reads, and writes (mutations), so a writer is never stuck behind a
party's sync or a public flood. Lanes are scheduling only: permissions are checked as
before, whatever a request claims to be.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from graphql import OperationType
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import bearer_secret
from api.bodies import read_body, replay_body
from graphql_runtime.hardening import operation_type
from schema.masking import RETRY_AFTER_S

log = logging.getLogger("jointcode.admission")
LANES = ("anonymous", "reads", "writes")


def is_mutation(body: bytes) -> bool:
    """The operation this body would run is a mutation, read from the parsed document (a
    fragment, a comment or another operation may come first); anything that does not parse
    is not one, and GraphQL answers it with its own error."""
    try:
        request = json.loads(body)
        query, name = request.get("query"), request.get("operationName")
    except (ValueError, AttributeError, RecursionError):
        return False
    if not isinstance(query, str) or not (name is None or isinstance(name, str)):
        return False
    try:
        return operation_type(query, name) is OperationType.MUTATION
    except RecursionError:  # nested past what the parser follows: not an operation
        return False


class Admission:
    def __init__(
        self, app: ASGIApp, *, concurrent: int = 8, queue_seconds: float = 60.0,
        path: str = "/graphql",
    ) -> None:  # fmt: skip
        self.app, self.path, self.queue_seconds = app, path, queue_seconds
        self.lanes = {lane: asyncio.Semaphore(concurrent) for lane in LANES}
        self.waiting = dict.fromkeys(LANES, 0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
            await self.app(scope, receive, send)  # GraphiQL's page
            return
        body = await read_body(receive) if scope["method"] == "POST" else b""
        if bearer_secret(scope) is None:
            lane = "anonymous"
        else:
            lane = "writes" if is_mutation(body) else "reads"
        await self._in_turn(lane, lambda: self.app(scope, replay_body(body), send), send)

    async def _in_turn(self, lane: str, run: Callable[[], Awaitable[None]], send: Send) -> None:
        semaphore = self.lanes[lane]
        self.waiting[lane] += 1
        try:
            await asyncio.wait_for(semaphore.acquire(), self.queue_seconds)
        except TimeoutError:
            log.warning("%s lane: no turn within %.0f s", lane, self.queue_seconds)
            await _busy(send)
            return
        finally:
            self.waiting[lane] -= 1
        try:
            await run()
        finally:
            semaphore.release()


async def _busy(send: Send) -> None:
    response = JSONResponse(
        {"errors": [{"message": f"The service is busy: retry in {RETRY_AFTER_S} s.",
                     "extensions": {"code": "SERVICE_BUSY", "retryAfter": RETRY_AFTER_S}}]},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )  # fmt: skip

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response({"type": "http"}, no_body, send)
