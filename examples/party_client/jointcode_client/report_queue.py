from datetime import date
from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ReportSummary


class ReportQueue(BaseModel):
    reports: "ReportQueueReports"


class ReportQueueReports(BaseModel):
    total_count: int = Field(alias="totalCount")
    edges: list["ReportQueueReportsEdges"]
    page_info: "ReportQueueReportsPageInfo" = Field(alias="pageInfo")


class ReportQueueReportsEdges(BaseModel):
    cursor: str
    node: "ReportQueueReportsEdgesNode"


class ReportQueueReportsEdgesNode(ReportSummary):
    contents: Optional["ReportQueueReportsEdgesNodeContents"]


class ReportQueueReportsEdgesNodeContents(BaseModel):
    what_happened: str = Field(alias="whatHappened")
    respondent_name: Optional[str] = Field(alias="respondentName")
    links: list[str]
    contact: Optional[str]
    additions: list["ReportQueueReportsEdgesNodeContentsAdditions"]


class ReportQueueReportsEdgesNodeContentsAdditions(BaseModel):
    added_on: date = Field(alias="addedOn")
    text: str


class ReportQueueReportsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


ReportQueue.model_rebuild()
ReportQueueReports.model_rebuild()
ReportQueueReportsEdges.model_rebuild()
ReportQueueReportsEdgesNode.model_rebuild()
ReportQueueReportsEdgesNodeContents.model_rebuild()
