"""k-anonymity for a release: generalise along the code's hierarchies, hold back the rest.

Pure and deterministic: the same outcomes and code version always give the same plan,
so a preview can be published later by recomputing it and comparing hashes.

Every published record carries seven attributes (period, provisions, forms of hate,
channel, respondent role, severity, sanction). One generalisation level is chosen per
attribute for the whole release (global recoding); then every record whose combination
of all seven values is shared by fewer than k records is held back. The levels are
chosen by information loss, not in a fixed order: every combination of levels is scored
and the least loss wins. Loss = share held back + 0.5 x the importance-weighted mean
height climbed (0 = all detail, 1 = everything "any"; provision and sanction weigh 3,
severity and form of hate 2, period, channel and role 1): hiding the sanction of every
record costs as much as holding back about a ninth of them.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from codes import CodeVersion

ATTRIBUTES = (
    "period",
    "provision",
    "form_of_hate",
    "channel",
    "respondent_role",
    "severity",
    "sanction",
)
ANY = "*"
GENERALISATION_WEIGHT = 0.5
# What the public most needs to keep: what was done, and what followed.
IMPORTANCE = {
    "period": 1,
    "provision": 3,
    "form_of_hate": 2,
    "channel": 1,
    "respondent_role": 1,
    "severity": 2,
    "sanction": 3,
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """A final, unpublished outcome: coded attributes only, never a name or free text."""

    case_id: UUID
    decided_on: date
    provisions: tuple[str, ...]
    forms_of_hate: tuple[str, ...]
    characteristics: tuple[str, ...]
    channel: str
    respondent_role: str
    severity: int | None
    sanction: str


def _level_functions(version: CodeVersion) -> dict[str, Callable[[Outcome], Any]]:
    family = {p.id: p.family for p in version.provisions}
    channel_group = {c.id: c.group for c in version.channels}
    role_group = {r.id: r.group for r in version.respondent_roles}
    return {
        "month": lambda o: f"{o.decided_on.year}-{o.decided_on.month:02d}",
        "quarter": lambda o: f"{o.decided_on.year}-Q{(o.decided_on.month - 1) // 3 + 1}",
        "year": lambda o: str(o.decided_on.year),
        "provision": lambda o: tuple(sorted(o.provisions)),
        "family": lambda o: tuple(sorted({family[p] or p for p in o.provisions})),
        "form_of_hate": lambda o: tuple(sorted(o.forms_of_hate)),
        "characteristic": lambda o: tuple(sorted(o.characteristics)),
        "channel": lambda o: o.channel,
        "channel_group": lambda o: channel_group.get(o.channel) or o.channel,
        "respondent_role": lambda o: o.respondent_role,
        "respondent_role_group": lambda o: role_group.get(o.respondent_role) or o.respondent_role,
        "severity": lambda o: o.severity,
        "sanction": lambda o: o.sanction,
        "sanction_band": lambda o: version.publication.sanction_band(o.sanction) or o.sanction,
        "any": lambda o: ANY,
    }


def hierarchies(version: CodeVersion) -> dict[str, tuple[str, ...]]:
    """Each published attribute's level names, most detailed first, ending at "any"."""
    functions = _level_functions(version)
    found = {}
    for attribute in ATTRIBUTES:
        levels = version.publication.hierarchy(attribute)
        unknown = [name for name in levels if name not in functions]
        if unknown:
            raise ValueError(f"no rule for level(s) {unknown} of {attribute}")
        found[attribute] = levels
    return found


@dataclass(frozen=True, slots=True)
class AttributeLoss:
    attribute: str
    level: str
    generalised_share: float  # of released records whose value lost detail


@dataclass(frozen=True, slots=True)
class Plan:
    levels: dict[str, str]  # attribute -> chosen level name
    released: list[tuple[Outcome, dict[str, dict[str, Any]]]]
    held_back: list[tuple[Outcome, int]]  # with the size of the class it fell in
    held_back_share: float
    attribute_loss: list[AttributeLoss]
    loss: float


def plan_release(outcomes: Sequence[Outcome], *, version: CodeVersion, k: int) -> Plan:
    names = hierarchies(version)
    functions = _level_functions(version)
    # values[i][a][l]: outcome i, attribute a, level l -- computed once
    values = [
        [[functions[name](o) for name in names[attribute]] for attribute in ATTRIBUTES]
        for o in outcomes
    ]
    heights = [len(names[a]) - 1 for a in ATTRIBUTES]
    total = len(outcomes)

    # Outcomes with the same most-detailed values behave alike at every level: group them
    # once, so each candidate plan costs one pass over distinct combinations, not outcomes.
    distinct: dict[tuple[Any, ...], list[Any]] = {}
    weights: Counter[tuple[Any, ...]] = Counter()
    for v in values:
        key = tuple(repr(v[a]) for a in range(len(ATTRIBUTES)))
        distinct.setdefault(key, v)
        weights[key] += 1
    groups = [(distinct[key], weights[key]) for key in distinct]

    def held(levels: tuple[int, ...]) -> int:
        sizes: Counter[tuple[Any, ...]] = Counter()
        for v, weight in groups:
            sizes[tuple(v[a][levels[a]] for a in range(len(ATTRIBUTES)))] += weight
        return sum(n for n in sizes.values() if n < k)

    weights = [IMPORTANCE[a] for a in ATTRIBUTES]

    def climbed(levels: tuple[int, ...]) -> float:
        return sum(w * lv / h for w, lv, h in zip(weights, levels, heights, strict=True)) / sum(
            weights
        )

    # Every combination of levels (a few hundred to a few thousand): the least loss wins;
    # ties go to fewer outcomes held back, then to more detail in the earlier attributes.
    best: tuple[float, int, tuple[int, ...]] | None = None
    for levels in itertools.product(*(range(h + 1) for h in heights)):
        generalisation = GENERALISATION_WEIGHT * climbed(levels)
        if best is not None and generalisation > best[0]:
            continue  # even with nothing held back it cannot beat the best
        held_count = held(levels)
        score = ((held_count / total) if total else 1.0) + generalisation
        candidate = (score, held_count, levels)
        if best is None or candidate < best:
            best = candidate
    assert best is not None
    current_loss, _, current = best

    sizes = Counter(tuple(v[a][current[a]] for a in range(len(ATTRIBUTES))) for v in values)
    released: list[tuple[Outcome, dict[str, dict[str, Any]]]] = []
    held_back: list[tuple[Outcome, int]] = []
    changed = [0] * len(ATTRIBUTES)
    for outcome, v in zip(outcomes, values, strict=True):
        key = tuple(v[a][current[a]] for a in range(len(ATTRIBUTES)))
        if sizes[key] < k:
            held_back.append((outcome, sizes[key]))
            continue
        # per attribute: the chosen level's value and every coarser one (derivable from
        # it, so as safe to show), keyed by level name; "any" is left out
        record: dict[str, dict[str, Any]] = {}
        for a, attribute in enumerate(ATTRIBUTES):
            record[attribute] = {
                names[attribute][level]: v[a][level]
                for level in range(current[a], len(names[attribute]))
                if names[attribute][level] != "any"
            }
            if v[a][current[a]] != v[a][0]:
                changed[a] += 1
        released.append((outcome, record))
    count = len(released)
    return Plan(
        levels={a: names[a][current[i]] for i, a in enumerate(ATTRIBUTES)},
        released=released,
        held_back=held_back,
        held_back_share=len(held_back) / total if total else 0.0,
        attribute_loss=[
            AttributeLoss(
                attribute=a,
                level=names[a][current[i]],
                generalised_share=changed[i] / count if count else 0.0,
            )
            for i, a in enumerate(ATTRIBUTES)
        ],
        loss=current_loss,
    )


def published_fields(record: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The columns a released record is stored and served with; None = not at that level."""

    def listed(value: Any) -> list[str] | None:
        return list(value) if value is not None else None

    year = record["period"].get("year")
    return {
        "period": next(iter(record["period"].values()), None),
        "quarter": record["period"].get("quarter"),
        "year": int(year) if year is not None else None,
        "provisions": listed(record["provision"].get("provision")),
        "families": listed(record["provision"].get("family")),
        "forms_of_hate": listed(record["form_of_hate"].get("form_of_hate")),
        "characteristics": listed(record["form_of_hate"].get("characteristic")),
        "channel": record["channel"].get("channel"),
        "channel_group": record["channel"].get("channel_group"),
        "respondent_role": record["respondent_role"].get("respondent_role"),
        "respondent_role_group": record["respondent_role"].get("respondent_role_group"),
        "severity": record["severity"].get("severity"),
        "sanction": record["sanction"].get("sanction"),
        "sanction_band": record["sanction"].get("sanction_band"),
    }


PUBLISHED_COLUMNS = (
    "period",
    "quarter",
    "year",
    "provisions",
    "families",
    "forms_of_hate",
    "characteristics",
    "channel",
    "channel_group",
    "respondent_role",
    "respondent_role_group",
    "severity",
    "sanction",
    "sanction_band",
)
