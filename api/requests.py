"""Every request gets an id: the caller's ``X-Request-Id`` when it is a plain token, else a
new one. It is sent back in ``X-Request-Id``, written in every log line of the request
(``api.logs``), and named in PostgreSQL's ``application_name`` for the request's
transactions, so one slow request can be followed from the proxy to the database."""

from __future__ import annotations

import itertools
import os
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.session import REQUEST_ID

PLAIN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# A new id is this process's random prefix and a count: unique across processes and
# restarts without a system call per request (ids name requests; they guard nothing)
_PREFIX = os.urandom(5).hex()
_COUNT = itertools.count(1)


def new_id() -> str:
    return f"{_PREFIX}{next(_COUNT):06x}"


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next(
            (v.decode("latin-1") for k, v in scope.get("headers") or [] if k == b"x-request-id"), ""
        )
        request_id = given if given and PLAIN.match(given) else new_id()
        token = REQUEST_ID.set(request_id)

        tag = (b"x-request-id", request_id.encode())

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", ()) if h[0] != b"x-request-id"]
                headers.append(tag)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            REQUEST_ID.reset(token)
