"""The joint code as the public reads it."""

from __future__ import annotations

from datetime import date

import strawberry

from codes import CodeVersion
from codes.model import Term


@strawberry.type(description="A provision of the code: what members must not do.")
class Provision:
    id: str
    title: str
    text: str
    family: str
    base_severity: int


@strawberry.type(description="A step of the common sanction ladder, least severe first.")
class Sanction:
    id: str
    title: str
    rank: int
    requires_length: bool


@strawberry.type(description="An entry of a coded vocabulary (channel, role...).")
class CodeTerm:
    id: str
    title: str
    group: str | None


@strawberry.type(description="Procedural deadlines in days.")
class Deadlines:
    acknowledge: int
    triage: int
    decide: int
    lodge_appeal: int
    decide_appeal: int


@strawberry.type(description="One version of the joint code of conduct.")
class Code:
    version: str
    title: str
    content_hash: str
    in_force_from: date
    principles: str
    k: int = strawberry.field(description="Anonymity threshold: published groups are >= k.")
    provisions: list[Provision]
    sanctions: list[Sanction]
    channels: list[CodeTerm]
    respondent_roles: list[CodeTerm]
    target_roles: list[CodeTerm]
    deadlines: Deadlines

    @classmethod
    def from_version(cls, v: CodeVersion) -> Code:
        def terms(items: tuple[Term, ...]) -> list[CodeTerm]:
            return [CodeTerm(id=t.id, title=t.title, group=t.group) for t in items]

        return cls(
            version=v.id,
            title=v.title,
            content_hash=v.content_hash,
            in_force_from=v.in_force_from,
            principles=v.principles,
            k=v.k,
            provisions=[
                Provision(
                    id=p.id,
                    title=p.title,
                    text=p.text or "",
                    family=p.family or "",
                    base_severity=p.base_severity or 1,
                )
                for p in v.provisions
            ],
            sanctions=[
                Sanction(
                    id=s.id, title=s.title, rank=s.rank or 0, requires_length=s.requires_length
                )
                for s in v.sanctions
            ],
            channels=terms(v.channels),
            respondent_roles=terms(v.respondent_roles),
            target_roles=terms(v.target_roles),
            deadlines=Deadlines(
                acknowledge=v.deadlines.acknowledge,
                triage=v.deadlines.triage,
                decide=v.deadlines.decide,
                lodge_appeal=v.deadlines.lodge_appeal,
                decide_appeal=v.deadlines.decide_appeal,
            ),
        )
