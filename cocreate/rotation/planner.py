"""plan_rotation: seat every round of a World Café (or a social-golfer mixer)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping, Sequence

from cocreate.rotation.bounds import compute_bounds, pair_meetings
from cocreate.rotation.construct import field_rotation
from cocreate.rotation.problem import Problem, Round, validate
from cocreate.rotation.revisits import fewest_revisits, revisit_allowance
from cocreate.rotation.search import current_cost, search, work_budget
from cocreate.rotation.seating import REPEAT_COST, Seating


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
    the pinned stayers allow (at most 1 when possible); and no traveller sits at a table they
    sat at before (home included) in a planned middle round, unless no plan can avoid it. With
    at most G-1 middle rounds none is needed on even homes or homes one person apart with the
    same stayers per table (a traveller from home h can sit at table h+k in middle round k).
    Where played rounds, late joiners, people who left or moved home, or uneven stayers make
    revisits unavoidable, there are as few as possible, and they fall first on the travellers
    who joined late or moved home. Within those rules the planner minimises repeated meetings.
    A social-golfer mixer (no stayers, no return home) has no topics at its tables: there only
    repeats count.

    The same input and seed give the same plan whenever the search ends at the counting bound
    or at its work budget; a small input searches pass after pass until the bound or the time
    budget, and only a plan cut short by the clock may differ (see ``search``).
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
    # The search stops a little early: writing out the plan takes time too.
    free = _seat_free_rounds(
        problem, seed, budget=work_budget(time_budget), deadline=started + 0.85 * time_budget
    )
    return _assemble(problem, free)


def _seat_free_rounds(
    problem: Problem, seed: int, *, budget: int, deadline: float
) -> list[list[int]]:
    if not problem.free_rounds:
        return []
    rng = random.Random(seed)
    seating = Seating(problem)
    proposal = field_rotation(
        problem.homes, problem.is_stayer, problem.n_tables, list(problem.free_rounds)
    )
    for rnd in range(seating.n_free):
        proposed = proposal[rnd] if proposal else None
        if proposed is None:
            seating.seat_round(rnd, rng)
        else:
            seating.seat_given(rnd, proposed)
    # The greedy seating may leave revisits a rearrangement avoids, and the construction
    # unbalanced tables on uneven homes; only then start over from the repaired tables.
    tables = seating.snapshot()
    if fewest_revisits(problem, tables, seating.limits, seating.revisit_weight):
        seating = Seating(problem)
        for rnd, round_tables in enumerate(tables):
            seating.seat_given(rnd, round_tables)
    allowance = revisit_allowance(problem, seating.limits)
    least_revisits = sum(
        weight * (fixed + free)
        for weight, fixed, free in zip(
            seating.revisit_weight, seating.fixed_revisits, allowance, strict=True
        )
    )
    target = REPEAT_COST * (compute_bounds(problem).repeats - _departed_repeats(problem))
    return search(
        seating,
        rng,
        cost=current_cost(seating),
        target=target + least_revisits,
        budget=budget,
        deadline=deadline,
    )


def _departed_repeats(problem: Problem) -> int:
    """Repeats in fixed rounds that involve people no longer in homes: part of the bound, but
    not of the seating the search scores."""
    counted = problem.fixed_rounds[: problem.n_counted_rounds]
    current = set(problem.ids)
    return sum(
        count - 1
        for (a, b), count in pair_meetings(counted).items()
        if count > 1 and not (a in current and b in current)
    )


def _assemble(problem: Problem, free: list[list[int]]) -> list[Round]:
    rounds: list[Round] = [dict(seating) for seating in problem.fixed_rounds]
    for tables in free:
        rounds.append({pid: tables[i] for i, pid in enumerate(problem.ids)})
    if problem.generates_final_home_round:
        rounds.append(problem.home_round())
    assert len(rounds) == problem.n_rounds
    return rounds
