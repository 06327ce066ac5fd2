from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import Problems


class PreviewRelease(BaseModel):
    preview_release: "PreviewReleasePreviewRelease" = Field(alias="previewRelease")


class PreviewReleasePreviewRelease(BaseModel):
    preview: Optional["PreviewReleasePreviewReleasePreview"]
    errors: list["PreviewReleasePreviewReleaseErrors"]


class PreviewReleasePreviewReleasePreview(BaseModel):
    id: str
    k: int
    record_count: int = Field(alias="recordCount")
    held_back_count: int = Field(alias="heldBackCount")
    k_reached: Optional[int] = Field(alias="kReached")
    l_reached: Optional[int] = Field(alias="lReached")


PreviewReleasePreviewReleaseErrors = Problems
PreviewRelease.model_rebuild()
PreviewReleasePreviewRelease.model_rebuild()
