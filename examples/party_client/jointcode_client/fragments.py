from datetime import date, datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import CaseState, ReporterKind, ReportState, UserErrorCode


class CaseSummary(BaseModel):
    id: str
    reference: str
    state: CaseState
    version: int
    allowed_next_steps: list[str] = Field(alias="allowedNextSteps")


class EndpointSummary(BaseModel):
    id: str
    url: str
    description: str
    event_types: list[str] = Field(alias="eventTypes")
    created_at: datetime = Field(alias="createdAt")
    disabled_at: Optional[datetime] = Field(alias="disabledAt")


class Problems(BaseModel):
    code: UserErrorCode
    field: Optional[list[str]]
    message: str


class ReportSummary(BaseModel):
    id: str
    code: str
    state: ReportState
    received_on: date = Field(alias="receivedOn")
    respondent_role: Optional[str] = Field(alias="respondentRole")
    channel: str
    provisions: list[str]
    forms_of_hate: list[str] = Field(alias="formsOfHate")
    reporter_kind: ReporterKind = Field(alias="reporterKind")
    acknowledge_by: date = Field(alias="acknowledgeBy")
    triage_by: date = Field(alias="triageBy")
    overdue: bool
    duplicate_of: Optional[str] = Field(alias="duplicateOf")
    decline_reason: Optional[str] = Field(alias="declineReason")
    referrals: list[str]


CaseSummary.model_rebuild()
EndpointSummary.model_rebuild()
Problems.model_rebuild()
ReportSummary.model_rebuild()
