"""A party's webhook endpoints: where its own systems hear of reports and deadlines.

Messages follow the Standard Webhooks specification (``standardwebhooks``): a body
``{"type", "timestamp", "data"}`` and the headers ``webhook-id``, ``webhook-timestamp``
and ``webhook-signature`` (HMAC-SHA256 under the endpoint's ``whsec_`` secret). The
secret is shown once, when the endpoint is made or its secret is rotated, and is stored
only wrapped under the service's key. Events are written by the database in the same
transaction as the change (``webhook_enqueue()``); ``api.webhooks`` delivers them. Payloads
carry ids and coded facts only, never what a reporter wrote.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db import envelope
from db.errors import DomainError, DomainErrors
from parties.errors import PartyErrorCode

EVENT_TYPES: dict[str, str] = {
    "report.received": "A report from the public was filed with your party.",
    "report.transferred_in": "Another party transferred a report to yours.",
    "report.information_added": "The reporter added information to a report.",
    "report.withdrawn": "The reporter withdrew a report.",
    "report.deadline_approaching": "A report waits for your decision and its triage deadline "
    "is within the warning window.",
    "report.overdue": "A report waits past its triage deadline.",
    "case.deadline_approaching": "A case's next deadline is within the warning window.",
    "case.overdue": "A case's next step is past its deadline.",
}
MAX_ENDPOINTS = 10


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: UUID
    url: str
    description: str
    event_types: list[str]
    created_at: datetime
    disabled_at: datetime | None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    message_id: str
    event_type: str
    endpoint_id: UUID
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    dead_at: datetime | None
    last_status: int | None
    last_error: str | None

    @property
    def state(self) -> str:
        return "delivered" if self.delivered_at else "dead" if self.dead_at else "pending"


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def check_url(url: str, *, allow_http: bool) -> None:
    """HTTPS only (plain HTTP where the operator allows it, for a local receiver), no
    credentials in the address, at most 500 characters."""
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if (
        len(url) > 500
        or parts.scheme not in schemes
        or not parts.hostname
        or parts.username
        or parts.password
    ):
        raise DomainError(
            PartyErrorCode.INVALID_WEBHOOK_URL,
            "An endpoint is an https:// address of at most 500 characters, without a user "
            "name or password in it.",
            field=("url",),
        )


def _check_types(event_types: list[str]) -> list[str]:
    unknown = [t for t in event_types if t not in EVENT_TYPES]
    if unknown:
        raise DomainErrors(
            [
                DomainError(
                    PartyErrorCode.UNKNOWN_EVENT_TYPE,
                    f"Unknown event type {t[:40]!r}; one of {', '.join(EVENT_TYPES)}.",
                    field=("eventTypes", str(n)),
                )
                for n, t in enumerate(event_types)
                if t in unknown
            ]
        )
    return sorted(set(event_types))


_ENDPOINT_COLUMNS = "id, url, description, event_types, created_at, disabled_at"


async def create_endpoint(
    *,
    session: AsyncSession,
    kek: envelope.KeyEncryptionKey,
    party_id: UUID,
    url: str,
    description: str,
    event_types: list[str],
    allow_http: bool,
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (shown once). Only the party's administrators may
    (the database's policy)."""
    check_url(url, allow_http=allow_http)
    types = _check_types(event_types)
    if len(description) > 200:
        raise DomainError(
            PartyErrorCode.INVALID_NAME, "At most 200 characters.", field=("description",)
        )
    live = await session.scalar(
        text("SELECT count(*) FROM webhook_endpoints WHERE disabled_at IS NULL")
    )
    if int(live or 0) >= MAX_ENDPOINTS:
        raise DomainError(
            PartyErrorCode.INVALID_WEBHOOK_URL,
            f"At most {MAX_ENDPOINTS} endpoints at once: disable one first.",
            field=("url",),
        )
    secret = new_secret()
    row = (
        await session.execute(
            text(
                "INSERT INTO webhook_endpoints (party_id, url, description, event_types, "
                "wrapped_secret) VALUES (:p, :url, :d, :types, :w) "
                f"RETURNING {_ENDPOINT_COLUMNS}"
            ),
            {
                "p": party_id,
                "url": url,
                "d": description,
                "types": types,
                "w": kek.wrap(secret_bytes(secret), party_id=party_id),
            },
        )
    ).one()
    return _endpoint(row), secret


def _endpoint(row: Any) -> Endpoint:
    values = dict(row._mapping)
    values["event_types"] = list(values["event_types"])
    return Endpoint(**values)


async def list_endpoints(*, session: AsyncSession) -> list[Endpoint]:
    rows = await session.execute(
        text(f"SELECT {_ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id")
    )
    return [_endpoint(r) for r in rows]


def _not_found() -> DomainError:
    return DomainError(PartyErrorCode.WEBHOOK_NOT_FOUND, "No such endpoint.", field=("id",))


async def disable_endpoint(*, session: AsyncSession, endpoint_id: UUID) -> Endpoint:
    """Stop sending to it; what is waiting for it is no longer sent."""
    row = (
        await session.execute(
            text(
                "UPDATE webhook_endpoints SET disabled_at = coalesce(disabled_at, now()) "
                f"WHERE id = :id RETURNING {_ENDPOINT_COLUMNS}"
            ),
            {"id": endpoint_id},
        )
    ).first()
    if row is None:
        raise _not_found()
    return _endpoint(row)


async def rotate_secret(
    *, session: AsyncSession, kek: envelope.KeyEncryptionKey, party_id: UUID, endpoint_id: UUID
) -> tuple[Endpoint, str]:
    """A new secret at once (shown once); messages from now on are signed with it."""
    secret = new_secret()
    row = (
        await session.execute(
            text(
                "UPDATE webhook_endpoints SET wrapped_secret = :w WHERE id = :id "
                f"AND disabled_at IS NULL RETURNING {_ENDPOINT_COLUMNS}"
            ),
            {"id": endpoint_id, "w": kek.wrap(secret_bytes(secret), party_id=party_id)},
        )
    ).first()
    if row is None:
        raise _not_found()
    return _endpoint(row), secret


_DELIVERY_COLUMNS = (
    "d.id, ev.event_id AS message_id, ev.event_type, d.endpoint_id, ev.created_at, d.attempts, "
    "d.next_attempt_at, d.delivered_at, d.dead_at, d.last_status, d.last_error"
)
STATES = {
    "pending": "d.delivered_at IS NULL AND d.dead_at IS NULL",
    "delivered": "d.delivered_at IS NOT NULL",
    "dead": "d.dead_at IS NOT NULL",
}


async def list_deliveries(
    *, session: AsyncSession, states: list[str], first: int, after: int | None
) -> tuple[list[Delivery], bool]:
    """Newest first (keyset on the id): the dead-letter list is ``states=["dead"]``."""
    where = " OR ".join(f"({STATES[s]})" for s in states) or "true"
    rows = await session.execute(
        text(
            f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events ev "
            f"ON ev.id = d.event_id WHERE ({where}) AND (CAST(:after AS bigint) IS NULL "
            "OR d.id < :after) ORDER BY d.id DESC LIMIT :limit"
        ),
        {"after": after, "limit": first + 1},
    )
    found = [Delivery(**dict(r._mapping)) for r in rows]
    return found[:first], len(found) > first


async def count_deliveries(*, session: AsyncSession, states: list[str]) -> int:
    where = " OR ".join(f"({STATES[s]})" for s in states) or "true"
    return int(
        await session.scalar(text(f"SELECT count(*) FROM webhook_deliveries d WHERE {where}")) or 0
    )


async def get_delivery(*, session: AsyncSession, delivery_id: int) -> Delivery:
    row = (
        await session.execute(
            text(
                f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events ev "
                "ON ev.id = d.event_id WHERE d.id = :id"
            ),
            {"id": delivery_id},
        )
    ).first()
    if row is None:
        raise DomainError(PartyErrorCode.WEBHOOK_NOT_FOUND, "No such delivery.", field=("id",))
    return Delivery(**dict(row._mapping))


async def redeliver(*, session: AsyncSession, delivery_id: int) -> Delivery:
    """Send it again from the start: a dead one, or one the receiver lost."""
    await get_delivery(session=session, delivery_id=delivery_id)  # the party's own, or none
    await session.execute(text("SELECT webhook_redeliver(:id)"), {"id": delivery_id})
    return await get_delivery(session=session, delivery_id=delivery_id)
