from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import CaseSummary


class ListCases(BaseModel):
    cases: "ListCasesCases"


class ListCasesCases(BaseModel):
    total_count: int = Field(alias="totalCount")
    edges: list["ListCasesCasesEdges"]
    page_info: "ListCasesCasesPageInfo" = Field(alias="pageInfo")


class ListCasesCasesEdges(BaseModel):
    cursor: str
    node: "ListCasesCasesEdgesNode"


ListCasesCasesEdgesNode = CaseSummary


class ListCasesCasesPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


ListCases.model_rebuild()
ListCasesCases.model_rebuild()
ListCasesCasesEdges.model_rebuild()
