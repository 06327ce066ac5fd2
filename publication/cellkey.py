"""The cell-key method (ONS, Census 2021) as this service applies it.

Every case gets a record key, a random whole number 0..255 fixed once when it is
recorded. A cell of a table (a count of cases) gets a cell key: the sum of its records'
keys, mod 256. The perturbation table below maps (count, cell key) to the published
count. Because the noise depends only on which records are in the cell, the same cell
always shows the same number, however it is reached (another table, a repeated query, an
overlapping period): averaging repeats gains nothing, and differencing two published
numbers leaves the noise of both.

The table (``perturb``):
- 0 stays 0;
- 1..k-1 become 0 or k: k with probability n/k, so small counts are unbiased on average
  and a count from 1 to k-1 is never shown;
- k and above move by -2, -1, 0, +1 or +2 with probabilities 13, 51, 128, 51, 13 in 256
  (half unchanged, symmetric), never below k.

The database computes it (``ckm_perturb()``) so that exact counts never
leave the owner's functions; this module is the same table in Python, for tests, the
benchmark and documentation. ONS's package ``cell-key-perturbation`` applies the same
method with a ptable file; we match its method, not its files: our ptable is this
function, with k from the code's publication rules.
"""

from __future__ import annotations

KEY_RANGE = 256
# cumulative upper bounds of the cell key for noise -2, -1, 0, +1 (the rest is +2)
NOISE_BOUNDS = ((13, -2), (64, -1), (192, 0), (243, 1))


def cell_key(key_sum: int) -> int:
    return key_sum % KEY_RANGE


def perturb(n: int, key_sum: int, k: int) -> int:
    """The published value of a cell of n records whose record keys sum to key_sum."""
    if n <= 0:
        return 0
    key = cell_key(key_sum)
    if n < k:
        return k if (key + 0.5) * k < KEY_RANGE * n else 0
    noise = next((d for bound, d in NOISE_BOUNDS if key < bound), 2)
    return max(k, n + noise)


def maximum_noise(k: int) -> int:
    """The largest change any published count can carry (for a count below k: k-1)."""
    return max(2, k - 1)
