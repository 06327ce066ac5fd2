"""Reports from the public, as GraphQL types: the report in a party's queue, its contents
and evidence, the receipt's status, the protected counts."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.types import Info

import codes
from cases import evidence as evidence_service
from cases import reports as report_service
from codes import clock
from publication import report_statistics
from schema.cases.types import Case
from schema.context import RequestContext
from schema.copying import copied
from schema.fields import field
from schema.permissions import require_officer
from schema.relay import Node, to_global_id

Ctx = Info[RequestContext, None]


@strawberry.enum(description="Who is reporting.")
class ReporterKind(Enum):
    TARGETED = "targeted"
    WITNESS = "witness"
    CANDIDATE_OR_AGENT = "candidate_or_agent"
    PARTY_MEMBER = "party_member"


@strawberry.enum(description="A report in a party's queue.")
class ReportState(Enum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


@strawberry.type(
    description="What a reporter wrote: for the responsible party's officers, "
    "and for the reporter by receipt."
)
class ReportContents:
    what_happened: str
    respondent_name: str | None
    links: list[str]
    contact: str | None
    additions: list[ReportAddition] = strawberry.field(
        description="What the reporter added later, by receipt, oldest first."
    )

    @classmethod
    def of(cls, opened: report_service.Contents | None) -> ReportContents | None:
        if opened is None:
            return None
        return cls(
            what_happened=opened.what_happened,
            respondent_name=opened.respondent_name,
            links=list(opened.links),
            contact=opened.contact,
            additions=[
                ReportAddition(added_on=date.fromisoformat(a.added_on), text=a.text)
                for a in opened.additions
            ],
        )


@strawberry.type(description="Information a reporter added to their report.")
class ReportAddition:
    added_on: date
    text: str


ReporterStatus = (
    report_service.ReporterStatus
)  # strawberry.enum marks the class itself: the checker sees it


strawberry.enum(
    ReporterStatus,
    description="Where a report stands, as its receipt tells it: received, being assessed "
    "(taken up as a case), decided (an appeal may still be made), under appeal, final, "
    "declined (with the code's reason), closed (the case ended undecided) or withdrawn.",
)


@strawberry.type(
    description="What a receipt shows to whoever holds the code and secret: the report's "
    "status and, while it is kept, what the reporter wrote (the name they gave, the text, "
    "the links and their contact details). Never anything the party recorded about the "
    "person reported."
)
class ReportStatus:
    status: ReporterStatus
    received_on: date
    outcome_band: str | None = strawberry.field(
        description="Once decided: the band of the sanction that stands (after any appeal)."
    )
    decline_reason: str | None = strawberry.field(
        description="When declined: the code's reason, in words."
    )
    decided_on: date | None
    appeal_until: date | None = strawberry.field(
        description="While decided and not final: the last day an appeal may be made."
    )
    can_add: bool = strawberry.field(description="You may still add information (addToReport).")
    can_withdraw: bool = strawberry.field(description="You may still withdraw it.")
    your_report: ReportContents | None = strawberry.field(
        description="What you wrote, as you wrote it (your right of access); null once erased."
    )


@strawberry.type(description="A file a reporter attached to a report.")
class ReportEvidence:
    id: strawberry.ID
    media_type: str = strawberry.field(description="image/png, image/jpeg, image/webp or "
                                       "application/pdf, as the content says.")  # fmt: skip
    size_bytes: int
    added_at: datetime
    download_path: str = strawberry.field(
        description="GET it with your token (Authorization: Bearer …): the file itself."
    )

    @classmethod
    def of(cls, e: evidence_service.Evidence) -> ReportEvidence:
        return copied(
            cls, e, id=to_global_id("ReportEvidence", e.id), download_path=f"/evidence/{e.id}"
        )


@strawberry.type(description="A report from the public in a party's intake queue.")
class Report(Node):
    id: strawberry.ID
    code: str = strawberry.field(description="The reporter's receipt code (their reference).")
    received_on: date
    state: ReportState
    respondent_role: str | None = strawberry.field(
        description="Null: the reporter did not know (name it when accepting)."
    )
    channel: str
    provisions: list[str]
    forms_of_hate: list[str]
    occurred_from: date
    occurred_to: date
    reporter_kind: ReporterKind
    acknowledge_by: date
    triage_by: date
    overdue: bool = strawberry.field(
        description="Still waiting for your decision after the code's triage deadline."
    )
    duplicate_of: strawberry.ID | None = strawberry.field(
        description="An earlier report this one repeats (linked, never dropped)."
    )
    case_id: strawberry.ID | None = strawberry.field(description="The case it was accepted into.")
    decline_reason: str | None
    referrals: list[str]
    model: strawberry.Private[report_service.Report]
    wrapped_key: strawberry.Private[bytes | None] = None  # fetched once per page

    @field(description="The sealed part, opened for your party (null once erased).")
    async def contents(self, info: Ctx) -> ReportContents | None:
        require_officer(info)
        context = info.context
        wrapped = self.wrapped_key
        if wrapped is None:  # a single report (a mutation's payload): one read of the key
            async with context.db.transaction(party_id=self.model.party_id) as session:
                wrapped = await report_service.party_key(session=session)
        return ReportContents.of(
            report_service.open_contents(self.model, wrapped_private_key=wrapped, kek=context.kek)
        )

    @field(
        description="Files the reporter attached (screenshots, PDFs), cleaned of their "
        "metadata and sealed to your party; download each with your token."
    )
    async def evidence(self, info: Ctx) -> list[ReportEvidence]:
        require_officer(info)
        found = await info.context.loaders.evidence_of_reports(self.model.party_id).load(
            self.model.id
        )
        return [ReportEvidence.of(e) for e in found]

    @field(description="The case it was accepted into; null until then.")
    async def case(self, info: Ctx) -> Case | None:
        require_officer(info)
        if self.model.case_id is None:
            return None
        found = await info.context.loaders.cases(self.model.party_id).load(self.model.case_id)
        return Case.from_model(found) if found else None

    @classmethod
    def from_model(cls, r: report_service.Report, wrapped_key: bytes | None = None) -> Report:
        version = clock_version()
        return copied(
            cls,
            r,
            id=to_global_id("Report", r.id),
            state=ReportState(r.status),
            provisions=list(r.provisions),
            forms_of_hate=list(r.forms_of_hate),
            reporter_kind=ReporterKind(r.reporter_kind),
            acknowledge_by=r.acknowledge_by(version),
            triage_by=r.triage_by(version),
            overdue=r.overdue(version, clock.today()),
            duplicate_of=to_global_id("Report", r.duplicate_of) if r.duplicate_of else None,
            case_id=to_global_id("Case", r.case_id) if r.case_id else None,
            referrals=list(r.referrals),
            model=r,
            wrapped_key=wrapped_key,
        )


def clock_version() -> codes.CodeVersion:
    """The version in force: a report's deadlines run from its receipt."""
    return codes.default_version(clock.today())


# strawberry.enum marks the domain's class itself, so the checker sees its members
ReportDimension = report_statistics.ReportDimension
strawberry.enum(ReportDimension, description="What report counts are grouped by.")


@strawberry.type(description="A protected count of reports from the public (all parties).")
class ReportCountRow:
    year: int | None
    quarter: str | None
    channel_group: str | None
    reporter_kind: str | None
    outcome: str | None = strawberry.field(
        description="open, accepted, declined_<the code's reason>, or withdrawn."
    )
    family: str | None
    characteristic: str | None
    election_period: str | None = strawberry.field(
        description="general or local (the six weeks up to polling day), or none."
    )
    count: int
