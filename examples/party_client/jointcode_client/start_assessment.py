from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems


class StartAssessment(BaseModel):
    start_assessment: "StartAssessmentStartAssessment" = Field(alias="startAssessment")


class StartAssessmentStartAssessment(BaseModel):
    case: Optional["StartAssessmentStartAssessmentCase"]
    errors: list["StartAssessmentStartAssessmentErrors"]


StartAssessmentStartAssessmentCase = CaseSummary
StartAssessmentStartAssessmentErrors = Problems
StartAssessment.model_rebuild()
StartAssessmentStartAssessment.model_rebuild()
