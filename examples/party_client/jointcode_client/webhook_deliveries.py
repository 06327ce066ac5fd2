from datetime import datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import WebhookDeliveryState


class WebhookDeliveries(BaseModel):
    webhook_deliveries: "WebhookDeliveriesWebhookDeliveries" = Field(
        alias="webhookDeliveries"
    )


class WebhookDeliveriesWebhookDeliveries(BaseModel):
    total_count: int = Field(alias="totalCount")
    edges: list["WebhookDeliveriesWebhookDeliveriesEdges"]
    page_info: "WebhookDeliveriesWebhookDeliveriesPageInfo" = Field(alias="pageInfo")


class WebhookDeliveriesWebhookDeliveriesEdges(BaseModel):
    cursor: str
    node: "WebhookDeliveriesWebhookDeliveriesEdgesNode"


class WebhookDeliveriesWebhookDeliveriesEdgesNode(BaseModel):
    id: str
    message_id: str = Field(alias="messageId")
    event_type: str = Field(alias="eventType")
    endpoint_id: str = Field(alias="endpointId")
    created_at: datetime = Field(alias="createdAt")
    state: WebhookDeliveryState
    attempts: int
    next_attempt_at: Optional[datetime] = Field(alias="nextAttemptAt")
    delivered_at: Optional[datetime] = Field(alias="deliveredAt")
    last_status: Optional[int] = Field(alias="lastStatus")
    last_error: Optional[str] = Field(alias="lastError")


class WebhookDeliveriesWebhookDeliveriesPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


WebhookDeliveries.model_rebuild()
WebhookDeliveriesWebhookDeliveries.model_rebuild()
WebhookDeliveriesWebhookDeliveriesEdges.model_rebuild()
