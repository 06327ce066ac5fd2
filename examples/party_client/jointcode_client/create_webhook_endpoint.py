from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import EndpointSummary, Problems


class CreateWebhookEndpoint(BaseModel):
    create_webhook_endpoint: "CreateWebhookEndpointCreateWebhookEndpoint" = Field(
        alias="createWebhookEndpoint"
    )


class CreateWebhookEndpointCreateWebhookEndpoint(BaseModel):
    endpoint: Optional["CreateWebhookEndpointCreateWebhookEndpointEndpoint"]
    secret: Optional[str]
    errors: list["CreateWebhookEndpointCreateWebhookEndpointErrors"]


CreateWebhookEndpointCreateWebhookEndpointEndpoint = EndpointSummary
CreateWebhookEndpointCreateWebhookEndpointErrors = Problems
CreateWebhookEndpoint.model_rebuild()
CreateWebhookEndpointCreateWebhookEndpoint.model_rebuild()
