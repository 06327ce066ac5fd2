"""What a report is: the reporter's input, the stored report, its sealed contents, the
statuses a receipt shows, and the limits on what a person may write."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import Date, DateTime, LargeBinary, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

import codes
from db.base import Base

REPORTER_KINDS = {
    "targeted": "The person targeted",
    "witness": "A witness",
    "candidate_or_agent": "A candidate or agent",
    "party_member": "A party member",
}


MAX_TEXT = 5_000


MAX_NAME = 200


MAX_CONTACT = 500


MAX_LINKS = 5


MAX_LINK = 500


PURPOSE = "report"


EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}")


@dataclass(frozen=True, slots=True)
class ReportInput:
    party: str
    respondent_role: str | None  # None: the reporter does not know
    channel: str
    provisions: list[str]
    occurred_from: date
    what_happened: str
    reporter_kind: str
    consent: bool
    occurred_to: date | None = None
    respondent_name: str | None = None
    links: list[str] = field(default_factory=list)
    contact: str | None = None
    forms_of_hate: list[str] = field(default_factory=list)
    # the form's submission token (``cases.receipts``): the same token files once
    token: str | None = None
    # the browser's reporter cookie, when no contact is given: links its own duplicates
    browser: str | None = None
    # email the contact (an email address) when the status changes
    notify: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    id: UUID
    party_id: UUID
    code: str
    received_on: date
    status: str
    respondent_role: str | None
    channel: str
    provisions: list[str]
    forms_of_hate: list[str]
    occurred_from: date
    occurred_to: date
    reporter_kind: str
    sealed: bytes | None
    duplicate_of: UUID | None
    case_id: UUID | None
    decline_reason: str | None
    referrals: list[str]

    def acknowledge_by(self, version: codes.CodeVersion) -> date:
        return self.received_on + timedelta(days=version.deadlines.acknowledge)

    def triage_by(self, version: codes.CodeVersion) -> date:
        return self.received_on + timedelta(days=version.deadlines.triage)

    def overdue(self, version: codes.CodeVersion, today: date) -> bool:
        """Still waiting for the party's decision (accept, decline, transfer) past triage."""
        return self.status == "received" and self.triage_by(version) < today


@dataclass(frozen=True, slots=True)
class Addition:
    """Information the reporter added later, by receipt, while the report was open."""

    added_on: str  # ISO date
    text: str


@dataclass(frozen=True, slots=True)
class Contents:
    """What the reporter wrote, opened for the responsible party's officers only."""

    what_happened: str
    respondent_name: str | None
    links: list[str]
    contact: str | None
    additions: list[Addition] = field(default_factory=list)

    @classmethod
    def of(cls, values: dict[str, Any]) -> Contents:
        additions = [Addition(**a) for a in values.pop("additions", [])]
        return cls(**values, additions=additions)

    def as_dict(self) -> dict[str, Any]:
        return {
            "what_happened": self.what_happened,
            "respondent_name": self.respondent_name,
            "links": self.links,
            "contact": self.contact,
            "additions": [{"added_on": a.added_on, "text": a.text} for a in self.additions],
        }


class ReporterStatus(Enum):
    """What the receipt says, as the report and its case move."""

    RECEIVED = "received"  # waiting for the party to take it up
    BEING_ASSESSED = "being_assessed"  # taken up as a case, not yet decided
    DECIDED = "decided"  # decided; an appeal may still be made
    UNDER_APPEAL = "under_appeal"
    FINAL = "final"  # the decision stands
    DECLINED = "declined"  # not taken up, for a reason of the code
    CLOSED = "closed"  # the case ended without a decision (withdrawn, the person left)
    WITHDRAWN = "withdrawn"  # by the reporter


@dataclass(frozen=True, slots=True)
class ReportStatus:
    status: ReporterStatus
    received_on: date
    outcome_band: str | None  # once decided: the band of the sanction that stands
    decline_reason: str | None  # the code's words, when declined
    decided_on: date | None
    appeal_until: date | None  # while an appeal may still be made
    can_add: bool  # the reporter may still add information
    can_withdraw: bool


MAX_ADDITION = 2_000


OPEN_STATUSES = (
    ReporterStatus.RECEIVED,
    ReporterStatus.BEING_ASSESSED,
    ReporterStatus.DECIDED,
    ReporterStatus.UNDER_APPEAL,
)


class ReportRow(Base):
    """The ``reports`` table as the queue reads it: the coded facts and the sealed text;
    never the receipt's secret hash, the fingerprint or the reporter's keys."""

    __tablename__ = "reports"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    party_id: Mapped[UUID] = mapped_column()
    code: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(Text)
    respondent_role: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(Text)
    provisions: Mapped[list[str]] = mapped_column(ARRAY(Text))
    forms_of_hate: Mapped[list[str]] = mapped_column(ARRAY(Text))
    occurred_from: Mapped[date] = mapped_column(Date)
    occurred_to: Mapped[date] = mapped_column(Date)
    reporter_kind: Mapped[str] = mapped_column(Text)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    duplicate_of: Mapped[UUID | None] = mapped_column()
    case_id: Mapped[UUID | None] = mapped_column()
    decline_reason: Mapped[str | None] = mapped_column(Text)
    referrals: Mapped[list[str]] = mapped_column(ARRAY(Text))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    def to_report(self) -> Report:
        return Report(
            **{f.name: getattr(self, f.name) for f in fields(Report)},
        )
