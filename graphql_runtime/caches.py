"""A least-recently-used cache bounded by what its entries cost, on ``cachetools``.

Entries cost what they were made from (a document's characters, an answer's bytes); the
cache holds at most ``max_size`` of that and never an entry over ``max_entry_size``. Each
entry costs at least ``max_size // max_entries``, which also bounds how many it holds: a
flood of tiny entries cannot make the bookkeeping itself the memory problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K")
V = TypeVar("V")


class SizedCache(Generic[K, V]):
    def __init__(self, *, max_size: int, max_entry_size: int, max_entries: int) -> None:
        self.max_entry_size = max_entry_size
        floor = max(1, max_size // max_entries)
        self._lru: LRUCache[K, tuple[V, int]] = LRUCache(
            maxsize=max_size, getsizeof=lambda kept: max(kept[1], floor)
        )

    def get(self, key: K) -> V | None:
        """The value, now the most recently used; None if not kept."""
        found = self._lru.get(key)
        return None if found is None else found[0]

    def put(self, key: K, value: V, size: int) -> None:
        """Keep ``value`` (replacing the key's), unless it costs more than an entry may."""
        if size <= self.max_entry_size:
            self._lru[key] = (value, size)

    def pop(self, key: K) -> V | None:
        found = self._lru.pop(key, None)
        return None if found is None else found[0]

    @property
    def size(self) -> int:
        """What the kept entries were made from, in all (without the per-entry floor)."""
        return sum(size for _, size in self._lru.values())

    def __len__(self) -> int:
        return len(self._lru)

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._lru.keys()))
