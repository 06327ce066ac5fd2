"""Typed view of a code version file.

Only the parts the service reasons about are typed; the whole document is kept in
``raw`` so that public queries can show every part of the code without a schema change.
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
    base_severity: int | None = None
    rank: int | None = None
    requires_length: bool = False


@dataclass(frozen=True, slots=True)
class Deadlines:
    acknowledge: int
    triage: int
    decide: int
    lodge_appeal: int
    decide_appeal: int


@dataclass(frozen=True, slots=True)
class CodeVersion:
    id: str
    title: str
    in_force_from: date
    content_hash: str
    principles: str
    provisions: tuple[Term, ...]
    families: tuple[Term, ...]
    channels: tuple[Term, ...]
    respondent_roles: tuple[Term, ...]
    target_roles: tuple[Term, ...]
    sanctions: tuple[Term, ...]
    deadlines: Deadlines
    k: int
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

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

    def sanction(self, sanction_id: str) -> Term | None:
        return next((s for s in self.sanctions if s.id == sanction_id), None)
