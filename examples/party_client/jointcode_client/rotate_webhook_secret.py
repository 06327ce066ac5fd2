from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import EndpointSummary, Problems


class RotateWebhookSecret(BaseModel):
    rotate_webhook_secret: "RotateWebhookSecretRotateWebhookSecret" = Field(
        alias="rotateWebhookSecret"
    )


class RotateWebhookSecretRotateWebhookSecret(BaseModel):
    endpoint: Optional["RotateWebhookSecretRotateWebhookSecretEndpoint"]
    secret: Optional[str]
    errors: list["RotateWebhookSecretRotateWebhookSecretErrors"]


RotateWebhookSecretRotateWebhookSecretEndpoint = EndpointSummary
RotateWebhookSecretRotateWebhookSecretErrors = Problems
RotateWebhookSecret.model_rebuild()
RotateWebhookSecretRotateWebhookSecret.model_rebuild()
