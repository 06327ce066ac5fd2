"""Cutting off clients that start a request and stall.

A client that sends half a request head, or a body slower than nothing, holds a
connection (and, once the app reads the body, a request slot) for as long as it likes:
uvicorn times out only idle keep-alive connections. This protocol closes a connection
when the client owes the server data (the rest of a request head or body) and sends
nothing for ``client_timeout`` seconds. Once the request is in, the application takes
over; between requests, uvicorn's keep-alive timeout applies as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_TIMEOUT_S = 10.0


def _no_delay(transport: asyncio.Transport) -> None:
    """Send each write at once (TCP_NODELAY). asyncio sets it on the sockets it accepts,
    but not on those of a socket handed over from another process, as uvicorn's workers'
    are: there a response's head and body met Nagle's algorithm and the client's delayed
    acknowledgement, and every answer waited 40 ms (23 requests/s on one connection)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class StallGuardedH11Protocol(H11Protocol):
    client_timeout: float = DEFAULT_TIMEOUT_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stall: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # uvicorn declares BaseTransport
        super().connection_made(transport)
        _no_delay(transport)
        self._arm()  # a new connection owes us a request head

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and (
            self.conn.their_state is h11.SEND_BODY or self.conn.trailing_data[0]
        ):
            self._arm()  # part of a head or body is in: the rest must follow
        else:
            self._disarm()

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
        if not self.transport.is_closing():
            self.logger.info("closing a connection whose client stalled mid-request")
            if self.cycle is not None and not self.cycle.response_complete:
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()


class FromEnvironment(StallGuardedH11Protocol):
    """The protocol with ``JOINTCODE_CLIENT_TIMEOUT_MS``, importable by name (uvicorn's
    worker processes take the protocol by its import path)."""

    client_timeout = int(os.environ.get("JOINTCODE_CLIENT_TIMEOUT_MS") or 10_000) / 1000


def protocol(client_timeout_s: float) -> type[StallGuardedH11Protocol]:
    """The protocol class for uvicorn's ``http=`` with this timeout."""
    return type("StallGuardedH11", (StallGuardedH11Protocol,), {"client_timeout": client_timeout_s})
