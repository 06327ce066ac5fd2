from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary, Problems, ReportSummary


class AcceptReport(BaseModel):
    accept_report: "AcceptReportAcceptReport" = Field(alias="acceptReport")


class AcceptReportAcceptReport(BaseModel):
    report: Optional["AcceptReportAcceptReportReport"]
    case: Optional["AcceptReportAcceptReportCase"]
    errors: list["AcceptReportAcceptReportErrors"]


AcceptReportAcceptReportReport = ReportSummary
AcceptReportAcceptReportCase = CaseSummary
AcceptReportAcceptReportErrors = Problems
AcceptReport.model_rebuild()
AcceptReportAcceptReport.model_rebuild()
