"""A real HTTP receiver for the webhook tests: uvicorn serving a small app that keeps
every request, answers with the status it is told, and can stop and start again on
the same port, so the tests exercise a receiver that is down and comes back."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    port: int = field(default_factory=free_port)
    status: int = 200
    requests: list[Received] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[Any] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> Receiver:
        async def hook(request: Request) -> PlainTextResponse:
            self.requests.append(Received(dict(request.headers), await request.body(), self.status))
            return PlainTextResponse("ok" if self.status < 300 else "down", status_code=self.status)

        app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")  # fmt: skip
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        for _ in range(500):  # ten seconds at most
            if self._server.started:
                return self
            await asyncio.sleep(0.02)
        raise RuntimeError("the receiver did not start")

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None

    def accepted(self, secret: str) -> dict[str, dict[str, Any]]:
        """What an idempotent receiver keeps: each verified message once, by webhook-id,
        from the requests it answered with success."""
        kept: dict[str, dict[str, Any]] = {}
        hook = Webhook(secret)
        for r in self.requests:
            if not 200 <= r.answered < 300:
                continue
            payload = hook.verify(r.body, r.headers)  # raises on a bad signature
            kept.setdefault(r.headers["webhook-id"], payload)
        return kept
