from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems


class LodgeAppeal(BaseModel):
    lodge_appeal: "LodgeAppealLodgeAppeal" = Field(alias="lodgeAppeal")


class LodgeAppealLodgeAppeal(BaseModel):
    case: Optional["LodgeAppealLodgeAppealCase"]
    errors: list["LodgeAppealLodgeAppealErrors"]


LodgeAppealLodgeAppealCase = CaseSummary
LodgeAppealLodgeAppealErrors = Problems
LodgeAppeal.model_rebuild()
LodgeAppealLodgeAppeal.model_rebuild()
