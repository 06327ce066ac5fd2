"""Small-count suppression with secondary suppression, for figures drawn from all cases.

A count from 1 to k-1 is suppressed (primary). Then, for every published total and the
cells that add up to it (a row total, a column total), no suppressed cell may be
recoverable: a total with exactly one suppressed part would give it away by subtraction,
and so would suppressed parts whose sum leaves them no room (all 1, or all k-1). While any total is
in that state, the smallest other non-zero part is suppressed too (secondary), or, if
there is none, the total itself. Zero is always shown: it identifies nobody.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

Cell = Hashable


@dataclass(frozen=True, slots=True)
class Relation:
    """A published total and the cells that add up to it."""

    total: Cell
    parts: tuple[Cell, ...]


def _exposed(relation: Relation, values: dict[Cell, int], hidden: set[Cell], k: int) -> bool:
    """Could one hidden part of this total be pinned down from the total and what is shown?

    A reader knows each hidden count is at least 1 (zeros are shown) and, if they assume
    every hidden count is a small one, at most k-1: the hidden parts' sum then pins them
    when it is their number (all 1) or their number times k-1 (all k-1).
    """
    if relation.total in hidden:
        return False
    parts = [p for p in relation.parts if p in hidden]
    if not parts:
        return False
    hidden_sum = sum(values[p] for p in parts)
    return len(parts) == 1 or hidden_sum <= len(parts) or hidden_sum >= len(parts) * (k - 1)


def suppress(values: dict[Cell, int], relations: Sequence[Relation], *, k: int) -> set[Cell]:
    """The cells to hide: primary (1..k-1) and enough secondary cells that none is exposed."""
    hidden = {cell for cell, value in values.items() if 0 < value < k}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if not _exposed(relation, values, hidden, k):
                continue
            candidates = sorted(
                (values[p], str(p), p) for p in relation.parts if p not in hidden and values[p] > 0
            )
            hidden.add(candidates[0][2] if candidates else relation.total)
            changed = True
    return hidden
