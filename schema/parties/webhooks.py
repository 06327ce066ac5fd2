"""A party's webhooks in the API: its endpoints (administrators), the event types, and
its deliveries with the dead-letter list and redelivery (administrators and officers).
The rules live in ``parties.webhooks``; delivery in ``api.webhooks``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from db.errors import DomainError
from db.pagination import Page, encode_cursor
from parties import webhooks
from parties.errors import PartyErrorCode
from parties.tokens import Role
from schema.context import RequestContext
from schema.copying import copied
from schema.errors import UserError, in_transaction
from schema.fields import field, mutation, public_field
from schema.permissions import require
from schema.relay import (
    Connection,
    connection_from_page,
    int_of,
    seq_after,
    to_global_id,
    uuid_of,
)

Ctx = Info[RequestContext, None]


@strawberry.type(description="An event a webhook endpoint may receive.")
class WebhookEventType:
    type: str
    description: str


@strawberry.type(description="Where your party's systems receive events, signed per the "
                 "Standard Webhooks specification.")  # fmt: skip
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    description: str
    event_types: list[str] = strawberry.field(description="Empty: every type.")
    created_at: datetime
    disabled_at: datetime | None

    @classmethod
    def of(cls, e: webhooks.Endpoint) -> WebhookEndpoint:
        return copied(cls, e, id=to_global_id("WebhookEndpoint", e.id))


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryState(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@strawberry.type(description="One event sent to one endpoint.")
class WebhookDelivery:
    id: strawberry.ID
    message_id: str = strawberry.field(description="The webhook-id header: drop repeats by it.")
    event_type: str
    endpoint_id: strawberry.ID
    created_at: datetime
    state: WebhookDeliveryState
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status: int | None = strawberry.field(description="The last HTTP status received.")
    last_error: str | None

    @classmethod
    def of(cls, d: webhooks.Delivery) -> WebhookDelivery:
        state = WebhookDeliveryState(d.state)
        return copied(
            cls,
            d,
            id=to_global_id("WebhookDelivery", d.id),
            endpoint_id=to_global_id("WebhookEndpoint", d.endpoint_id),
            state=state,
            next_attempt_at=d.next_attempt_at if state is WebhookDeliveryState.PENDING else None,
        )


def _delivery_of(global_id: str) -> int:
    not_found = DomainError(PartyErrorCode.WEBHOOK_NOT_FOUND, "No such delivery.", field=("id",))
    return int_of(global_id, "WebhookDelivery", not_found)


@strawberry.type
class WebhookQuery:
    @public_field(description="The event types an endpoint may subscribe to.")
    def webhook_event_types(self) -> list[WebhookEventType]:
        return [WebhookEventType(type=t, description=d) for t, d in webhooks.EVENT_TYPES.items()]

    @field(description="Your party's webhook endpoints (administrators).")
    async def webhook_endpoints(self, info: Ctx) -> list[WebhookEndpoint]:
        viewer = require(info, Role.PARTY_ADMIN)
        async with info.context.db.transaction(party_id=viewer.party_id) as session:
            return [WebhookEndpoint.of(e) for e in await webhooks.list_endpoints(session=session)]

    @field(
        description="Your party's deliveries, newest first; states: [DEAD] is the dead-letter list."
    )
    async def webhook_deliveries(
        self,
        info: Ctx,
        first: int = 20,
        after: str | None = None,
        states: list[WebhookDeliveryState] | None = None,
    ) -> Connection[WebhookDelivery]:
        viewer = require(info, Role.PARTY_ADMIN, Role.OFFICER)
        key = seq_after("delivery", first, after, None)
        async with info.context.db.transaction(party_id=viewer.party_id) as session:
            wanted = [s.value for s in states or []]
            found, more = await webhooks.list_deliveries(
                session=session, states=wanted, first=first, after=key
            )
            total = await webhooks.count_deliveries(session=session, states=wanted)
        page = Page(
            items=[(encode_cursor("delivery", [d.id]), d) for d in found],
            has_next_page=more,
            total_count=total,
        )
        return connection_from_page(page, WebhookDelivery.of, after=after)


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="https:// only (see JOINTCODE_WEBHOOK_ALLOW_HTTP).")
    description: str = ""
    event_types: list[str] = strawberry.field(
        default_factory=list, description="webhookEventTypes; empty: every type."
    )


@strawberry.input
class WebhookEndpointIdInput:
    id: strawberry.ID


@strawberry.input
class RedeliverWebhookInput:
    id: strawberry.ID = strawberry.field(description="A WebhookDelivery's id.")


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(
        description="The signing secret (whsec_…): shown this once, never again."
    )
    errors: list[UserError]


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None
    errors: list[UserError]


def _endpoint_of(global_id: str) -> UUID:
    return uuid_of(
        global_id,
        "WebhookEndpoint",
        DomainError(PartyErrorCode.WEBHOOK_NOT_FOUND, "No such endpoint.", field=("id",)),
    )


async def _with_secret(
    info: Ctx,
    make: Callable[[AsyncSession, UUID, RequestContext], Awaitable[tuple[webhooks.Endpoint, str]]],
) -> WebhookEndpointPayload:
    """``make(session, party_id, context)`` by a party administrator, in one transaction:
    an endpoint and its new secret, shown this once; or why not."""
    party_id = require(info, Role.PARTY_ADMIN).own_party
    context = info.context

    async def work(session: AsyncSession) -> tuple[webhooks.Endpoint, str]:
        return await make(session, party_id, context)

    made, errors = await in_transaction(context, party_id, work)
    return WebhookEndpointPayload(
        endpoint=WebhookEndpoint.of(made[0]) if made else None,
        secret=made[1] if made else None,
        errors=errors,
    )


@strawberry.type
class WebhookMutation:
    @mutation(description="Add an endpoint (administrators); its secret is shown once.")
    async def create_webhook_endpoint(
        self, info: Ctx, input: CreateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        return await _with_secret(
            info,
            lambda session, party_id, context: webhooks.create_endpoint(
                session=session, kek=context.kek, party_id=party_id, url=input.url,
                description=input.description, event_types=list(input.event_types),
                allow_http=context.webhook_allow_http,
            ),
        )  # fmt: skip

    @mutation(description="A new signing secret at once (administrators).")
    async def rotate_webhook_secret(
        self, info: Ctx, input: WebhookEndpointIdInput
    ) -> WebhookEndpointPayload:
        return await _with_secret(
            info,
            lambda session, party_id, context: webhooks.rotate_secret(
                session=session, kek=context.kek, party_id=party_id,
                endpoint_id=_endpoint_of(input.id),
            ),
        )  # fmt: skip

    @mutation(description="Stop sending to an endpoint (administrators).")
    async def disable_webhook_endpoint(
        self, info: Ctx, input: WebhookEndpointIdInput
    ) -> WebhookEndpointPayload:
        viewer = require(info, Role.PARTY_ADMIN)

        async def work(session: AsyncSession) -> webhooks.Endpoint:
            return await webhooks.disable_endpoint(
                session=session, endpoint_id=_endpoint_of(input.id)
            )

        done, errors = await in_transaction(info.context, viewer.party_id, work)
        return WebhookEndpointPayload(
            endpoint=WebhookEndpoint.of(done) if done else None, secret=None, errors=errors
        )

    @mutation(description="Send a delivery again from the start (dead, or lost).")
    async def redeliver_webhook(
        self, info: Ctx, input: RedeliverWebhookInput
    ) -> WebhookDeliveryPayload:
        viewer = require(info, Role.PARTY_ADMIN, Role.OFFICER)

        async def work(session: AsyncSession) -> webhooks.Delivery:
            return await webhooks.redeliver(session=session, delivery_id=_delivery_of(input.id))

        done, errors = await in_transaction(info.context, viewer.party_id, work)
        return WebhookDeliveryPayload(
            delivery=WebhookDelivery.of(done) if done else None, errors=errors
        )
