from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems


class DecideAppeal(BaseModel):
    decide_appeal: "DecideAppealDecideAppeal" = Field(alias="decideAppeal")


class DecideAppealDecideAppeal(BaseModel):
    case: Optional["DecideAppealDecideAppealCase"]
    errors: list["DecideAppealDecideAppealErrors"]


DecideAppealDecideAppealCase = CaseSummary
DecideAppealDecideAppealErrors = Problems
DecideAppeal.model_rebuild()
DecideAppealDecideAppeal.model_rebuild()
