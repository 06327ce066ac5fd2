"""A client that sends half a request is cut off; one that sends it all is answered: on
both of uvicorn's HTTP protocols the guard extends (httptools, the default, and h11)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api.slowclients import protocol

TIMEOUT_S = 0.5


async def _echo(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"{len(await request.body())} bytes")


@pytest.fixture(params=["httptools", "h11"])
async def port(request: pytest.FixtureRequest) -> AsyncIterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    app = Starlette(routes=[Route("/", _echo, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=free, log_level="warning",
                            http=protocol(TIMEOUT_S, request.param), lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no started event)
        await asyncio.sleep(0.01)
    yield free
    server.should_exit = server.force_exit = True  # never wait on a stalled test client
    await task


async def _closed_after(port: int, sent: bytes) -> tuple[float, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(sent)
    await writer.drain()
    started = time.monotonic()
    answer = await asyncio.wait_for(reader.read(), timeout=10)  # until the server closes
    writer.close()
    return time.monotonic() - started, answer


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connects and says nothing
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Le",  # half a request head
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789",  # half a body
    ],
)
async def test_a_stalled_request_is_cut_off(port: int, sent: bytes) -> None:
    waited, answer = await _closed_after(port, sent)
    assert waited < TIMEOUT_S * 6, waited  # closed by the server, not by the test's timeout
    assert b"bytes" not in answer  # never reached the application as a full request


async def test_a_complete_request_is_answered(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"3 bytes"), timeout=5)
    assert head.startswith(b"HTTP/1.1 200")
    await asyncio.sleep(TIMEOUT_S * 2)  # an idle keep-alive is uvicorn's business, not a stall
    writer.close()
