from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems


class RecordAssessment(BaseModel):
    record_assessment: "RecordAssessmentRecordAssessment" = Field(
        alias="recordAssessment"
    )


class RecordAssessmentRecordAssessment(BaseModel):
    case: Optional["RecordAssessmentRecordAssessmentCase"]
    errors: list["RecordAssessmentRecordAssessmentErrors"]


RecordAssessmentRecordAssessmentCase = CaseSummary
RecordAssessmentRecordAssessmentErrors = Problems
RecordAssessment.model_rebuild()
RecordAssessmentRecordAssessment.model_rebuild()
