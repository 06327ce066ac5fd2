from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems


class WithdrawCase(BaseModel):
    withdraw_case: "WithdrawCaseWithdrawCase" = Field(alias="withdrawCase")


class WithdrawCaseWithdrawCase(BaseModel):
    case: Optional["WithdrawCaseWithdrawCaseCase"]
    errors: list["WithdrawCaseWithdrawCaseErrors"]


WithdrawCaseWithdrawCaseCase = CaseSummary
WithdrawCaseWithdrawCaseErrors = Problems
WithdrawCase.model_rebuild()
WithdrawCaseWithdrawCase.model_rebuild()
