"""Time cocreate.voting.tally on vote sizes well beyond a real workshop.

Run from the repository root: ``.venv/bin/python -m bench.tally``. Prints the median of
several runs per case; ballots are random but seeded, so runs are comparable.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from cocreate.voting import tally

RUNS = 5
SEED = 4
POINTS_LIMITS = {"max_points": 12, "max_per_item": 3}
APPROVAL_LIMITS = {"max_approvals": 5}


def candidates(count: int) -> list[str]:
    return [f"challenge-{i:02d}" for i in range(count)]


def random_rankings(ids: list[str], count: int, rng: random.Random) -> list[list[str]]:
    """Complete and partial rankings; almost all distinct, the worst case for aggregation."""
    ballots = []
    for _ in range(count):
        order = rng.sample(ids, len(ids))
        ballots.append(order[: rng.randint(1, len(ids))])
    return ballots


def popular_rankings(ids: list[str], count: int, rng: random.Random) -> list[list[str]]:
    """Top-3 ballots from a few favourites: many identical ballots, as in real workshops."""
    favourites = ids[:6]
    return [rng.sample(favourites, 3) for _ in range(count)]


def points_ballots(ids: list[str], count: int, rng: random.Random) -> list[dict[str, int]]:
    return [{c: rng.randint(1, 3) for c in rng.sample(ids, 4)} for _ in range(count)]


def approval_ballots(ids: list[str], count: int, rng: random.Random) -> list[list[str]]:
    return [rng.sample(ids, 5) for _ in range(count)]


def median_seconds(run: Callable[[], Any]) -> float:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    rng = random.Random(SEED)
    ids = candidates(30)
    ballot_count = 10_000
    cases: list[tuple[str, str, list[Any], dict[str, int]]] = [
        ("schulze", "random partial rankings", random_rankings(ids, ballot_count, rng), {}),
        ("borda", "random partial rankings", random_rankings(ids, ballot_count, rng), {}),
        ("schulze", "top-3 of 6 favourites", popular_rankings(ids, ballot_count, rng), {}),
        (
            "points",
            "4 items, 1-3 points each",
            points_ballots(ids, ballot_count, rng),
            POINTS_LIMITS,
        ),
        ("approval", "5 approvals each", approval_ballots(ids, ballot_count, rng), APPROVAL_LIMITS),
    ]
    print(f"Python {sys.version.split()[0]}, {len(ids)} candidates x {ballot_count:,} ballots,")
    print(f"median of {RUNS} runs")
    for method, shape, ballots, limits in cases:
        seconds = median_seconds(lambda m=method, b=ballots, lim=limits: tally(m, ids, b, **lim))
        print(f"  {method:<9} {shape:<26} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
