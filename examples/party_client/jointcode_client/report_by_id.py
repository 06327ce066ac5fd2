from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, ReportSummary


class ReportById(BaseModel):
    node: Optional[
        Annotated[
            Union["ReportByIdNodeNode", "ReportByIdNodeReport"],
            Field(discriminator="typename__"),
        ]
    ]


class ReportByIdNodeNode(BaseModel):
    typename__: Literal["Case", "Node", "Party", "Release"] = Field(alias="__typename")


class ReportByIdNodeReport(ReportSummary):
    typename__: Literal["Report"] = Field(alias="__typename")
    case: Optional["ReportByIdNodeReportCase"]


ReportByIdNodeReportCase = CaseSummary
ReportById.model_rebuild()
ReportByIdNodeReport.model_rebuild()
