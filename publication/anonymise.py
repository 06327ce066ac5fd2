"""k-anonymity and l-diversity for a release: a small fixed set of values per record,
each dropped from a record only when it would single it out.

Pure and deterministic: the same outcomes and code version always give the same plan,
so a preview can be published later by recomputing it and comparing hashes.

Every released record has the same few columns (``publication.attributes.RELEASED``):
the year the outcome became final, always; the families of its provisions; the band of
its sanction. A record keeps a value unless its class (records equal in every shown
value) would be under k, or its group (equal in all but the band) would show fewer than
l bands. Then the values in ``DROPPED_FIRST`` order are dropped from that record
(local recoding: other records keep theirs), one step at a time until every class and
group holds. What still does not hold is held back for a later release.

Why fixed columns and not a search over every level of every hierarchy (0005 to issue
22): with seven attributes the search found that only "any" kept classes of k, so 100%
of released records had no provision or family and most no period. A fixed small set
keeps what readers use most (family and year: 90% of the demo's released records keep
both; the tables count everything else), and a release is comparable with the last.

Every value is derived from the case's most detailed coded values through the code's
own hierarchy (a family from the provisions...), never read from another field of the
case; a value the hierarchy does not know is held back, not published as itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from codes import CodeVersion
from publication.attributes import (
    ANY,
    DROPPED_FIRST,
    HIERARCHIES,
    PUBLISHED_COLUMNS,
    RELEASED,
    SANCTION_COLUMNS,
    BeyondHierarchy,
    Outcome,
    published_fields,
)

ATTRIBUTES: tuple[str, ...] = tuple(h.attribute for h in HIERARCHIES)


def _level_functions(version: CodeVersion) -> dict[str, Callable[[Outcome], Any]]:
    """Every level of every hierarchy, as the value of an outcome at that level."""
    functions: dict[str, Callable[[Outcome], Any]] = {"any": lambda o: ANY}
    for hierarchy in HIERARCHIES:
        functions.update(hierarchy.levels(version))
    return functions


def released_levels(version: CodeVersion) -> dict[str, str]:
    """Each attribute's level in every released record ("any": never released).

    The level must be one of the code version's hierarchy for that attribute, so a code
    that does not generalise provisions to families cannot be released with families.
    """
    levels = {attribute: "any" for attribute in ATTRIBUTES}
    for attribute, level in RELEASED.items():
        if level not in version.publication.hierarchy(attribute):
            raise ValueError(f"code {version.id} has no level {level!r} for {attribute}")
        levels[attribute] = level
    return levels


@dataclass(frozen=True, slots=True)
class AttributeLoss:
    attribute: str
    level: str
    generalised_share: float  # of released records that do not show it (dropped)


@dataclass(frozen=True, slots=True)
class HeldBack:
    outcome: Outcome
    class_size: int  # records sharing its values when it was held back
    reason: str  # "k" (class under k), "l" (group shows too few bands) or "hierarchy"


@dataclass(frozen=True, slots=True)
class Plan:
    levels: dict[str, str]  # attribute -> level every released record shows it at
    released: list[tuple[Outcome, dict[str, dict[str, Any]]]]
    held_back: list[HeldBack]
    held_back_share: float
    attribute_loss: list[AttributeLoss]
    loss: float
    k: int
    l_diversity: int
    k_reached: int | None  # smallest class released (None: nothing released)
    l_reached: int | None  # fewest bands in a group (None: nothing, or no band shown)
    generalised_share: float  # of released records with any value dropped


def plan_release(
    outcomes: Sequence[Outcome], *, version: CodeVersion, k: int, l_diversity: int | None = None
) -> Plan:
    """The records a release publishes, with the values each keeps, and what it holds
    back (and why)."""
    diversity = version.publication.l_diversity if l_diversity is None else l_diversity
    levels = released_levels(version)
    shown = [a for a in ATTRIBUTES if levels[a] != "any"]
    functions = _level_functions(version)
    # every level from the released one up, per shown attribute (coarser levels are
    # derived from the same value, so as safe to show)
    chains = {
        a: [
            name
            for name in version.publication.hierarchy(a)[
                version.publication.hierarchy(a).index(levels[a]) :
            ]
            if name != "any"
        ]
        for a in shown
    }
    band = "sanction" if "sanction" in shown else None  # the sensitive value (l)

    values: list[dict[str, dict[str, Any]]] = []
    kept: list[Outcome] = []
    held_back: list[HeldBack] = []
    for o in outcomes:
        try:
            values.append({a: {name: functions[name](o) for name in chains[a]} for a in shown})
            kept.append(o)
        except BeyondHierarchy:
            held_back.append(HeldBack(outcome=o, class_size=0, reason="hierarchy"))

    dropped: list[int] = [0] * len(kept)  # how many of DROPPED_FIRST each record lost
    order = [a for a in DROPPED_FIRST if a in shown]

    def key(i: int) -> tuple[Any, ...]:
        gone = set(order[: dropped[i]])
        return tuple(None if a in gone else repr(values[i][a]) for a in shown)

    position = shown.index(band) if band is not None and diversity > 1 else None

    def failing() -> tuple[list[tuple[Any, ...]], Counter[tuple[Any, ...]], dict[int, str]]:
        """Each record's shown values, the class sizes, and the records breaking k or l."""
        keys = [key(i) for i in range(len(kept))]
        sizes = Counter(keys)
        bands: dict[tuple[Any, ...], set[Any]] = {}
        if position is not None:  # groups: equal in all but the band, among classes of k
            for full in sizes:
                if full[position] is not None and sizes[full] >= k:
                    bands.setdefault(full[:position] + full[position + 1 :], set()).add(
                        full[position]
                    )
        bad: dict[int, str] = {}
        for i, full in enumerate(keys):
            if sizes[full] < k:
                bad[i] = "k"
            elif position is not None and full[position] is not None:
                if len(bands[full[:position] + full[position + 1 :]]) < diversity:
                    bad[i] = "l"
        return keys, sizes, bad

    # Each round drops one more value from every failing record; a record only ever loses
    # values, so this ends after len(order) rounds at most.
    while True:
        keys, sizes, bad = failing()
        movable = [i for i in bad if dropped[i] < len(order)]
        if not movable:
            break
        for i in movable:
            dropped[i] += 1

    released: list[tuple[Outcome, dict[str, dict[str, Any]]]] = []
    lost: Counter[str] = Counter()
    any_lost = 0
    for i, outcome in enumerate(kept):
        if i in bad:
            held_back.append(HeldBack(outcome=outcome, class_size=sizes[keys[i]], reason=bad[i]))
            continue
        gone = set(order[: dropped[i]])
        lost.update(gone)
        any_lost += bool(gone)
        released.append((outcome, {a: values[i][a] for a in shown if a not in gone}))
    count = len(released)
    total = len(outcomes)
    held_share = len(held_back) / total if total else 0.0
    dropped_share = (sum(lost.values()) / (count * len(order))) if count and order else 0.0
    reached = reached_levels([published_fields(r) for _, r in released])
    return Plan(
        levels=levels,
        released=released,
        held_back=held_back,
        held_back_share=held_share,
        attribute_loss=[
            AttributeLoss(
                attribute=a, level=levels[a], generalised_share=lost[a] / count if count else 0.0
            )
            for a in shown
        ],
        # share held back, plus half the share of droppable values dropped
        loss=held_share + 0.5 * dropped_share,
        k=k,
        l_diversity=diversity,
        k_reached=reached[0],
        l_reached=reached[1],
        generalised_share=any_lost / count if count else 0.0,
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
