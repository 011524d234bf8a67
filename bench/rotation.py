"""Benchmark of the rotation planner: quality next to the bounds, and time.

    .venv/bin/python bench/rotation.py            # everything (several minutes)
    .venv/bin/python bench/rotation.py --quick    # fewer World Café instances
    .venv/bin/python bench/rotation.py --small --exact   # small instances vs their optimum

Prints one table: instance, repeats, bound, revisits (bound), imbalance, distinct people met
(min / mean vs the most anyone can meet), seconds; then a summary of the World Café sweep.
Then the small instances (up to 30 people, 6 rounds): the planner next to the counting bounds
and the bound for planning revisits first, and with --exact next to the exact optimum that
bench/rotation_exact.py computes with CP-SAT (a time limit per instance, --exact-limit).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cocreate.rotation import PlanScore, plan_rotation, score_plan
from cocreate.rotation.bounds import revisit_first_bounds
from cocreate.rotation.problem import validate

if TYPE_CHECKING:  # the solver is imported only for --exact
    from bench.rotation_exact import ExactResult


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


def sized_cafe(sizes: Sequence[int], n_stayers: int, n_rounds: int) -> Instance:
    homes = cafe_homes(sizes)
    return Instance(
        f"uneven G={len(sizes)} f={n_stayers} sizes={min(sizes)}-{max(sizes)} R={n_rounds}",
        homes,
        len(sizes),
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


def small_sweep() -> list[Instance]:
    """Up to 30 people and 6 rounds: G = 3..6, R = 3..6 (K = R - 2 middle rounds, so both
    K <= G - 1 and K > G - 1), with and without stayers, and uneven homes."""
    instances = [
        cafe(n_tables, n_stayers, n_travellers, n_rounds)
        for n_tables in range(3, 7)
        for n_stayers, n_travellers in ((0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4), (2, 3))
        for n_rounds in range(3, 7)
    ]
    for sizes, n_stayers, n_rounds in (
        ((3, 4, 5), 0, 4),
        ((4, 5, 5), 1, 5),
        ((3, 4, 4, 5), 0, 5),
        ((3, 3, 4, 4), 1, 6),
        ((3, 4, 4, 5, 5), 0, 4),
        ((4, 4, 5, 5, 6), 1, 6),
        ((3, 3, 4, 4, 5, 5), 0, 5),
        ((4, 4, 5, 5, 5, 6), 1, 6),
    ):
        instances.append(sized_cafe(sizes, n_stayers, n_rounds))
    return instances


def run(instance: Instance) -> tuple[PlanScore, float]:
    _, score, seconds = plan_and_score(instance)
    return score, seconds


def plan_and_score(instance: Instance) -> tuple[list[dict[str, int]], PlanScore, float]:
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
    return rounds, score, seconds


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


# -- small instances next to their exact optimum ---------------------------------------------


def verdict(
    planner: tuple[int, int],
    counting: tuple[int, int],
    revisit_first: tuple[int, int],
    exact: ExactResult | None,
) -> str:
    """Where the planner's (revisits, repeats) stands: revisits first, then repeats."""
    revisits, repeats = planner
    if planner == counting:
        return "at the bound"
    if planner == revisit_first:
        return "optimal, the bound is not tight"  # proven by the revisit-first bounds
    if exact is None:
        return "above the bound (no --exact)"
    if revisits > exact.revisits:
        gap = revisits - exact.revisits
        return f"real gap of {gap} revisit{'s' if gap > 1 else ''}"
    if not exact.revisits_proven:
        return "open: fewest revisits not proven"
    if revisits < exact.revisits:
        raise AssertionError(f"planner {planner} beats the proven optimum {exact}")
    if repeats <= exact.repeats_bound:
        return "optimal, the bound is not tight"
    if exact.optimal:
        return f"real gap of {repeats - exact.repeats}"
    if exact.repeats < repeats:
        return f"real gap of {repeats - exact.repeats} to {repeats - exact.repeats_bound}*"
    return f"open: gap of at most {repeats - exact.repeats_bound}*"


SMALL_HEADER = (
    f"{'instance':<36} {'K':>2} {'planner':>8} {'counting':>8} {'rev-1st':>8} "
    f"{'exact':>12} {'verdict':<34} {'plan s':>6} {'exact s':>7}"
)


def small_row(
    instance: Instance,
    score: PlanScore,
    revisit_first: tuple[int, int],
    exact: ExactResult | None,
    seconds: float,
) -> tuple[str, str]:
    planner = (score.revisits, score.repeat_pairs)
    counting = (score.lower_bound_revisits, score.lower_bound_repeats)
    said = verdict(planner, counting, revisit_first, exact)
    shown = "-"
    if exact is not None:
        mark = "" if exact.revisits_proven else "*"
        shown = f"{exact.revisits}{mark}/{exact.repeats}"
        if not exact.optimal:
            shown += f"[{exact.repeats_bound}]"
    middle = len(range(1, instance.n_rounds - 1))
    line = (
        f"{instance.name:<36} {middle:>2} {'/'.join(map(str, planner)):>8} "
        f"{'/'.join(map(str, counting)):>8} {'/'.join(map(str, revisit_first)):>8} {shown:>12} "
        f"{said:<34} "
        f"{seconds:>6.2f} {f'{exact.seconds:.1f}' if exact else '-':>7}"
    )
    return line, said


def small_table(exact: bool, limit: float, all_rows: bool) -> None:
    solve = None
    if exact:
        from bench.rotation_exact import solve_exact

        solve = solve_exact
    print(SMALL_HEADER)
    verdicts: list[str] = []
    for instance in small_sweep():
        rounds, score, seconds = plan_and_score(instance)
        problem = validate(
            instance.homes,
            instance.n_tables,
            instance.n_rounds,
            stayers=instance.stayers,
            return_home=instance.return_home,
            played=(),
            time_budget=0.0,
        )
        first = revisit_first_bounds(problem)
        revisit_first = (first.revisits, first.repeats)
        optimum = None
        counting = (score.lower_bound_revisits, score.lower_bound_repeats)
        planner = (score.revisits, score.repeat_pairs)
        proven = verdict(planner, counting, revisit_first, None).startswith(("at", "optimal"))
        if solve is not None and not proven:
            optimum = solve(
                instance.homes,
                instance.n_tables,
                instance.n_rounds,
                stayers=instance.stayers,
                time_limit=limit,
                hint=rounds,
            )
        line, said = small_row(instance, score, revisit_first, optimum, seconds)
        verdicts.append(said)
        if all_rows or said != "at the bound":
            print(line, flush=True)
    kinds = ["at the bound", "optimal, the bound is not tight", "real gap", "open", "above"]
    counts = {kind: sum(v.startswith(kind) for v in verdicts) for kind in kinds}
    print()
    print(
        f"Small instances: {len(verdicts)}; "
        + "; ".join(f"{kind}: {count}" for kind, count in counts.items() if count)
        + (f" (CP-SAT limit {limit:g} s per instance)" if exact else "")
        + ". Rows above: every instance off its counting bounds."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer World Café instances")
    parser.add_argument("--all-rows", action="store_true", help="print every instance")
    parser.add_argument("--small", action="store_true", help="only the small-instance table")
    parser.add_argument("--exact", action="store_true", help="small instances vs CP-SAT")
    parser.add_argument(
        "--exact-limit", type=float, default=20.0, help="CP-SAT seconds per small instance"
    )
    args = parser.parse_args()
    if not args.small:
        main_table(args.quick, args.all_rows)
        print()
    small_table(args.exact, args.exact_limit, args.all_rows)


def main_table(quick: bool, all_rows: bool) -> None:
    print(HEADER)
    sweep = cafe_sweep(quick)
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
        if all_rows or gap or revisit_gap or instance.name.startswith(("uneven", "late")):
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
