from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import Problems, ReportSummary


class DeclineReport(BaseModel):
    decline_report: "DeclineReportDeclineReport" = Field(alias="declineReport")


class DeclineReportDeclineReport(BaseModel):
    report: Optional["DeclineReportDeclineReportReport"]
    errors: list["DeclineReportDeclineReportErrors"]


DeclineReportDeclineReportReport = ReportSummary
DeclineReportDeclineReportErrors = Problems
DeclineReport.model_rebuild()
DeclineReportDeclineReport.model_rebuild()
