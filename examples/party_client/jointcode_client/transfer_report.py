from pydantic import Field

from .base_model import BaseModel
from .fragments import Problems


class TransferReport(BaseModel):
    transfer_report: "TransferReportTransferReport" = Field(alias="transferReport")


class TransferReportTransferReport(BaseModel):
    transferred: bool
    errors: list["TransferReportTransferReportErrors"]


TransferReportTransferReportErrors = Problems
TransferReport.model_rebuild()
TransferReportTransferReport.model_rebuild()
