"""Bounds for planning revisits first: the fewest revisits, then the fewest repeats among the
plans with that few, checked against exhaustive search and (if installed) the CP-SAT model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cocreate.rotation.bounds import (
    compute_bounds,
    count_revisits,
    pair_meetings,
    revisit_first_bounds,
)
from cocreate.rotation.flow import FlowNetwork
from cocreate.rotation.problem import Problem, counted_round_count, validate
from tests.unit.test_rotation import all_plans, first_per_table, ids, uniform_homes

PLAN_LIMIT = 10000  # exhaustive search only where it stays this small


def problem_of(
    homes: Mapping[str, int],
    n_tables: int,
    n_rounds: int,
    stayers: Sequence[str] = (),
    return_home: bool = True,
    played: Sequence[Mapping[str, int]] = (),
) -> Problem:
    return validate(
        homes,
        n_tables,
        n_rounds,
        stayers=stayers,
        return_home=return_home,
        played=played,
        time_budget=0.0,
    )


def revisits_and_repeats(
    plan: Sequence[Mapping[str, int]],
    homes: Mapping[str, int],
    stayers: Sequence[str],
    return_home: bool,
) -> tuple[int, int]:
    """As score_plan counts them, without its bounds (which the search would recompute)."""
    counted = plan[: counted_round_count(len(plan), return_home)]
    repeats = sum(count - 1 for count in pair_meetings(counted).values() if count > 1)
    return count_revisits(counted, homes, frozenset(stayers)), repeats


def field_plan(n_tables: int, per_table: int, n_middle: int) -> list[dict[str, int]]:
    """No stayers, prime tables: the traveller of rank r at home h sits at h + k*(r mod (G-1)
    + 1) in middle round k, so nobody revisits; then everyone goes home."""
    homes = uniform_homes(n_tables, per_table)
    rank = {pid: i // n_tables for i, pid in enumerate(sorted(homes))}
    middle = [
        {
            pid: (home + k * (rank[pid] % (n_tables - 1) + 1)) % n_tables
            for pid, home in homes.items()
        }
        for k in range(1, n_middle + 1)
    ]
    return [dict(homes), *middle, dict(homes)]


# -- exhaustive search ---------------------------------------------------------------------------


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(n_tables=st.integers(2, 4), n_people=st.integers(2, 7), data=st.data())
def test_no_plan_with_the_fewest_revisits_beats_the_repeats_bound(
    n_tables: int, n_people: int, data: st.DataObject
) -> None:
    people = ids(n_people)
    homes = {pid: data.draw(st.integers(0, n_tables - 1)) for pid in people}
    stayers = [pid for pid in people if data.draw(st.integers(0, 3)) == 0]
    return_home = data.draw(st.booleans())
    # Up to two rounds more than the tables allow without a revisit (K > G - 1 included).
    n_middle = data.draw(st.integers(1, n_tables + 1))
    played: list[dict[str, int]] = []
    if data.draw(st.booleans()):  # re-planning after a played round, someone has left
        present = [*people, "gone"]
        played = [{pid: data.draw(st.integers(0, n_tables - 1)) for pid in present}]
    n_rounds = n_middle + (len(played) or 1) + int(return_home)
    assume(enough_few_plans(homes, n_tables, stayers, n_middle))

    check_against_every_plan(homes, n_tables, n_rounds, stayers, return_home, played)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_tables=st.integers(2, 4), data=st.data())
def test_crowded_tables_without_revisits_repeat_home_mates(
    n_tables: int, data: st.DataObject
) -> None:
    # Fresh workshops with two or more travellers per home and few middle rounds: where the
    # fewest revisits keep travellers away from home, so their home-mates bound is sharper.
    homes: dict[str, int] = {}
    for table in range(n_tables):
        for _ in range(data.draw(st.integers(2, 8 // n_tables + 1))):
            homes[f"p{len(homes):03d}"] = table
    stayers = [pid for pid in homes if data.draw(st.integers(0, 4)) == 0]
    n_middle = data.draw(st.integers(1, 2))
    assume(enough_few_plans(homes, n_tables, stayers, n_middle))
    check_against_every_plan(homes, n_tables, n_middle + 2, stayers, True, [])


def enough_few_plans(
    homes: Mapping[str, int], n_tables: int, stayers: Sequence[str], n_middle: int
) -> bool:
    n_travellers = len(homes) - len(set(stayers))
    if n_tables**n_travellers > PLAN_LIMIT:  # all_plans tries every seating of a round
        return False
    return len(all_plans(homes, n_tables, 2, stayers, False, [])) ** n_middle <= PLAN_LIMIT


def check_against_every_plan(
    homes: Mapping[str, int],
    n_tables: int,
    n_rounds: int,
    stayers: Sequence[str],
    return_home: bool,
    played: Sequence[Mapping[str, int]],
) -> None:
    plans = all_plans(homes, n_tables, n_rounds, stayers, return_home, played)
    counts = [revisits_and_repeats(plan, homes, stayers, return_home) for plan in plans]
    problem = problem_of(homes, n_tables, n_rounds, stayers, return_home, played)
    bounds = revisit_first_bounds(problem)
    assert bounds.revisits <= min(revisits for revisits, _ in counts)
    at_fewest = [repeats for revisits, repeats in counts if revisits == bounds.revisits]
    if at_fewest:
        assert min(at_fewest) >= bounds.repeats
    general = compute_bounds(problem)
    assert bounds.repeats >= general.repeats
    assert bounds.revisits >= general.revisits


# -- by hand -------------------------------------------------------------------------------------


def test_max_flow_reroutes_along_reverse_arcs() -> None:
    # Source 0, sink 1; left 2, 3; right 4, 5. Sending 2 -> 4 first blocks 3, whose only
    # arc goes to 4: the full flow of 2 needs the reverse arc to move 2 over to 5.
    network = FlowNetwork(6)
    for tail, head in ((0, 2), (0, 3), (2, 4), (2, 5), (3, 4), (4, 1), (5, 1)):
        network.add_arc(tail, head, 1)
    assert network.max_flow(0, 1) == 2
    capacities = FlowNetwork(4)
    capacities.add_arc(0, 2, 5)
    capacities.add_arc(2, 3, 3)
    capacities.add_arc(3, 1, 7)
    capacities.add_arc(0, 3, 2)
    assert capacities.max_flow(0, 1) == 5


def test_fewest_revisits_are_k_minus_g_minus_1_per_traveller() -> None:
    homes = uniform_homes(3, 3)
    stayers = first_per_table(homes, 1)
    for n_middle in range(1, 6):
        bounds = revisit_first_bounds(problem_of(homes, 3, n_middle + 2, stayers))
        assert bounds.revisits == 6 * max(0, n_middle - 2)


def test_small_home_tables_cannot_host_every_first_visit() -> None:
    # Homes of 3, 4 and 5, tables of 4 in 2 middle rounds: table 0 has 8 seats for the 9
    # travellers from the other homes, so someone revisits (one revisit is enough).
    homes = {
        f"{home}{i}": t
        for t, (home, size) in enumerate(zip("abc", (3, 4, 5), strict=True))
        for i in range(size)
    }
    problem = problem_of(homes, 3, 4)
    assert compute_bounds(problem).revisits == 0
    bounds = revisit_first_bounds(problem)
    assert bounds.revisits == 1
    assert bounds.repeats == compute_bounds(problem).repeats  # the demands need not hold
    tables = [
        ("b0 b1 c0 c1", "a0 c2 c3 c4", "a1 a2 b2 b3"),
        ("b2 b3 c2 c3", "a1 a2 c0 c1", "a0 b0 b1 c4"),  # c4 is back home
    ]
    middle = [
        {pid: t for t, names in enumerate(seats) for pid in names.split()} for seats in tables
    ]
    assert revisits_and_repeats([homes, *middle, homes], homes, [], True)[0] == 1


@pytest.mark.parametrize(
    ("n_tables", "per_table", "n_middle", "repeats"),
    [
        # A table draws its 5 travellers from the 2 other homes (3 + 2): 3 + 1 repeats each.
        (3, 5, 1, 12),
        # 5 travellers from the 4 other homes: two share a home, at each table in both rounds.
        (5, 5, 2, 10),
        # 3 from the 2 other homes: 2 + 1, one repeat per table and round.
        (3, 3, 1, 3),
    ],
)
def test_home_mates_without_revisits_reach_the_bound(
    n_tables: int, per_table: int, n_middle: int, repeats: int
) -> None:
    homes = uniform_homes(n_tables, per_table)
    problem = problem_of(homes, n_tables, n_middle + 2)
    bounds = revisit_first_bounds(problem)
    assert bounds.revisits == 0
    assert bounds.repeats == repeats
    assert compute_bounds(problem).repeats < repeats  # the bound for all plans allows fewer
    plan = field_plan(n_tables, per_table, n_middle)
    assert revisits_and_repeats(plan, homes, [], True) == (0, repeats)


# -- the CP-SAT model (a bench-only dependency) ----------------------------------------------------


@pytest.mark.parametrize(
    ("n_tables", "n_stayers", "n_travellers", "n_rounds"),
    [(3, 0, 5, 3), (4, 0, 5, 3), (3, 1, 2, 5), (3, 0, 3, 5), (4, 1, 2, 6), (3, 2, 3, 4)],
)
def test_exact_optimum_is_never_below_the_bounds(
    n_tables: int, n_stayers: int, n_travellers: int, n_rounds: int
) -> None:
    pytest.importorskip("ortools")
    from bench.rotation_exact import solve_exact

    homes = uniform_homes(n_tables, n_stayers + n_travellers)
    stayers = first_per_table(homes, n_stayers)
    bounds = revisit_first_bounds(problem_of(homes, n_tables, n_rounds, stayers))
    exact = solve_exact(homes, n_tables, n_rounds, stayers=stayers, time_limit=20.0)
    assert exact.revisits >= bounds.revisits
    if exact.revisits == bounds.revisits:
        assert exact.repeats >= bounds.repeats
        if exact.optimal and n_rounds - 2 <= n_tables - 1:
            # Without revisits the home-mates bound is exact on these inputs.
            assert exact.repeats == bounds.repeats
