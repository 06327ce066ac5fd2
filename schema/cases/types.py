from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from cases import models
from cases.deadlines import DeadlineStatus as DomainDeadlineStatus
from cases.deadlines import deadlines as case_deadlines
from cases.models import CaseState as DomainCaseState
from cases.service import CaseOrder as DomainCaseOrder
from cases.service import CaseRead as DomainCaseRead
from cases.workflow import allowed_steps
from codes import clock
from db import audit
from db.pagination import Page, encode_cursor
from schema.context import RequestContext, now_or_later
from schema.copying import copied
from schema.fields import field
from schema.relay import Connection, Node, connection_from_page, seq_after, to_global_id

if TYPE_CHECKING:
    from schema.reports.types import Report

CaseState = DomainCaseState  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(CaseState, name="CaseState")


DeadlineStatus = DomainDeadlineStatus  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(DeadlineStatus, name="DeadlineStatus")
CaseOrder = DomainCaseOrder  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(CaseOrder, name="CaseOrder", description="How to sort cases.")


@strawberry.type(description="A procedural deadline of the case's code version.")
class Deadline:
    name: str = strawberry.field(
        description="acknowledge, triage, decide, lodge_appeal or decide_appeal."
    )
    due_on: date | None
    done_on: date | None
    status: DeadlineStatus


@strawberry.type(description="An administrative suspension pending investigation.")
class InterimMeasure:
    kind: str
    starts_on: date
    ends_on: date


Appellant = models.Appellant  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(Appellant, name="Appellant")
AppealOutcome = models.AppealOutcome  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(AppealOutcome, name="AppealOutcome")


@strawberry.type(description="An appeal against the decision, and its outcome.")
class Appeal:
    appellant: Appellant
    lodged_on: date
    outcome: AppealOutcome | None
    decided_on: date | None
    sanction: str | None = strawberry.field(description="The sanction standing after it.")
    suspension_months: int | None


@strawberry.type(description="One coded field a step changed.")
class FieldChange:
    field: str
    before: JSON | None
    after: JSON | None


@strawberry.type(description="An entry of the case's audit trail.")
class CaseEvent:
    seq: int = strawberry.field(description="Position in your party's hash-chained trail.")
    at: datetime
    action: str
    actor: str = strawberry.field(description="token:<id> of the account, or cli:<user>.")
    actor_role: str
    changes: list[FieldChange]
    hash: str

    @classmethod
    def from_entry(cls, e: audit.Entry) -> CaseEvent:
        before = e.details.get("before") or {}
        after = e.details.get("after") or {}
        changed = [k for k in after if before.get(k) != after.get(k)]
        return cls(
            seq=e.seq,
            at=e.at,
            action=e.action,
            actor=e.actor.id,
            actor_role=e.actor.role,
            changes=[
                FieldChange(field=k, before=before.get(k), after=after.get(k)) for k in changed
            ],
            hash=e.hash,
        )


@strawberry.type(description="A request that read the case: who and when.")
class CaseRead:
    at: datetime
    actor: str = strawberry.field(description="token:<id> of the account, or cli:<user>.")
    actor_role: str

    @classmethod
    def from_domain(cls, r: DomainCaseRead) -> CaseRead:
        return cls(at=r.at, actor=r.actor, actor_role=r.actor_role)


@strawberry.type(description="The finding on one alleged provision.")
class ProvisionFinding:
    provision: str
    proven: bool


@strawberry.type(description="A complaint against one of the party's own members.")
class Case(Node):
    reference: str = strawberry.field(description="The party's own reference; never published.")
    code_version: str
    received_on: date
    provisions: list[str]
    channel: str
    respondent_role: str
    target_role: str | None
    characteristics: list[str] = strawberry.field(
        description="Protected characteristics targeted, including those its forms of hate imply."
    )
    forms_of_hate: list[str]
    summary: str | None = strawberry.field(description="Free text; never leaves the party.")
    state: CaseState
    findings: list[ProvisionFinding] | None
    sanction: str | None = strawberry.field(description="The common ladder step.")
    party_sanction: str | None = strawberry.field(
        description="The party's own sanction name, when the decision used one."
    )
    suspension_months: int | None
    decided_on: date | None
    factors: list[str] = strawberry.field(description="Aggravating and mitigating factors found.")
    referrals: list[str]
    departure_reason: str | None = strawberry.field(
        description="Why the sanction departs from the recommended range, if it does."
    )
    severity_level: int | None = strawberry.field(
        description="The code's severity level for the proven provisions and factors."
    )
    recommended_from: str | None
    recommended_to: str | None
    complainant_count: int
    acknowledged_on: date | None
    triaged_on: date | None
    out_of_scope_reason: str | None
    assessment_started_on: date | None
    assessed_on: date | None
    interim_measures: list[InterimMeasure]
    appeal: Appeal | None
    effective_sanction: str | None = strawberry.field(
        description="The sanction that stands, after any appeal."
    )
    closed_on: date | None
    finalised_on: date | None
    deadlines: list[Deadline]
    allowed_next_steps: list[str] = strawberry.field(
        description="The mutations this case's state allows next."
    )
    published: bool
    version: int = strawberry.field(description="Changes on every edit; for optimistic locking.")
    uuid: strawberry.Private[UUID]
    party_uuid: strawberry.Private[UUID]
    pseudonym: strawberry.Private[str | None]

    @field(
        description="The same respondent (by keyed pseudonym) is named in another of your "
        "party's cases."
    )
    def repeat_respondent(self, info: Info[RequestContext, None]) -> bool:
        if self.pseudonym is None:
            return False
        counts = info.context.loaders.repeat_counts(self.party_uuid)
        return cast("bool", now_or_later(counts, self.pseudonym, lambda n: n > 1))

    @field(
        description="Every recorded change of this case, oldest first, from your party's "
        "hash-chained trail. Reads are not changes: see reads."
    )
    def history(
        self, info: Info[RequestContext, None], first: int = 50, after: str | None = None
    ) -> Connection[CaseEvent]:
        start = seq_after("event", first, after, 0)

        def page_of(entries: list[audit.Entry]) -> Connection[CaseEvent]:
            after_start = [e for e in entries if e.seq > start]
            page = Page(
                items=[(encode_cursor("event", [e.seq]), e) for e in after_start[:first]],
                has_next_page=len(after_start) > first,
                total_count=len(entries),
            )
            return connection_from_page(page, CaseEvent.from_entry, after=after)

        histories = info.context.loaders.histories(self.party_uuid)
        return cast("Connection[CaseEvent]", now_or_later(histories, self.uuid, page_of))

    @field(
        description="Who read this case and when, newest first: one entry per request that "
        "read it (your party's access log, kept outside the chain)."
    )
    def reads(
        self, info: Info[RequestContext, None], first: int = 20, after: str | None = None
    ) -> Connection[CaseRead]:
        before = seq_after("read", first, after, None)

        def page_of(
            found_and_total: tuple[list[DomainCaseRead], int],
        ) -> Connection[CaseRead]:
            found, total = found_and_total
            page = Page(
                items=[(encode_cursor("read", [r.id]), r) for r in found[:first]],
                has_next_page=len(found) > first,
                total_count=total,
            )
            return connection_from_page(page, CaseRead.from_domain, after=after)

        reads = info.context.loaders.reads(self.party_uuid, first)
        return cast("Connection[CaseRead]", now_or_later(reads, (self.uuid, before), page_of))

    @field(
        description="The report from the public this case was opened from; null for a case "
        "your party recorded itself."
    )
    async def report(
        self, info: Info[RequestContext, None]
    ) -> Annotated[Report, strawberry.lazy("schema.reports.types")] | None:
        from schema.reports.types import Report

        found = await info.context.loaders.reports_of_cases(self.party_uuid).load(self.uuid)
        return Report.from_model(found) if found else None

    @classmethod
    def from_model(cls, c: models.Case) -> Case:
        today = clock.today()
        return copied(
            cls,
            c,
            id=to_global_id("Case", c.id),
            provisions=list(c.provisions),
            characteristics=list(c.characteristics or ()),
            forms_of_hate=list(c.forms_of_hate or ()),
            state=c.case_state,
            findings=[
                ProvisionFinding(provision=p, proven=v == "proven")
                for p, v in (c.findings or {}).items()
            ]
            if c.findings is not None
            else None,
            factors=list(c.factors or ()),
            referrals=list(c.referrals or ()),
            recommended_from=c.recommended_lowest,
            recommended_to=c.recommended_highest,
            interim_measures=[
                InterimMeasure(
                    kind=m["kind"],
                    starts_on=date.fromisoformat(m["starts_on"]),
                    ends_on=date.fromisoformat(m["ends_on"]),
                )
                for m in c.interim_measures or []
            ],
            appeal=Appeal(
                appellant=models.Appellant(c.appellant),
                lodged_on=c.appeal_lodged_on,
                outcome=models.AppealOutcome(c.appeal_outcome) if c.appeal_outcome else None,
                decided_on=c.appeal_decided_on,
                sanction=c.effective_sanction if c.appeal_outcome else None,
                suspension_months=c.appeal_suspension_months,
            )
            if c.appeal_lodged_on
            else None,
            deadlines=[
                Deadline(name=d.name, due_on=d.due_on, done_on=d.done_on, status=d.status)
                for d in case_deadlines(c, today=today)
            ],
            allowed_next_steps=[s.value for s in allowed_steps(c.case_state)],
            published=c.release_id is not None,
            uuid=c.id,
            party_uuid=c.party_id,
            pseudonym=c.respondent_pseudonym,
        )


@strawberry.input
class CaseFilter:
    states: list[CaseState] | None = None
    reference: str | None = None
    provision: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="Only cases with a deadline past due and not yet met."
    )
    sanction: str | None = None


@strawberry.type(description="Cases decided within a band of days from receipt.")
class DayBandCount:
    from_days: int
    to_days: int | None
    count: int


@strawberry.type(description="How a party kept the code's procedural promises, for cases "
                 "received in a period.")  # fmt: skip
class ComplianceReport:
    received_from: date
    received_to: date
    received: int
    acknowledged_on_time: int
    triaged_on_time: int
    closed_out_of_scope: int
    withdrawn: int
    respondent_left: int
    decided: int
    decided_on_time: int
    median_days_to_decision: float | None
    time_to_decision: list[DayBandCount]
    open: int
    open_overdue: int
    appeals_lodged: int
    appeals_upheld: int
    appeals_varied: int
    appeals_overturned: int
    appeals_pending: int
