from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import CaseState, UserErrorCode


class CaseSummary(BaseModel):
    id: str
    reference: str
    state: CaseState
    version: int
    allowed_next_steps: list[str] = Field(alias="allowedNextSteps")


class Problems(BaseModel):
    code: UserErrorCode
    field: Optional[list[str]]
    message: str


CaseSummary.model_rebuild()
Problems.model_rebuild()
