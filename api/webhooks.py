"""Delivering the webhook outbox (``webhook_enqueue()``) to the parties' endpoints.

The database writes each event in the same transaction as the change it tells of.
This worker leases due deliveries (``webhook_claim``), posts each one, signed by
``standardwebhooks``, and records the result (``webhook_record``). A failure is tried
again with exponential backoff and jitter, starting at ``retry_ms`` and capped at ten
hours, up to ``max_attempts``. After that the delivery is dead and a party's officer
can redeliver it. A process killed between lease and record loses nothing: the lease
runs out and the delivery is tried again. A receiver that keeps the ``webhook-id``
drops the repeat.

Endpoints are addresses the parties choose, so the worker refuses to post to private,
loopback or link-local addresses, unless the operator allows it
(``JOINTCODE_WEBHOOK_ALLOW_PRIVATE``, for a receiver on the same host). Redirects are
not followed. The check runs when the address is resolved, just before connecting. A
DNS answer that changes between the two is not caught, a residual recorded in
docs/DEPLOYMENT.md.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import random
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import text
from standardwebhooks import Webhook

from codes import clock
from db.envelope import KeyEncryptionKey
from db.session import Database

log = logging.getLogger("jointcode.webhooks")
BATCH = 20
MAX_BACKOFF = timedelta(hours=10)


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    allow_http: bool = False  # plain http:// endpoints (a receiver on this host, tests)
    allow_private: bool = False  # private, loopback and link-local addresses
    retry_ms: int = 5_000  # the first retry's delay; each next one doubles
    max_attempts: int = 10
    poll_ms: int = 1_000
    timeout_ms: int = 10_000
    warning_days: int = 2  # a deadline this close is told once
    lease_seconds: int = 60  # a leased delivery not recorded by then is tried again


def backoff(attempts: int, retry_ms: int) -> timedelta:
    """The wait before the next try after ``attempts`` failures, with up to 20% jitter
    so that receivers coming back are not hit all at once."""
    base = timedelta(milliseconds=retry_ms) * (2 ** max(attempts - 1, 0))
    wait: timedelta = min(base, MAX_BACKOFF) * (1 + random.random() * 0.2)
    return wait


async def _public_address(url: str) -> str | None:
    """Why the endpoint's host may not be posted to, or None."""
    host = urlsplit(url).hostname or ""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot resolve {host}: {exc}"
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global:
            return f"{host} resolves to a non-public address ({ip})"
    return None


class Deliverer:
    def __init__(self, db: Database, kek: KeyEncryptionKey, settings: WebhookSettings) -> None:
        self.db = db
        self.kek = kek
        self.settings = settings
        self.client = httpx.AsyncClient(
            timeout=settings.timeout_ms / 1000, follow_redirects=False, trust_env=False
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def run_once(self) -> int:
        """Lease and post what is due; returns how many were tried."""
        async with self.db.transaction() as session:
            leased = (
                await session.execute(
                    text("SELECT * FROM webhook_claim(:n, :lease)"),
                    {"n": BATCH, "lease": self.settings.lease_seconds},
                )
            ).all()
        if leased:
            await asyncio.gather(*(self._deliver(row) for row in leased))
        return len(leased)

    async def _deliver(self, row: Any) -> None:
        body = json.dumps(row.payload, separators=(",", ":"), sort_keys=True).encode()
        status: int | None = None
        error: str | None = None
        refused = None if self.settings.allow_private else await _public_address(row.url)
        if refused:
            error = refused
        else:
            secret = self.kek.unwrap(bytes(row.wrapped_secret), party_id=row.party_id)
            now = clock.now().astimezone(UTC)
            headers = {
                "content-type": "application/json",
                "user-agent": "JointCode-Webhooks/1",
                "webhook-id": row.message_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": Webhook(secret).sign(row.message_id, now, body),
            }
            try:
                response = await self.client.post(row.url, content=body, headers=headers)
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
        attempts = row.attempts + 1
        dead = error is not None and attempts >= self.settings.max_attempts
        retry_at = datetime.now(UTC) + backoff(attempts, self.settings.retry_ms)
        async with self.db.transaction() as session:
            await session.execute(
                text("SELECT webhook_record(:id, :ok, :status, :error, :retry, :dead)"),
                {
                    "id": row.delivery_id,
                    "ok": error is None,
                    "status": status,
                    "error": error,
                    "retry": retry_at,
                    "dead": dead,
                },
            )
        if error:
            log.info("webhook %s to %s failed (attempt %d): %s", row.message_id,
                     urlsplit(row.url).hostname, attempts, error)  # fmt: skip

    async def scan_deadlines(self, *, triage_days: int) -> int:
        async with self.db.transaction() as session:
            return int(
                await session.scalar(
                    text("SELECT webhook_scan_deadlines(:w, :t)"),
                    {"w": self.settings.warning_days, "t": triage_days},
                )
                or 0
            )

    async def forever(self) -> None:
        """The service's loop: deliver what is due (deadline events are the scheduler's)."""
        while True:
            try:
                while await self.run_once() == BATCH:
                    pass
            except Exception:  # the next round tries again; nothing is lost meanwhile
                log.exception("delivering webhooks failed")
            await asyncio.sleep(self.settings.poll_ms / 1000)
