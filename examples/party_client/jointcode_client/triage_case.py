from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems


class TriageCase(BaseModel):
    triage_case: "TriageCaseTriageCase" = Field(alias="triageCase")


class TriageCaseTriageCase(BaseModel):
    case: Optional["TriageCaseTriageCaseCase"]
    errors: list["TriageCaseTriageCaseErrors"]


TriageCaseTriageCaseCase = CaseSummary
TriageCaseTriageCaseErrors = Problems
TriageCase.model_rebuild()
TriageCaseTriageCase.model_rebuild()
