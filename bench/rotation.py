"""Benchmark of the rotation planner: quality next to the bounds, and time.

    .venv/bin/python bench/rotation.py            # everything (several minutes)
    .venv/bin/python bench/rotation.py --quick    # fewer World Café instances

Prints one table: instance, repeats, bound, revisits (bound), imbalance, distinct people met
(min / mean vs the most anyone can meet), seconds; then a summary of the World Café sweep.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cocreate.rotation import PlanScore, plan_rotation, score_plan


@dataclass(frozen=True)
class Instance:
    name: str
    homes: dict[str, int]
    n_tables: int
    n_rounds: int
    stayers: tuple[str, ...] = ()
    return_home: bool = True
    played: tuple[dict[str, int], ...] = ()
    time_budget: float = 2.0
    cafe: bool = True  # part of the World Café sweep summary


def people(n: int, prefix: str = "p") -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(n)]


def cafe_homes(sizes: Sequence[int]) -> dict[str, int]:
    homes: dict[str, int] = {}
    for table, size in enumerate(sizes):
        for pid in people(size, f"t{table:02d}-"):
            homes[pid] = table
    return homes


def stayers_of(homes: Mapping[str, int], per_table: int) -> tuple[str, ...]:
    chosen: list[str] = []
    for table in sorted(set(homes.values())):
        chosen += sorted(p for p, h in homes.items() if h == table)[:per_table]
    return tuple(chosen)


def cafe(n_tables: int, n_stayers: int, n_travellers: int, n_rounds: int) -> Instance:
    homes = cafe_homes([n_stayers + n_travellers] * n_tables)
    return Instance(
        f"cafe G={n_tables} f={n_stayers} m={n_travellers} R={n_rounds}",
        homes,
        n_tables,
        n_rounds,
        stayers_of(homes, n_stayers),
    )


def uneven_cafe(n_tables: int, n_stayers: int, n_travellers: int, n_rounds: int) -> Instance:
    rng = random.Random(n_tables * 100 + n_travellers)
    sizes = [n_stayers + max(1, n_travellers + rng.choice((-1, 0, 0, 1))) for _ in range(n_tables)]
    homes = cafe_homes(sizes)
    return Instance(
        f"uneven G={n_tables} f={n_stayers} sizes={min(sizes)}-{max(sizes)} R={n_rounds}",
        homes,
        n_tables,
        n_rounds,
        stayers_of(homes, n_stayers),
    )


def late_joiners(n_tables: int, n_stayers: int, n_travellers: int, n_rounds: int) -> Instance:
    """Two rounds played, then two people join late and one leaves; re-plan the rest."""
    base = cafe(n_tables, n_stayers, n_travellers, n_rounds)
    first = plan_rotation(base.homes, n_tables, n_rounds, stayers=base.stayers, time_budget=0.5)
    homes = dict(base.homes)
    leaver = sorted(p for p in homes if p not in base.stayers)[-1]
    del homes[leaver]
    homes["late-a"] = 0
    homes["late-b"] = n_tables - 1
    return Instance(
        f"late G={n_tables} f={n_stayers} m={n_travellers} R={n_rounds} +2-1 after 2",
        homes,
        n_tables,
        n_rounds,
        base.stayers,
        played=tuple(first[:2]),
    )


def golfer(groups: int, size: int, rounds: int) -> Instance:
    homes = {pid: i // size for i, pid in enumerate(people(groups * size))}
    return Instance(
        f"golfer {groups}-{size}-{rounds}",
        homes,
        groups,
        rounds,
        return_home=False,
        time_budget=10.0,
        cafe=False,
    )


def scale(n_people: int) -> Instance:
    n_tables = 25
    homes = {pid: i % n_tables for i, pid in enumerate(people(n_people))}
    return Instance(
        f"scale {n_people} people, 25 tables, 6 rounds",
        homes,
        n_tables,
        6,
        stayers_of(homes, 2),
        cafe=False,
    )


def cafe_sweep(quick: bool) -> list[Instance]:
    instances: list[Instance] = []
    for n_tables in range(3, 13):
        travellers = (2, 5, 8) if not quick else (2, 8)
        rounds = sorted({3, (n_tables + 4) // 2, n_tables + 1})
        for n_travellers in travellers:
            for n_rounds in rounds:
                for n_stayers in (0, 1, 2):
                    instances.append(cafe(n_tables, n_stayers, n_travellers, n_rounds))
        instances.append(uneven_cafe(n_tables, 2, 4, n_tables + 1))
        instances.append(uneven_cafe(n_tables, 1, 6, max(3, n_tables - 1)))
        instances.append(late_joiners(n_tables, 2, 4, min(6, n_tables + 1)))
    return instances


def run(instance: Instance) -> tuple[PlanScore, float]:
    started = time.perf_counter()
    rounds = plan_rotation(
        instance.homes,
        instance.n_tables,
        instance.n_rounds,
        stayers=instance.stayers,
        return_home=instance.return_home,
        played=list(instance.played),
        time_budget=instance.time_budget,
    )
    seconds = time.perf_counter() - started
    score = score_plan(
        rounds,
        instance.homes,
        instance.stayers,
        instance.return_home,
        n_tables=instance.n_tables,
        played=list(instance.played),
    )
    return score, seconds


HEADER = (
    f"{'instance':<46} {'repeats':>7} {'bound':>6} {'revisits':>9} {'imbal':>5} "
    f"{'met min/mean/bound':>19} {'seconds':>7}"
)


def row(instance: Instance, score: PlanScore, seconds: float) -> str:
    revisits = f"{score.revisits}({score.lower_bound_revisits})"
    met = f"{score.min_distinct_met}/{score.mean_distinct_met:.1f}/{score.max_distinct_met_bound}"
    return (
        f"{instance.name:<46} {score.repeat_pairs:>7} {score.lower_bound_repeats:>6} "
        f"{revisits:>9} {score.max_imbalance:>5} {met:>19} {seconds:>7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer World Café instances")
    parser.add_argument("--all-rows", action="store_true", help="print every sweep instance")
    args = parser.parse_args()

    print(HEADER)
    sweep = cafe_sweep(args.quick)
    at_bound = 0
    gaps: list[tuple[int, Instance, PlanScore]] = []
    revisit_misses = 0
    slowest = 0.0
    for instance in sweep:
        score, seconds = run(instance)
        slowest = max(slowest, seconds)
        gap = score.repeat_pairs - score.lower_bound_repeats
        revisit_gap = score.revisits - score.lower_bound_revisits
        if gap == 0 and revisit_gap == 0:
            at_bound += 1
        else:
            gaps.append((gap, instance, score))
            revisit_misses += revisit_gap > 0
        if args.all_rows or gap or revisit_gap or instance.name.startswith(("uneven", "late")):
            print(row(instance, score, seconds))
    for instance in [
        golfer(5, 3, 7),
        golfer(8, 4, 6),
        golfer(8, 4, 7),
        golfer(8, 4, 9),
        golfer(8, 4, 10),
        *(scale(n) for n in (100, 300, 1000, 3000)),
    ]:
        score, seconds = run(instance)
        print(row(instance, score, seconds))
    print()
    print(
        f"World Café sweep: {len(sweep)} instances, {at_bound} with repeats and revisits at "
        f"their lower bounds; {len(gaps)} above (largest repeat gap "
        f"{max((g for g, _, _ in gaps), default=0)}, {revisit_misses} with revisits above the "
        f"revisit bound); slowest {slowest:.2f} s (budget 2 s). Rows above: every instance off "
        f"its bounds, plus all uneven and late-joiner instances."
    )


if __name__ == "__main__":
    main()
