"""A request's body read once by a middleware and replayed to the app behind it.

Starlette's ``Request.body()`` reads it too, but the app behind the middleware receives from
the original channel, which is then empty; the cache and admission both need the body before
the app and the app needs it after them.
"""

from __future__ import annotations

from starlette.types import Message, Receive


async def read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        chunk: bytes = message.get("body", b"")
        body += chunk
        if not message.get("more_body"):
            return body


def replay_body(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
