from __future__ import annotations

from datetime import date

import strawberry

from cases import models
from cases.models import CaseState as DomainCaseState
from schema.relay import Node, to_global_id

CaseState = strawberry.enum(DomainCaseState, name="CaseState")


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
    summary: str | None = strawberry.field(description="Free text; never leaves the party.")
    state: CaseState  # type: ignore[valid-type]
    findings: list[ProvisionFinding] | None
    sanction: str | None
    suspension_months: int | None
    decided_on: date | None
    published: bool
    version: int = strawberry.field(description="Changes on every edit; for optimistic locking.")

    @classmethod
    def from_model(cls, c: models.Case) -> Case:
        return cls(
            id=to_global_id("Case", c.id),
            reference=c.reference,
            code_version=c.code_version,
            received_on=c.received_on,
            provisions=list(c.provisions),
            channel=c.channel,
            respondent_role=c.respondent_role,
            summary=c.summary,
            state=c.case_state,
            findings=[
                ProvisionFinding(provision=p, proven=v == "proven")
                for p, v in (c.findings or {}).items()
            ]
            if c.findings is not None
            else None,
            sanction=c.sanction,
            suspension_months=c.suspension_months,
            decided_on=c.decided_on,
            published=c.release_id is not None,
            version=c.version,
        )


@strawberry.input
class CaseFilter:
    states: list[CaseState] | None = None  # type: ignore[valid-type]
    reference: str | None = None
    provision: str | None = None
    received_from: date | None = None
    received_to: date | None = None
