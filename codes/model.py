"""Typed view of a code version file.

Everything a caller reasons about is typed here, so the GraphQL layer and the case
checks never dig into raw YAML; ``raw`` keeps the parsed document for tools that show
the file as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a vocabulary the code defines (provision, channel, role, sanction...)."""

    id: str
    title: str
    text: str | None = None
    family: str | None = None
    group: str | None = None
    characteristic: str | None = None
    base_severity: int | None = None
    rank: int | None = None
    requires_length: bool = False
    weight: int | None = None


@dataclass(frozen=True, slots=True)
class Deadlines:
    acknowledge: int
    triage: int
    decide: int
    lodge_appeal: int
    decide_appeal: int


@dataclass(frozen=True, slots=True)
class SeverityLevel:
    level: int
    title: str
    lowest: str
    highest: str


@dataclass(frozen=True, slots=True)
class SeverityGuide:
    """How factors move a provision's base severity, and what each level recommends."""

    levels: tuple[SeverityLevel, ...]
    aggravating: tuple[Term, ...]
    mitigating: tuple[Term, ...]
    departure_reasons: tuple[Term, ...]
    max_up: int
    max_down: int
    rule: str

    def level(self, number: int) -> SeverityLevel:
        return next(item for item in self.levels if item.level == number)

    @property
    def factors(self) -> tuple[Term, ...]:
        return self.aggravating + self.mitigating


@dataclass(frozen=True, slots=True)
class Scope:
    persons: tuple[str, ...]
    settings: tuple[str, ...]
    periods: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublicationRules:
    k: int
    hierarchies: tuple[tuple[str, tuple[str, ...]], ...]
    never_published: tuple[str, ...]
    time_to_decision_bands: tuple[tuple[int, int | None], ...]
    sanction_bands: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # id, title, sanctions
    # distinct sanction bands every group of released records equal in all else must show
    l_diversity: int = 2
    # the Committee's reporting year starts on the 1st of this month (4: April to March)
    reporting_year_start_month: int = 4
    # statistics of a closed quarter are published this many days after it ends, once
    # (late decisions and appeals settle first): the release calendar
    settling_days: int = 42

    def sanction_band(self, sanction: str) -> str | None:
        return next((band for band, _, members in self.sanction_bands if sanction in members), None)

    def hierarchy(self, attribute: str) -> tuple[str, ...]:
        return dict(self.hierarchies).get(attribute, (attribute, "any"))


@dataclass(frozen=True, slots=True)
class CodeVersion:
    id: str
    title: str
    in_force_from: date
    content_hash: str
    principles: str
    scope: Scope
    families: tuple[Term, ...]
    provisions: tuple[Term, ...]
    characteristics: tuple[Term, ...]
    forms_of_hate: tuple[Term, ...]
    channels: tuple[Term, ...]
    target_roles: tuple[Term, ...]
    respondent_roles: tuple[Term, ...]
    sanctions: tuple[Term, ...]
    outcomes: tuple[Term, ...]
    out_of_scope_reasons: tuple[Term, ...]
    referral_flags: tuple[Term, ...]
    severity: SeverityGuide
    deadlines: Deadlines
    publication: PublicationRules
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def k(self) -> int:
        return self.publication.k

    @property
    def provision_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.provisions)

    @property
    def sanction_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sanctions)

    @property
    def channel_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.channels)

    @property
    def respondent_role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.respondent_roles)

    @property
    def factor_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.severity.factors)

    def term(self, vocabulary: str, term_id: str) -> Term | None:
        """Look an id up in a vocabulary named as in the file (``channels``, ``sanctions``...)."""
        return next((t for t in self.vocabulary(vocabulary) if t.id == term_id), None)

    def vocabulary(self, name: str) -> tuple[Term, ...]:
        if name == "factors":
            return self.severity.factors
        if name == "departure_reasons":
            return self.severity.departure_reasons
        terms = getattr(self, name)
        assert isinstance(terms, tuple)
        return terms

    def ids(self, vocabulary: str) -> tuple[str, ...]:
        return tuple(t.id for t in self.vocabulary(vocabulary))

    def sanction(self, sanction_id: str) -> Term | None:
        return self.term("sanctions", sanction_id)
