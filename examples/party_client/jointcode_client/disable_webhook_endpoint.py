from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import EndpointSummary, Problems


class DisableWebhookEndpoint(BaseModel):
    disable_webhook_endpoint: "DisableWebhookEndpointDisableWebhookEndpoint" = Field(
        alias="disableWebhookEndpoint"
    )


class DisableWebhookEndpointDisableWebhookEndpoint(BaseModel):
    endpoint: Optional["DisableWebhookEndpointDisableWebhookEndpointEndpoint"]
    errors: list["DisableWebhookEndpointDisableWebhookEndpointErrors"]


DisableWebhookEndpointDisableWebhookEndpointEndpoint = EndpointSummary
DisableWebhookEndpointDisableWebhookEndpointErrors = Problems
DisableWebhookEndpoint.model_rebuild()
DisableWebhookEndpointDisableWebhookEndpoint.model_rebuild()
