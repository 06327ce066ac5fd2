from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems


class DecideCase(BaseModel):
    decide_case: "DecideCaseDecideCase" = Field(alias="decideCase")


class DecideCaseDecideCase(BaseModel):
    case: Optional["DecideCaseDecideCaseCase"]
    errors: list["DecideCaseDecideCaseErrors"]


DecideCaseDecideCaseCase = CaseSummary
DecideCaseDecideCaseErrors = Problems
DecideCase.model_rebuild()
DecideCaseDecideCase.model_rebuild()
