"""The joint code as the public reads it: every part of a version, and its guidance."""

from __future__ import annotations

from datetime import date

import strawberry

from codes import CodeVersion
from codes.guidance import Guidance
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
    requires_length: bool = strawberry.field(description="A suspension needs a length in months.")

    @classmethod
    def from_term(cls, s: Term) -> Sanction:
        return cls(id=s.id, title=s.title, rank=s.rank or 0, requires_length=s.requires_length)


@strawberry.type(description="An entry of a coded vocabulary (channel, role, outcome...).")
class CodeTerm:
    id: str
    title: str
    group: str | None = strawberry.field(
        description="The broader group published figures may generalise to."
    )

    @classmethod
    def list_of(cls, items: tuple[Term, ...]) -> list[CodeTerm]:
        return [cls(id=t.id, title=t.title, group=t.group) for t in items]


@strawberry.type(description="A named form of hate and the protected characteristic it targets.")
class FormOfHate:
    id: str
    title: str
    characteristic: str


@strawberry.type(description="A factor that moves the severity level up or down by its weight.")
class SeverityFactor:
    id: str
    title: str
    weight: int
    aggravating: bool

    @classmethod
    def from_term(cls, t: Term, *, aggravating: bool) -> SeverityFactor:
        return cls(id=t.id, title=t.title, weight=t.weight or 0, aggravating=aggravating)


@strawberry.type(description="A severity level and the sanction range it recommends.")
class SeverityLevel:
    level: int
    title: str
    recommended_from: Sanction
    recommended_to: Sanction


@strawberry.type(description="How severity is assessed and which sanctions each level calls for.")
class SeverityGuidance:
    rule: str = strawberry.field(description="The rule in plain words.")
    levels: list[SeverityLevel]
    aggravating: list[SeverityFactor]
    mitigating: list[SeverityFactor]
    max_up: int = strawberry.field(description="Most levels factors may move a case up.")
    max_down: int = strawberry.field(description="Most levels factors may move a case down.")
    departure_reasons: list[CodeTerm] = strawberry.field(
        description="Coded reasons a decision may give for a sanction outside the range."
    )


@strawberry.type(description="Who, where and when the code applies.")
class CodeScope:
    persons: list[str] = strawberry.field(description="Respondent roles the code binds.")
    settings: list[str]
    periods: list[str]


@strawberry.type(description="Procedural deadlines in days.")
class Deadlines:
    acknowledge: int
    triage: int
    decide: int
    lodge_appeal: int
    decide_appeal: int


@strawberry.type(description="A published attribute's levels, most detailed first.")
class Hierarchy:
    attribute: str
    levels: list[str]


@strawberry.type(description="A band of days, as time to decision is published.")
class DayBand:
    from_days: int
    to_days: int | None = strawberry.field(description="Null for the open-ended last band.")


@strawberry.type(description="What may be published, and how coarsely.")
class PublicationRules:
    k: int = strawberry.field(description="Every published group has at least k records.")
    hierarchies: list[Hierarchy]
    never_published: list[str]
    time_to_decision_bands: list[DayBand]


@strawberry.type(description="One version of the joint code of conduct.")
class Code:
    version: str
    title: str
    content_hash: str = strawberry.field(description="SHA-256 of the version file.")
    in_force_from: date
    principles: str
    scope: CodeScope
    k: int = strawberry.field(description="Anonymity threshold: published groups are >= k.")
    families: list[CodeTerm]
    provisions: list[Provision]
    characteristics: list[CodeTerm]
    forms_of_hate: list[FormOfHate]
    channels: list[CodeTerm]
    target_roles: list[CodeTerm]
    respondent_roles: list[CodeTerm]
    sanctions: list[Sanction]
    outcomes: list[CodeTerm] = strawberry.field(description="Endings that are not sanctions.")
    out_of_scope_reasons: list[CodeTerm] = strawberry.field(
        description="Coded reasons a complaint may be closed at triage."
    )
    referral_flags: list[CodeTerm]
    severity: SeverityGuidance
    deadlines: Deadlines
    publication: PublicationRules

    @classmethod
    def from_version(cls, v: CodeVersion) -> Code:
        guide = v.severity

        def sanction(sanction_id: str) -> Sanction:
            term = v.sanction(sanction_id)
            assert term is not None  # ranges are validated against the ladder on load
            return Sanction.from_term(term)

        return cls(
            version=v.id,
            title=v.title,
            content_hash=v.content_hash,
            in_force_from=v.in_force_from,
            principles=v.principles,
            scope=CodeScope(
                persons=list(v.scope.persons),
                settings=list(v.scope.settings),
                periods=list(v.scope.periods),
            ),
            k=v.k,
            families=CodeTerm.list_of(v.families),
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
            characteristics=CodeTerm.list_of(v.characteristics),
            forms_of_hate=[
                FormOfHate(id=f.id, title=f.title, characteristic=f.characteristic or "")
                for f in v.forms_of_hate
            ],
            channels=CodeTerm.list_of(v.channels),
            target_roles=CodeTerm.list_of(v.target_roles),
            respondent_roles=CodeTerm.list_of(v.respondent_roles),
            sanctions=[Sanction.from_term(s) for s in v.sanctions],
            outcomes=CodeTerm.list_of(v.outcomes),
            out_of_scope_reasons=CodeTerm.list_of(v.out_of_scope_reasons),
            referral_flags=CodeTerm.list_of(v.referral_flags),
            severity=SeverityGuidance(
                rule=guide.rule,
                levels=[
                    SeverityLevel(
                        level=level.level,
                        title=level.title,
                        recommended_from=sanction(level.lowest),
                        recommended_to=sanction(level.highest),
                    )
                    for level in guide.levels
                ],
                aggravating=[
                    SeverityFactor.from_term(f, aggravating=True) for f in guide.aggravating
                ],
                mitigating=[
                    SeverityFactor.from_term(f, aggravating=False) for f in guide.mitigating
                ],
                max_up=guide.max_up,
                max_down=guide.max_down,
                departure_reasons=CodeTerm.list_of(guide.departure_reasons),
            ),
            deadlines=Deadlines(
                acknowledge=v.deadlines.acknowledge,
                triage=v.deadlines.triage,
                decide=v.deadlines.decide,
                lodge_appeal=v.deadlines.lodge_appeal,
                decide_appeal=v.deadlines.decide_appeal,
            ),
            publication=PublicationRules(
                k=v.publication.k,
                hierarchies=[
                    Hierarchy(attribute=name, levels=list(levels))
                    for name, levels in v.publication.hierarchies
                ],
                never_published=list(v.publication.never_published),
                time_to_decision_bands=[
                    DayBand(from_days=low, to_days=high)
                    for low, high in v.publication.time_to_decision_bands
                ],
            ),
        )


@strawberry.type(description="A factor applied in guidance, and how far it moved the level.")
class AppliedFactor:
    id: str
    title: str
    aggravating: bool
    movement: int = strawberry.field(description="+weight if aggravating, -weight if mitigating.")


@strawberry.type(description="What the code recommends for proven provisions and factors, and why.")
class SanctionGuidance:
    version: str
    base_level: int = strawberry.field(description="Highest base severity of the provisions.")
    base_provisions: list[str] = strawberry.field(description="Provisions giving the base.")
    factors: list[AppliedFactor]
    net_movement: int = strawberry.field(description="Sum of the factors' movements.")
    applied_movement: int = strawberry.field(description="After the caps and the level bounds.")
    level: int
    level_title: str
    recommended_from: Sanction
    recommended_to: Sanction
    recommended: list[Sanction] = strawberry.field(description="Every sanction in the range.")
    explanation: list[str] = strawberry.field(description="Each step, in plain words.")

    @classmethod
    def from_guidance(cls, g: Guidance) -> SanctionGuidance:
        return cls(
            version=g.version,
            base_level=g.base_level,
            base_provisions=list(g.base_provisions),
            factors=[
                AppliedFactor(
                    id=a.factor.id,
                    title=a.factor.title,
                    aggravating=a.aggravating,
                    movement=a.movement,
                )
                for a in g.factors
            ],
            net_movement=g.net_movement,
            applied_movement=g.applied_movement,
            level=g.level,
            level_title=g.level_title,
            recommended_from=Sanction.from_term(g.lowest),
            recommended_to=Sanction.from_term(g.highest),
            recommended=[Sanction.from_term(s) for s in g.recommended],
            explanation=list(g.explanation),
        )
