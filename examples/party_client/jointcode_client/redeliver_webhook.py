from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import WebhookDeliveryState
from .fragments import Problems


class RedeliverWebhook(BaseModel):
    redeliver_webhook: "RedeliverWebhookRedeliverWebhook" = Field(
        alias="redeliverWebhook"
    )


class RedeliverWebhookRedeliverWebhook(BaseModel):
    delivery: Optional["RedeliverWebhookRedeliverWebhookDelivery"]
    errors: list["RedeliverWebhookRedeliverWebhookErrors"]


class RedeliverWebhookRedeliverWebhookDelivery(BaseModel):
    id: str
    state: WebhookDeliveryState
    attempts: int


RedeliverWebhookRedeliverWebhookErrors = Problems
RedeliverWebhook.model_rebuild()
RedeliverWebhookRedeliverWebhook.model_rebuild()
