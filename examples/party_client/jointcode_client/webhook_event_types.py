from pydantic import Field

from .base_model import BaseModel


class WebhookEventTypes(BaseModel):
    webhook_event_types: list["WebhookEventTypesWebhookEventTypes"] = Field(
        alias="webhookEventTypes"
    )


class WebhookEventTypesWebhookEventTypes(BaseModel):
    type_: str = Field(alias="type")
    description: str


WebhookEventTypes.model_rebuild()
