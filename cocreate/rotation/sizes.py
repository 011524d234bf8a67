"""Balanced table sizes for a round in which stayers are pinned to their tables.

"Within 1 of each other whenever the numbers allow": water-filling (add each traveller to the
currently smallest table) maximises the smallest table and minimises the largest one at the
same time, so its spread is the best achievable, and every vector whose sizes lie between that
smallest and largest size (and hold each table's stayers) is exactly as balanced.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SizeLimits:
    """Allowed table sizes for a balanced round: ``low[t] <= size[t] <= high``."""

    low: tuple[int, ...]
    high: int

    @property
    def spread(self) -> int:
        return self.high - min(self.low) if self.low else 0


def size_limits(stayer_counts: Sequence[int], n_people: int) -> SizeLimits:
    n_travellers = n_people - sum(stayer_counts)
    if n_travellers < 0:
        raise ValueError("more stayers than people")
    heap = [(count, table) for table, count in enumerate(stayer_counts)]
    heapq.heapify(heap)
    for _ in range(n_travellers):
        count, table = heapq.heappop(heap)
        heapq.heappush(heap, (count + 1, table))
    filled = [count for count, _ in heap]
    smallest, largest = min(filled), max(filled)
    return SizeLimits(tuple(max(smallest, count) for count in stayer_counts), largest)


def target_sizes(limits: SizeLimits, n_people: int, *, rotation: int = 0) -> list[int]:
    """One balanced size vector; the extra seats go to the smallest tables first, then
    round-robin so rounds differ."""
    sizes = list(limits.low)
    n_tables = len(sizes)
    for _ in range(n_people - sum(sizes)):
        best = min(
            (t for t in range(n_tables) if sizes[t] < limits.high),
            key=lambda t: (sizes[t], (t - rotation) % n_tables),
        )
        sizes[best] += 1
    return sizes
