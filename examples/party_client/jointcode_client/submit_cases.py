from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems


class SubmitCases(BaseModel):
    submit_cases: "SubmitCasesSubmitCases" = Field(alias="submitCases")


class SubmitCasesSubmitCases(BaseModel):
    created: int
    already_present: int = Field(alias="alreadyPresent")
    rejected: int
    results: list["SubmitCasesSubmitCasesResults"]
    errors: list["SubmitCasesSubmitCasesErrors"]


class SubmitCasesSubmitCasesResults(BaseModel):
    index: int
    created: bool
    case: Optional["SubmitCasesSubmitCasesResultsCase"]
    errors: list["SubmitCasesSubmitCasesResultsErrors"]


SubmitCasesSubmitCasesResultsCase = CaseSummary
SubmitCasesSubmitCasesResultsErrors = Problems
SubmitCasesSubmitCasesErrors = Problems
SubmitCases.model_rebuild()
SubmitCasesSubmitCases.model_rebuild()
SubmitCasesSubmitCasesResults.model_rebuild()
