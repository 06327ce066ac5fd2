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
    target_role: str | None
    characteristics: list[str] = strawberry.field(
        description="Protected characteristics targeted, including those its forms of hate imply."
    )
    forms_of_hate: list[str]
    summary: str | None = strawberry.field(description="Free text; never leaves the party.")
    state: CaseState  # type: ignore[valid-type]
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
            target_role=c.target_role,
            characteristics=list(c.characteristics or ()),
            forms_of_hate=list(c.forms_of_hate or ()),
            summary=c.summary,
            state=c.case_state,
            findings=[
                ProvisionFinding(provision=p, proven=v == "proven")
                for p, v in (c.findings or {}).items()
            ]
            if c.findings is not None
            else None,
            sanction=c.sanction,
            party_sanction=c.party_sanction,
            suspension_months=c.suspension_months,
            decided_on=c.decided_on,
            factors=list(c.factors or ()),
            referrals=list(c.referrals or ()),
            departure_reason=c.departure_reason,
            severity_level=c.severity_level,
            recommended_from=c.recommended_lowest,
            recommended_to=c.recommended_highest,
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
