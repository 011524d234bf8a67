"""plan_rotation: seat every round of a World Café (or a social-golfer mixer)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping, Sequence

from cocreate.rotation.problem import Problem, Round, validate
from cocreate.rotation.seating import Seating


def plan_rotation(
    homes: Mapping[str, int],
    n_tables: int,
    n_rounds: int,
    *,
    stayers: Iterable[str] = (),
    return_home: bool = True,
    played: Sequence[Mapping[str, int]] = (),
    seed: int = 0,
    time_budget: float = 2.0,
) -> list[dict[str, int]]:
    """Plan all rounds, round 0 first, as ``{participant id: table}`` dicts.

    Hard rules kept in every plan: stayers sit at home in every planned round; everyone in
    ``homes`` sits at exactly one table per planned round; ``played`` rounds are returned exactly
    as given (they may lack late joiners and hold people who left); with ``return_home`` the last
    round is everyone at home; table sizes in the planned middle rounds have the smallest spread
    the pinned stayers allow (at most 1 when possible). Within those rules the planner minimises
    repeated meetings and table revisits. The same input and seed give the same plan as long as
    the search is not cut short by the wall clock (see ``search.work_budget``).
    """
    started = time.monotonic()
    problem = validate(
        homes,
        n_tables,
        n_rounds,
        stayers=stayers,
        return_home=return_home,
        played=played,
        time_budget=time_budget,
    )
    free = _seat_free_rounds(problem, seed, deadline=started + time_budget)
    return _assemble(problem, free)


def _seat_free_rounds(problem: Problem, seed: int, deadline: float) -> list[list[int]]:
    if not problem.free_rounds:
        return []
    rng = random.Random(seed)
    seating = Seating(problem)
    for rnd in range(seating.n_free):
        seating.seat_round(rnd, None, rng)
    return seating.snapshot()


def _assemble(problem: Problem, free: list[list[int]]) -> list[Round]:
    rounds: list[Round] = [dict(seating) for seating in problem.fixed_rounds]
    for tables in free:
        rounds.append({pid: tables[i] for i, pid in enumerate(problem.ids)})
    if problem.generates_final_home_round:
        rounds.append(problem.home_round())
    assert len(rounds) == problem.n_rounds
    return rounds
