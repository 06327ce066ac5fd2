"""The cell-key method: the database's perturbation equals the documented table, and an
attacker differencing or repeating protected figures does not recover a small count.

The attacks are written against the published rule (``publication.cellkey.perturb``),
independently of how the service stores its tables; the first test proves the database
applies exactly that rule.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

import codes
from cases.synthetic import generate
from publication.anonymise import Outcome, plan_release
from publication.cellkey import perturb

K = 10


@settings(max_examples=500)
@given(n=st.integers(0, 10_000), key_sum=st.integers(0, 10**9), k=st.integers(2, 50))
def test_no_count_from_1_to_k_minus_1_is_ever_shown(n: int, key_sum: int, k: int) -> None:
    shown = perturb(n, key_sum, k)
    assert shown == 0 or shown >= k
    assert (shown == 0) == (n == 0) or n < k
    if n >= k:
        assert abs(shown - n) <= 2
    assert perturb(n, key_sum, k) == shown  # the same cell always shows the same number


def _differences(background: int, hidden: int) -> dict[int, int]:
    """year - quarter over every record key of the hidden cases and of the background:
    how often each difference is seen when the year holds `hidden` more cases."""
    seen: dict[int, int] = defaultdict(int)
    for background_keys in range(256):
        for hidden_keys in range(256) if hidden else [0]:
            year = perturb(background + hidden, background_keys + hidden_keys, K)
            quarter = perturb(background, background_keys, K)
            seen[year - quarter] += 1
    return seen


def test_differencing_overlapping_periods_rarely_pins_a_small_count() -> None:
    """The Committee's attack, on fixed periods: a year minus the quarter it contains
    estimates the cases in the other quarters. For a hidden count from 1 to k-1 the
    difference is consistent with several counts; it pins one only at the noise's far
    ends (both cells at their extreme), under 1% of the time, and never pins a count
    above the smallest."""
    for background in (10, 40):
        # the attacker's candidates: no hidden case, or any number up to 2k
        by_count = {hidden: _differences(background, hidden) for hidden in range(0, 2 * K)}
        for hidden in range(1, K):
            seen = by_count[hidden]
            total = sum(seen.values())
            pinned = sum(
                n
                for difference, n in seen.items()
                if all(difference not in by_count[o] for o in by_count if o != hidden)
            )
            assert pinned / total < 0.01, (background, hidden, pinned / total)
            if hidden > 1:
                assert pinned == 0


def test_repeating_or_overlapping_tables_gives_the_same_number() -> None:
    """A cell reached by two tables (the same records) shows the same number in both, so
    asking again or through another table averages nothing away."""
    keys = [17, 200, 3, 99, 45, 128, 7, 250, 61, 33, 90]
    assert len({perturb(len(keys), sum(keys), K) for _ in range(5)}) == 1


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 1000), scale=st.sampled_from(["small"]))
def test_homogeneity_no_released_group_shows_one_band(seed: int, scale: str) -> None:
    """Attribute disclosure: whatever the caseload, anyone who knows every released fact
    of a case but its sanction finds a group showing at least l bands."""
    version = codes.default_version()
    cases = [c for c in generate(scale, today=date(2026, 11, 24), seed=seed)
             if c.decision is not None and c.party == "lantern"]  # fmt: skip
    outcomes = [
        Outcome.of(
            __import__("uuid").uuid4(),
            c.decision.decided_on,
            provisions=c.provisions if seed % 7 else ("JC99",),  # beyond the hierarchy
            forms_of_hate=c.forms_of_hate,
            channel=c.channel,
            respondent_role=c.respondent_role,
            severity=None,
            sanction=c.decision.sanction,
        )
        for c in cases
    ]
    plan = plan_release(outcomes, version=version, k=K)
    groups: dict[tuple, set] = defaultdict(set)
    for _, record in plan.released:
        key = tuple(repr(v) for a, v in sorted(record.items()) if a != "sanction")
        band = record.get("sanction", {}).get("sanction_band")
        if band is not None:
            groups[key].add(band)
    assert all(len(bands) >= 2 for bands in groups.values())
    if seed % 7 == 0:
        assert all(h.reason == "hierarchy" for h in plan.held_back) and plan.held_back
