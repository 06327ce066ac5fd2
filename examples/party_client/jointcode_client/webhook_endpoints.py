from pydantic import Field

from .base_model import BaseModel
from .fragments import EndpointSummary


class WebhookEndpoints(BaseModel):
    webhook_endpoints: list["WebhookEndpointsWebhookEndpoints"] = Field(
        alias="webhookEndpoints"
    )


WebhookEndpointsWebhookEndpoints = EndpointSummary
WebhookEndpoints.model_rebuild()
