from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Date, DateTime, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class CaseState(Enum):
    RECEIVED = "received"
    TRIAGED = "triaged"
    UNDER_ASSESSMENT = "under_assessment"
    DECIDED = "decided"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
    FINAL = "final"
    WITHDRAWN = "withdrawn"
    CLOSED_OUT_OF_SCOPE = "closed_out_of_scope"
    RESPONDENT_LEFT = "respondent_left"


class Appellant(Enum):
    COMPLAINANT = "complainant"
    RESPONDENT = "respondent"


class AppealOutcome(Enum):
    UPHELD = "upheld"
    VARIED = "varied"
    OVERTURNED = "overturned"


class Finding(Enum):
    PROVEN = "proven"
    NOT_PROVEN = "not_proven"


CODED_FIELDS = (
    "state",
    "code_version",
    "received_on",
    "provisions",
    "channel",
    "respondent_role",
    "target_role",
    "characteristics",
    "forms_of_hate",
    "complainant_count",
    "acknowledged_on",
    "triaged_on",
    "out_of_scope_reason",
    "assessment_started_on",
    "assessed_on",
    "findings",
    "factors",
    "severity_level",
    "sanction",
    "party_sanction",
    "suspension_months",
    "referrals",
    "departure_reason",
    "decided_on",
    "interim_measures",
    "appeal_lodged_on",
    "appellant",
    "appeal_outcome",
    "appeal_sanction",
    "appeal_decided_on",
    "closed_on",
    "finalised_on",
)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[UUID] = mapped_column(primary_key=True, server_default=func.gen_random_uuid())
    party_id: Mapped[UUID] = mapped_column()
    reference: Mapped[str] = mapped_column(Text)
    code_version: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    provisions: Mapped[list[str]] = mapped_column(ARRAY(Text))
    channel: Mapped[str] = mapped_column(Text)
    respondent_role: Mapped[str] = mapped_column(Text)
    target_role: Mapped[str | None] = mapped_column(Text)
    characteristics: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    forms_of_hate: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text, default=CaseState.RECEIVED.value)
    findings: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    sanction: Mapped[str | None] = mapped_column(Text)
    party_sanction: Mapped[str | None] = mapped_column(Text)
    suspension_months: Mapped[int | None] = mapped_column(Integer)
    decided_on: Mapped[date | None] = mapped_column(Date)
    factors: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    referrals: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    departure_reason: Mapped[str | None] = mapped_column(Text)
    # The code's guidance at decision time, stored so a later reading never recomputes it.
    severity_level: Mapped[int | None] = mapped_column(Integer)
    recommended_lowest: Mapped[str | None] = mapped_column(Text)
    recommended_highest: Mapped[str | None] = mapped_column(Text)
    release_id: Mapped[UUID | None] = mapped_column()
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    triaged_on: Mapped[date | None] = mapped_column(Date)
    assessment_started_on: Mapped[date | None] = mapped_column(Date)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    assessment_findings: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    out_of_scope_reason: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    interim_measures: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    appeal_lodged_on: Mapped[date | None] = mapped_column(Date)
    appellant: Mapped[str | None] = mapped_column(Text)
    appeal_outcome: Mapped[str | None] = mapped_column(Text)
    appeal_decided_on: Mapped[date | None] = mapped_column(Date)
    appeal_sanction: Mapped[str | None] = mapped_column(Text)
    appeal_suspension_months: Mapped[int | None] = mapped_column(Integer)
    finalised_on: Mapped[date | None] = mapped_column(Date)
    # counted in a published statistics edition (set by the edition, never by the app)
    tabulated: Mapped[bool] = mapped_column(Boolean, server_default="false")
    complainant_count: Mapped[int] = mapped_column(Integer, default=1)
    respondent_pseudonym: Mapped[str | None] = mapped_column(Text)
    acknowledge_due: Mapped[date | None] = mapped_column(Date)
    triage_due: Mapped[date | None] = mapped_column(Date)
    decide_due: Mapped[date | None] = mapped_column(Date)
    appeal_window_ends: Mapped[date | None] = mapped_column(Date)
    appeal_decide_due: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def case_state(self) -> CaseState:
        return CaseState(self.state)

    def coded_fields(self) -> dict[str, Any]:
        """What the audit trail records: coded fields only, never the reference or free text."""
        return {name: getattr(self, name) for name in CODED_FIELDS}

    @property
    def effective_sanction(self) -> str | None:
        """The sanction that stands: a varied or overturned appeal records its own."""
        if self.appeal_outcome in (AppealOutcome.VARIED.value, AppealOutcome.OVERTURNED.value):
            return self.appeal_sanction
        return self.sanction
