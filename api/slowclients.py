"""Cutting off clients that start a request and stall.

A client that sends half a request head, or a body slower than nothing, holds a
connection (and, once the app reads the body, a request slot) for as long as it likes:
uvicorn times out only idle keep-alive connections. These protocols close a connection
when the client owes the server data (the rest of a request head or body) and sends
nothing for ``client_timeout`` seconds. Once the request is in, the application takes
over; between requests, uvicorn's keep-alive timeout applies as before.

uvicorn offers no public hook for this: the guard extends its two HTTP protocols, h11
(pure Python) and httptools (llhttp, in C: the default, measured faster in
bench/publication.py). tests/test_slow_clients.py holds both to the same behaviour, so
an upgrade of uvicorn that moves what the guard relies on fails there. Behind a proxy
that buffers requests the proxy does this job as well (docs/DEPLOYMENT.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.settings import Settings

DEFAULT_TIMEOUT_S = 10.0


def _no_delay(transport: asyncio.BaseTransport) -> None:
    """Send each write at once (TCP_NODELAY). asyncio sets it on the sockets it accepts,
    but not on those of a socket handed over from another process, as uvicorn's workers'
    are: there a response's head and body met Nagle's algorithm and the client's delayed
    acknowledgement, and every answer waited 40 ms (23 requests/s on one connection)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _StallGuard(asyncio.Protocol):
    """The timer: armed while the client owes data, closing the connection when it fires.
    Mixed into uvicorn's protocols (before them), whose transport, loop, cycle and flow it
    uses."""

    client_timeout: float = DEFAULT_TIMEOUT_S
    _stall: asyncio.TimerHandle | None = None
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any
    flow: Any
    logger: Any

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # the protocol's, after this mixin
        _no_delay(transport)
        self._arm()  # a new connection owes us a request head

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._stall = self.loop.call_later(self.client_timeout, self._stalled)

    def _disarm(self) -> None:
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    def _stalled(self) -> None:
        self._stall = None
        if self.transport.is_closing():
            return
        if self.flow is not None and self.flow.read_paused:
            self._arm()  # the server stopped reading, not the client sending
            return
        self.logger.info("closing a connection whose client stalled mid-request")
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.close()


class StallGuardedH11Protocol(_StallGuard, H11Protocol):
    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and (
            self.conn.their_state is h11.SEND_BODY or self.conn.trailing_data[0]
        ):
            self._arm()  # part of a head or body is in: the rest must follow
        else:
            self._disarm()


class StallGuardedHttpToolsProtocol(_StallGuard, HttpToolsProtocol):
    """llhttp says when a request begins (its first byte) and when it is complete; in
    between, the client owes the rest."""

    _owing = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._owing = True

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._owing = False

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._owing:
            self._arm()  # part of a head or body is in: the rest must follow
        else:
            self._disarm()


PROTOCOLS: dict[str, type[StallGuardedH11Protocol | StallGuardedHttpToolsProtocol]] = {
    "httptools": StallGuardedHttpToolsProtocol,
    "h11": StallGuardedH11Protocol,
}


def protocol(
    client_timeout_s: float, http: str = "httptools"
) -> type[StallGuardedH11Protocol | StallGuardedHttpToolsProtocol]:
    """The protocol class for uvicorn's ``http=``: ``httptools`` or ``h11``, with this
    timeout."""
    base = PROTOCOLS[http]
    return type(f"StallGuarded_{http}", (base,), {"client_timeout": client_timeout_s})


def from_environment() -> type[StallGuardedH11Protocol | StallGuardedHttpToolsProtocol]:
    """The protocol ``JOINTCODE_HTTP`` and ``JOINTCODE_CLIENT_TIMEOUT_MS`` name, read as
    every other setting is (api.settings)."""
    settings = Settings.from_env()
    return protocol(settings.client_timeout_ms / 1000, settings.http)


# uvicorn's worker processes take the protocol by its import path
FromEnvironment = from_environment()
