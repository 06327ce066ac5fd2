"""k-anonymity and l-diversity for a release: generalise along the code's hierarchies,
hold back the rest.

Pure and deterministic: the same outcomes and code version always give the same plan,
so a preview can be published later by recomputing it and comparing hashes.

Every published record carries seven attributes (period, provisions, forms of hate,
channel, respondent role, severity, sanction). One generalisation level is chosen per
attribute for the whole release (global recoding); then every record whose combination
of all seven values is shared by fewer than k records is held back. The levels are
chosen by information loss, not in a fixed order: every combination of levels is scored
and the least loss wins. Then every group of records equal in all published values but
the sanction must show at least l different sanction bands (distinct l-diversity), or the
whole group is held back: knowing the other facts of a case never tells its band.

Every value is derived from the case's most detailed coded values through the code's
own hierarchy (a characteristic from the forms of hate, a family from the provisions...),
never read from another field of the case; a value the hierarchy does not know is held
back, not published as itself. Loss = share held back + 0.5 x the importance-weighted mean
height climbed (0 = all detail, 1 = everything "any"; provision and sanction weigh 3,
severity and form of hate 2, period, channel and role 1): hiding the sanction of every
record costs as much as holding back about a ninth of them.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from codes import CodeVersion
from publication.attributes import (
    ANY,
    HIERARCHIES,
    PUBLISHED_COLUMNS,
    SANCTION_COLUMNS,
    BeyondHierarchy,
    Outcome,
    published_fields,
)

ATTRIBUTES: tuple[str, ...] = tuple(h.attribute for h in HIERARCHIES)
GENERALISATION_WEIGHT = 0.5
IMPORTANCE: dict[str, int] = {h.attribute: h.importance for h in HIERARCHIES}


def _level_functions(version: CodeVersion) -> dict[str, Callable[[Outcome], Any]]:
    """Every level of every hierarchy, as the value of an outcome at that level."""
    functions: dict[str, Callable[[Outcome], Any]] = {"any": lambda o: ANY}
    for hierarchy in HIERARCHIES:
        functions.update(hierarchy.levels(version))
    return functions


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
class HeldBack:
    outcome: Outcome
    class_size: int  # records sharing all its values at the chosen levels
    reason: str  # "k" (class under k), "l" (group shows too few bands) or "hierarchy"


@dataclass(frozen=True, slots=True)
class Plan:
    levels: dict[str, str]  # attribute -> chosen level name
    released: list[tuple[Outcome, dict[str, dict[str, Any]]]]
    held_back: list[HeldBack]
    held_back_share: float
    attribute_loss: list[AttributeLoss]
    loss: float
    k: int
    l_diversity: int
    k_reached: int | None  # smallest class released (None: nothing released)
    l_reached: int | None  # fewest bands in a group (None: nothing, or sanction not shown)
    generalised_share: float  # of released records with any value coarser than recorded


SANCTION = ATTRIBUTES.index("sanction")


def plan_release(
    outcomes: Sequence[Outcome], *, version: CodeVersion, k: int, l_diversity: int | None = None
) -> Plan:
    """The least-loss levels, the records they release and what they hold back (and why)."""
    diversity = version.publication.l_diversity if l_diversity is None else l_diversity
    names = hierarchies(version)
    functions = _level_functions(version)
    band_level = (
        names["sanction"].index("sanction_band") if "sanction_band" in names["sanction"] else None
    )
    # values[i][a][l]: outcome i, attribute a, level l -- computed once; outcomes whose
    # values the code's hierarchies do not know are held back before anything else
    values: list[list[list[Any]]] = []
    kept: list[Outcome] = []
    beyond: list[HeldBack] = []
    for o in outcomes:
        try:
            values.append(
                [[functions[name](o) for name in names[attribute]] for attribute in ATTRIBUTES]
            )
            kept.append(o)
        except BeyondHierarchy:
            beyond.append(HeldBack(outcome=o, class_size=0, reason="hierarchy"))
    heights = [len(names[a]) - 1 for a in ATTRIBUTES]
    total = len(outcomes)

    # Outcomes with the same most-detailed values behave alike at every level: group them
    # once, so each candidate plan costs one pass over distinct combinations, not outcomes.
    distinct: dict[tuple[Any, ...], list[Any]] = {}
    counts: Counter[tuple[Any, ...]] = Counter()
    for v in values:
        key = tuple(repr(v[a]) for a in range(len(ATTRIBUTES)))
        distinct.setdefault(key, v)
        counts[key] += 1
    groups = [(distinct[key], counts[key]) for key in distinct]

    def band(v: list[Any]) -> Any:
        return v[SANCTION][band_level] if band_level is not None else v[SANCTION][0]

    def failing(
        levels: tuple[int, ...], rows: Iterable[tuple[list[Any], int]]
    ) -> tuple[Counter[tuple[Any, ...]], set[tuple[Any, ...]]]:
        """Class sizes, and the groups (all but the sanction) showing fewer than l bands."""
        rows = list(rows)
        sizes: Counter[tuple[Any, ...]] = Counter()
        for v, weight in rows:
            sizes[tuple(v[a][levels[a]] for a in range(len(ATTRIBUTES)))] += weight
        few: set[tuple[Any, ...]] = set()
        if diversity > 1 and names["sanction"][levels[SANCTION]] != "any":
            bands: dict[tuple[Any, ...], set[Any]] = {}
            for v, _ in rows:
                key = tuple(v[a][levels[a]] for a in range(len(ATTRIBUTES)))
                if sizes[key] >= k:
                    bands.setdefault(key[:SANCTION] + key[SANCTION + 1 :], set()).add(band(v))
            few = {group for group, found in bands.items() if len(found) < diversity}
        return sizes, few

    def held(levels: tuple[int, ...]) -> int:
        sizes, few = failing(levels, groups)
        count = 0
        for v, weight in groups:
            key = tuple(v[a][levels[a]] for a in range(len(ATTRIBUTES)))
            if sizes[key] < k or key[:SANCTION] + key[SANCTION + 1 :] in few:
                count += weight
        return count

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
        held_count = held(levels) + len(beyond)
        score = ((held_count / total) if total else 1.0) + generalisation
        candidate = (score, held_count, levels)
        if best is None or candidate < best:
            best = candidate
    assert best is not None
    current_loss, _, current = best

    sizes, few = failing(current, ((v, 1) for v in values))
    released: list[tuple[Outcome, dict[str, dict[str, Any]]]] = []
    held_back: list[HeldBack] = list(beyond)
    changed = [0] * len(ATTRIBUTES)
    any_changed = 0
    for outcome, v in zip(kept, values, strict=True):
        key = tuple(v[a][current[a]] for a in range(len(ATTRIBUTES)))
        if sizes[key] < k:
            held_back.append(HeldBack(outcome=outcome, class_size=sizes[key], reason="k"))
            continue
        if key[:SANCTION] + key[SANCTION + 1 :] in few:
            held_back.append(HeldBack(outcome=outcome, class_size=sizes[key], reason="l"))
            continue
        # per attribute: the chosen level's value and every coarser one (derived from the
        # most detailed value through the hierarchy, so as safe to show), by level name;
        # "any" is left out
        record: dict[str, dict[str, Any]] = {}
        for a, attribute in enumerate(ATTRIBUTES):
            record[attribute] = {
                names[attribute][level]: v[a][level]
                for level in range(current[a], len(names[attribute]))
                if names[attribute][level] != "any"
            }
            if v[a][current[a]] != v[a][0]:
                changed[a] += 1
        any_changed += any(v[a][current[a]] != v[a][0] for a in range(len(ATTRIBUTES)))
        released.append((outcome, record))
    count = len(released)
    reached = reached_levels([published_fields(r) for _, r in released])
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
        k=k,
        l_diversity=diversity,
        k_reached=reached[0],
        l_reached=reached[1],
        generalised_share=any_changed / count if count else 0.0,
    )


def _canonical(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


def reached_levels(records: Sequence[dict[str, Any]]) -> tuple[int | None, int | None]:
    """Recount records exactly as stored: the smallest class over every published column,
    and the fewest distinct sanction bands in a group equal in all other columns (None
    when no record shows a band). Written apart from the planner, as its final check."""
    if not records:
        return None, None
    classes: Counter[tuple[Any, ...]] = Counter()
    bands: dict[tuple[Any, ...], set[Any]] = {}
    for record in records:
        classes[tuple(_canonical(record.get(c)) for c in PUBLISHED_COLUMNS)] += 1
        others = tuple(_canonical(record.get(c)) for c in PUBLISHED_COLUMNS if c not in
                       SANCTION_COLUMNS)  # fmt: skip
        if record.get("sanction_band") is not None:
            bands.setdefault(others, set()).add(record["sanction_band"])
    return min(classes.values()), (min(len(b) for b in bands.values()) if bands else None)


class UnsafeRelease(AssertionError):
    """The final recount found a class under k or a group under l: nothing is written."""


def check_release(records: Sequence[dict[str, Any]], *, k: int, l_diversity: int) -> None:
    smallest, fewest = reached_levels(records)
    if smallest is not None and smallest < k:
        raise UnsafeRelease(f"a class of {smallest} records (k = {k})")
    if fewest is not None and fewest < l_diversity:
        raise UnsafeRelease(f"a group showing {fewest} sanction band(s) (l = {l_diversity})")


__all__ = [
    "PUBLISHED_COLUMNS",
    "SANCTION_COLUMNS",
    "BeyondHierarchy",
    "HeldBack",
    "Outcome",
    "Plan",
    "UnsafeRelease",
    "check_release",
    "plan_release",
    "published_fields",
    "reached_levels",
]
