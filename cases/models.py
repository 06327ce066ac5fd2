from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import Date, DateTime, Integer, Text, func
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


class Finding(Enum):
    PROVEN = "proven"
    NOT_PROVEN = "not_proven"


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
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def case_state(self) -> CaseState:
        return CaseState(self.state)
