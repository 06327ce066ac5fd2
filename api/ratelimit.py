"""Rate limits per client address: anonymous traffic, and failed authentication.

Anonymous requests (no ``Authorization`` header) share one budget per address, so one
client varying queries cannot take the service to the database's pace for everyone;
failed authentications (HTTP 401) have a much smaller one, so guessing tokens is slow
and noisy. Parties' authenticated traffic is not limited here. Over a limit: HTTP 429
with ``Retry-After``, before anything else runs. Budgets live in this process's memory
(``limits``, moving window). The client address is the connection's, or the one a proxy
named in ``JOINTCODE_TRUSTED_PROXIES`` forwarded (``create_app``); whether a request
carries a token is what ``api.auth.Credentials`` read, the same reading authentication uses.
"""

from __future__ import annotations

import json
import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import CREDENTIAL


class Budget:
    """A per-address budget checked where the request is understood (filing a report,
    from the form or from GraphQL), beside the blanket limits below."""

    def __init__(self, rate: str | None) -> None:
        self.item: RateLimitItem | None = parse(rate) if rate else None
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def allow(self, address: str) -> bool:
        return self.item is None or self.limiter.hit(self.item, "budget", address)

    def wait(self, address: str) -> int:
        """0 and one use of the budget when ``address`` may go ahead, else the seconds
        until it may (so the form can say how long)."""
        if self.allow(address):
            return 0
        assert self.item is not None
        stats = self.limiter.get_window_stats(self.item, "budget", address)
        return max(1, math.ceil(stats.reset_time - time.time()))


class RateLimit:
    def __init__(self, app: ASGIApp, *, anonymous: str | None, failed_auth: str | None) -> None:
        self.app = app
        self.anonymous: RateLimitItem | None = parse(anonymous) if anonymous else None
        self.failed_auth: RateLimitItem | None = parse(failed_auth) if failed_auth else None
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        has_token = scope.get(CREDENTIAL) is not None
        if has_token and self.failed_auth is not None:
            if not self.limiter.test(self.failed_auth, "auth", address):
                message = "Too many failed authentications from your address."
                await self._refuse(send, self.failed_auth, "auth", address, message)
                return
        elif not has_token and self.anonymous is not None:
            if not self.limiter.hit(self.anonymous, "anonymous", address):
                message = "Too many requests from your address."
                await self._refuse(send, self.anonymous, "anonymous", address, message)
                return

        async def watch(message: Message) -> None:
            if (
                message["type"] == "http.response.start"
                and message["status"] == 401
                and self.failed_auth is not None
            ):
                self.limiter.hit(self.failed_auth, "auth", address)
            await send(message)

        await self.app(scope, receive, watch if has_token else send)

    async def _refuse(
        self, send: Send, item: RateLimitItem, kind: str, address: str, message: str
    ) -> None:
        reset = self.limiter.get_window_stats(item, kind, address).reset_time
        retry = max(1, math.ceil(reset - time.time()))
        body = json.dumps(
            {"errors": [{"message": f"{message} Retry after {retry} s.",
                         "extensions": {"code": "RATE_LIMITED", "retryAfter": retry}}]}
        ).encode()  # fmt: skip
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"retry-after", str(retry).encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
