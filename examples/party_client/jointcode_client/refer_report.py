from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import Problems, ReportSummary


class ReferReport(BaseModel):
    refer_report: "ReferReportReferReport" = Field(alias="referReport")


class ReferReportReferReport(BaseModel):
    report: Optional["ReferReportReferReportReport"]
    errors: list["ReferReportReferReportErrors"]


ReferReportReferReportReport = ReportSummary
ReferReportReferReportErrors = Problems
ReferReport.model_rebuild()
ReferReportReferReport.model_rebuild()
