from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import Problems


class PublishRelease(BaseModel):
    publish_release: "PublishReleasePublishRelease" = Field(alias="publishRelease")


class PublishReleasePublishRelease(BaseModel):
    release: Optional["PublishReleasePublishReleaseRelease"]
    errors: list["PublishReleasePublishReleaseErrors"]


class PublishReleasePublishReleaseRelease(BaseModel):
    number: int
    record_count: int = Field(alias="recordCount")
    content_hash: str = Field(alias="contentHash")
    previous_hash: Optional[str] = Field(alias="previousHash")


PublishReleasePublishReleaseErrors = Problems
PublishRelease.model_rebuild()
PublishReleasePublishRelease.model_rebuild()
