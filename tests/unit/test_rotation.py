"""Rotation planner: hard rules, bounds, constructions, determinism, re-planning, bad input."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from math import comb
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate.rotation import PlanScore, plan_rotation, score_plan
from cocreate.rotation import search as rotation_search
from cocreate.rotation.construct import field_rotation, finite_field

FAST = 0.02  # seconds of search per plan in property tests


def ids(n: int) -> list[str]:
    return [f"p{i:03d}" for i in range(n)]


def uniform_homes(n_tables: int, per_table: int) -> dict[str, int]:
    return {pid: i % n_tables for i, pid in enumerate(ids(n_tables * per_table))}


def first_per_table(homes: Mapping[str, int], count: int) -> list[str]:
    """The first ``count`` ids (sorted) of each home table."""
    chosen: list[str] = []
    for table in sorted(set(homes.values())):
        chosen += sorted(pid for pid, home in homes.items() if home == table)[:count]
    return chosen


def best_spread(stayer_counts: Sequence[int], n_people: int) -> int:
    """Smallest achievable spread of table sizes with stayers pinned, by trying every level."""
    best = None
    for level in range(n_people + 1):
        low = [max(level, f) for f in stayer_counts]
        rest = n_people - sum(low)
        if rest < 0:
            break
        at_level = [t for t, size in enumerate(low) if size == level]
        if rest > len(at_level):
            continue
        sizes = list(low)
        for t in at_level[:rest]:
            sizes[t] += 1
        spread = max(sizes) - min(sizes)
        best = spread if best is None else min(best, spread)
    assert best is not None
    return best


def distinct_met(rounds: Sequence[Mapping[str, int]], pid: str) -> int:
    met: set[str] = set()
    for seating in rounds:
        if pid in seating:
            met |= {other for other, t in seating.items() if t == seating[pid]}
    return len(met - {pid})


def check_hard_rules(
    rounds: list[dict[str, int]],
    homes: Mapping[str, int],
    n_tables: int,
    n_rounds: int,
    stayers: Sequence[str],
    return_home: bool,
    played: Sequence[Mapping[str, int]],
) -> None:
    assert len(rounds) == n_rounds
    for index, seating in enumerate(played):
        assert rounds[index] == dict(seating)
        assert list(rounds[index]) == list(seating)
    if not played:
        assert rounds[0] == dict(homes)
    stayer_counts = [0] * n_tables
    for pid in set(stayers):
        stayer_counts[homes[pid]] += 1
    allowed = max(1, best_spread(stayer_counts, len(homes)))
    for index in range(len(played), n_rounds):
        seating = rounds[index]
        assert set(seating) == set(homes)
        assert all(0 <= table < n_tables for table in seating.values())
        assert all(seating[pid] == homes[pid] for pid in stayers)
        if return_home and index == n_rounds - 1:
            assert seating == dict(homes)
        elif index > 0:
            sizes = [0] * n_tables
            for table in seating.values():
                sizes[table] += 1
            assert max(sizes) - min(sizes) <= allowed, (index, sizes)


@st.composite
def requests(draw: st.DrawFn, max_people: int = 24) -> dict[str, object]:
    n_tables = draw(st.integers(1, 6))
    n_people = draw(st.integers(0, max_people))
    people = ids(n_people)
    homes = {pid: draw(st.integers(0, n_tables - 1)) for pid in people}
    stayers = [pid for pid in people if draw(st.integers(0, 4)) == 0]
    n_rounds = draw(st.integers(1, 6))
    return_home = draw(st.booleans())
    n_played = draw(st.integers(0, n_rounds))
    # Played rounds may lack late joiners and hold people who left since.
    departed = [f"gone{i}" for i in range(draw(st.integers(0, 3)))]
    played = []
    for _ in range(n_played):
        present = [pid for pid in people + departed if draw(st.integers(0, 5)) > 0]
        played.append({pid: draw(st.integers(0, n_tables - 1)) for pid in present})
    return {
        "homes": homes,
        "n_tables": n_tables,
        "n_rounds": n_rounds,
        "stayers": stayers,
        "return_home": return_home,
        "played": played,
        "seed": draw(st.integers(0, 2**16)),
    }


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_plans_keep_hard_rules_and_respect_bounds(request: dict[str, object]) -> None:
    homes = request["homes"]
    rounds = plan_rotation(**request, time_budget=FAST)  # type: ignore[arg-type]
    check_hard_rules(
        rounds,
        homes,  # type: ignore[arg-type]
        request["n_tables"],  # type: ignore[arg-type]
        request["n_rounds"],  # type: ignore[arg-type]
        request["stayers"],  # type: ignore[arg-type]
        request["return_home"],  # type: ignore[arg-type]
        request["played"],  # type: ignore[arg-type]
    )
    score = score_plan(
        rounds,
        homes,  # type: ignore[arg-type]
        request["stayers"],  # type: ignore[arg-type]
        request["return_home"],  # type: ignore[arg-type]
        n_tables=request["n_tables"],  # type: ignore[arg-type]
        played=request["played"],  # type: ignore[arg-type]
    )
    assert score.repeat_pairs >= score.lower_bound_repeats >= 0
    assert score.revisits >= score.lower_bound_revisits >= 0
    for pid in homes:  # type: ignore[attr-defined]
        assert distinct_met(rounds, pid) <= score.max_distinct_met_bound


# -- bounds are true bounds: exhaustive search on small instances ----------------------------


def all_plans(
    homes: Mapping[str, int],
    n_tables: int,
    n_rounds: int,
    stayers: Sequence[str],
    return_home: bool,
    played: Sequence[Mapping[str, int]],
) -> list[list[dict[str, int]]]:
    """Every plan that keeps the hard rules (balanced middle rounds)."""
    people = sorted(homes)
    stayer_counts = [0] * n_tables
    for pid in stayers:
        stayer_counts[homes[pid]] += 1
    spread = max(1, best_spread(stayer_counts, len(people)))
    travellers = [pid for pid in people if pid not in stayers]
    options = []
    for tables in itertools.product(range(n_tables), repeat=len(travellers)):
        seating = {pid: homes[pid] for pid in stayers}
        seating.update(zip(travellers, tables, strict=True))
        sizes = [0] * n_tables
        for table in seating.values():
            sizes[table] += 1
        if max(sizes) - min(sizes) <= spread:
            options.append({pid: seating[pid] for pid in people})
    fixed = [dict(seating) for seating in played] or [dict(homes)]
    n_free = n_rounds - len(fixed) - (1 if return_home and n_rounds >= 2 else 0)
    n_free = max(0, n_free)
    tail = [dict(homes)] if return_home and n_rounds >= 2 and len(fixed) < n_rounds else []
    return [fixed + list(middle) + tail for middle in itertools.product(options, repeat=n_free)]


SMALL_INSTANCES = [
    # homes, n_tables, n_rounds, stayers, return_home, played
    ({"a": 0, "b": 0, "c": 1, "d": 1, "e": 2, "f": 2}, 3, 4, [], True, []),
    ({"a": 0, "b": 0, "c": 1, "d": 1, "e": 2, "f": 2}, 3, 3, ["a", "c", "e"], False, []),
    ({"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}, 2, 4, ["a", "b"], True, []),
    ({"a": 0, "b": 0, "c": 0, "d": 0, "e": 1, "f": 1}, 2, 3, ["a", "b", "c"], False, []),
    ({"a": 0, "b": 0, "c": 1, "d": 1, "e": 1, "f": 2}, 3, 3, [], False, []),
    ({"a": 0, "b": 1, "c": 2, "d": 0, "e": 1, "f": 2, "g": 0}, 3, 2, ["a"], False, []),
    ({"a": 0, "b": 1, "c": 0, "d": 0, "e": 1}, 3, 4, ["a"], True, []),
    # Re-planning: "new" joined late, "old" left; one round played.
    (
        {"a": 0, "b": 0, "c": 1, "d": 1, "new": 0},
        2,
        4,
        ["a"],
        True,
        [{"a": 0, "b": 0, "c": 1, "d": 1, "old": 1}],
    ),
    (
        {"a": 0, "b": 0, "c": 1, "d": 1, "e": 2, "new": 2},
        3,
        3,
        [],
        False,
        [{"a": 0, "b": 1, "c": 1, "d": 2, "e": 0, "old": 0}],
    ),
]


@pytest.mark.parametrize("instance", SMALL_INSTANCES)
def test_no_plan_beats_the_bounds(instance: tuple) -> None:  # type: ignore[type-arg]
    homes, n_tables, n_rounds, stayers, return_home, played = instance
    plans = all_plans(homes, n_tables, n_rounds, stayers, return_home, played)
    assert plans
    scores = [
        score_plan(plan, homes, stayers, return_home, n_tables=n_tables, played=played)
        for plan in plans
    ]
    bounds = scores[0]
    assert min(s.repeat_pairs for s in scores) >= bounds.lower_bound_repeats
    assert min(s.revisits for s in scores) >= bounds.lower_bound_revisits
    most_met = max(distinct_met(plan, pid) for plan in plans for pid in homes)
    assert most_met <= bounds.max_distinct_met_bound
    # The planner finds a plan of least cost on tiny inputs: fewest revisits where tables have
    # topics (a World Café), then fewest repeats.
    planned = plan_rotation(
        homes,
        n_tables,
        n_rounds,
        stayers=stayers,
        return_home=return_home,
        played=played,
        time_budget=0.5,
    )
    assert planned in plans
    topics = return_home or bool(stayers)
    planned_score = score_plan(
        planned, homes, stayers, return_home, n_tables=n_tables, played=played
    )

    def cost(score: PlanScore) -> tuple[int, int]:
        return (score.revisits if topics else 0, score.repeat_pairs)

    assert cost(planned_score) == min(cost(s) for s in scores)


@settings(max_examples=150, deadline=None)
@given(
    n_tables=st.integers(2, 3),
    n_people=st.integers(2, 6),
    data=st.data(),
)
def test_bounds_hold_exhaustively_on_random_small_inputs(
    n_tables: int, n_people: int, data: st.DataObject
) -> None:
    people = ids(n_people)
    homes = {pid: data.draw(st.integers(0, n_tables - 1)) for pid in people}
    stayers = [pid for pid in people if data.draw(st.integers(0, 3)) == 0]
    return_home = data.draw(st.booleans())
    n_rounds = data.draw(st.integers(2, 4 if return_home else 3))
    plans = all_plans(homes, n_tables, n_rounds, stayers, return_home, [])
    scores = [score_plan(p, homes, stayers, return_home, n_tables=n_tables) for p in plans]
    assert min(s.repeat_pairs for s in scores) >= scores[0].lower_bound_repeats
    assert min(s.revisits for s in scores) >= scores[0].lower_bound_revisits
    most_met = max(distinct_met(plan, pid) for plan in plans for pid in homes)
    assert most_met <= scores[0].max_distinct_met_bound


# -- the bounds on uniform World Café inputs, and the prime construction reaching them --------


@pytest.mark.parametrize("n_tables", [3, 5, 7, 11])
@pytest.mark.parametrize("n_stayers", [0, 1, 2])
def test_prime_tables_reach_every_bound(n_tables: int, n_stayers: int) -> None:
    for n_travellers in sorted({2, n_tables - 1}):
        per_table = n_stayers + n_travellers
        homes = uniform_homes(n_tables, per_table)
        stayers = first_per_table(homes, n_stayers)
        for n_rounds in range(3, n_tables + 2):
            middle = n_rounds - 2
            rounds = plan_rotation(homes, n_tables, n_rounds, stayers=stayers, time_budget=0)
            score = score_plan(rounds, homes, stayers)
            forced = n_tables * comb(n_stayers, 2) * middle
            reach = (
                (per_table - 1)
                + middle * n_stayers
                + min(middle * (n_travellers - 1), (n_tables - 1) * n_travellers)
            )
            assert score.lower_bound_repeats == forced
            assert score.repeat_pairs == forced
            assert score.revisits == 0
            assert score.max_distinct_met_bound == reach
            # Travellers meet the most anyone can; stayers every traveller that passes by.
            stayer_reach = (per_table - 1) + min(middle, n_tables - 1) * n_travellers
            for pid in homes:
                expected = stayer_reach if pid in stayers else reach
                assert distinct_met(rounds, pid) == expected
            assert score.max_imbalance == 0


@pytest.mark.parametrize("size", [2, 3, 4, 5, 7, 8, 9, 16, 25, 27])
def test_finite_fields_are_fields(size: int) -> None:
    field = finite_field(size)
    assert field is not None
    elements = range(size)
    for a in elements:
        assert {field.add(a, b) for b in elements} == set(elements)
        if a:
            assert {field.mul(a, b) for b in elements if b} == set(range(1, size))
    for a, b, c in itertools.product(elements, repeat=3):
        assert field.mul(a, field.add(b, c)) == field.add(field.mul(a, b), field.mul(a, c))


@pytest.mark.parametrize("size", [1, 6, 10, 12, 15])
def test_no_field_for_other_sizes(size: int) -> None:
    assert finite_field(size) is None
    assert field_rotation([0] * 3, [False] * 3, size, [1]) is None


@pytest.mark.parametrize("n_tables", [4, 8, 9])
def test_prime_power_construction_needs_no_search(n_tables: int) -> None:
    homes = uniform_homes(n_tables, n_tables - 1 + 2)
    stayers = first_per_table(homes, 2)
    rounds = plan_rotation(homes, n_tables, n_tables + 1, stayers=stayers, time_budget=0)
    score = score_plan(rounds, homes, stayers)
    assert score.repeat_pairs == score.lower_bound_repeats == n_tables * (n_tables - 1)
    assert score.revisits == 0


def test_social_golfer_eight_groups_of_four_for_nine_rounds() -> None:
    homes = uniform_homes(8, 4)
    rounds = plan_rotation(homes, 8, 9, return_home=False, time_budget=0)
    assert score_plan(rounds, homes, return_home=False).repeat_pairs == 0


def test_home_mates_bound_is_exact_for_crowded_tables() -> None:
    # 3 tables of 8 travellers: any table of 8 draws >= 3 from one home, so >= 7 pairs repeat.
    homes = uniform_homes(3, 8)
    rounds = plan_rotation(homes, 3, 3, time_budget=0.1)
    score = score_plan(rounds, homes)
    assert score.lower_bound_repeats == 21
    assert score.repeat_pairs >= 21
    # And 21 is reachable: each home sends 3, 3 and 2 travellers to tables h, h-1, h-2.
    middle: dict[str, int] = {}
    for home in range(3):
        members = sorted(pid for pid, h in homes.items() if h == home)
        for rank, pid in enumerate(members):
            middle[pid] = (home - (0 if rank < 3 else 1 if rank < 6 else 2)) % 3
    assert score_plan([homes, middle, homes], homes).repeat_pairs == 21


# -- score_plan by hand ----------------------------------------------------------------------


def test_score_plan_counts_by_hand() -> None:
    homes = {"h": 0, "a": 0, "b": 1, "c": 1}  # h hosts table 0
    rounds = [
        {"h": 0, "a": 0, "b": 1, "c": 1},  # pairs h-a, b-c
        {"h": 0, "a": 1, "b": 0, "c": 1},  # pairs h-b, a-c; c is home again: revisit
        {"h": 0, "a": 1, "b": 0, "c": 1},  # h-b, a-c again: 2 repeats; a, b, c revisit
        {"h": 0, "a": 0, "b": 1, "c": 1},  # final home round: not counted
    ]
    score = score_plan(rounds, homes, ["h"])
    assert score.repeat_pairs == 2
    assert score.revisits == 4
    assert score.max_imbalance == 0
    assert score.min_distinct_met == 2
    assert score.mean_distinct_met == 2.0
    assert score_plan(rounds, homes, ["h"], n_tables=3).max_imbalance == 2  # table 2 empty
    with_last = score_plan(rounds, homes, ["h"], return_home=False)
    assert with_last.repeat_pairs == 4  # the home round repeats h-a and b-c
    assert with_last.revisits == 4 + 3  # a, b and c all back at a visited home table
    # A stayer away from home is no revisit; a departed traveller has no home.
    moved = [{"h": 1, "x": 0}, {"h": 0, "x": 0}]
    assert score_plan(moved, {"h": 0}, ["h"], return_home=False).revisits == 1


# -- determinism -----------------------------------------------------------------------------


def test_same_seed_same_plan_other_seed_other_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    # A small work budget (100,000 look-ups) inside a wall clock no busy machine reaches: the
    # work budget, not the clock, ends the search, so the plan depends on the seed alone.
    monkeypatch.setattr(rotation_search, "LOOKUPS_PER_SECOND", 100_000 // 60)
    homes = uniform_homes(6, 6)
    stayers = first_per_table(homes, 1)
    plans = [
        plan_rotation(homes, 6, 6, stayers=stayers, seed=seed, time_budget=60.0)
        for seed in (7, 7, 8)
    ]
    assert plans[0] == plans[1]
    assert plans[0] != plans[2]
    shuffled = dict(reversed(list(homes.items())))
    assert (
        plan_rotation(shuffled, 6, 6, stayers=stayers[::-1], seed=7, time_budget=60.0) == plans[0]
    )


def test_small_input_searches_pass_after_pass_until_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Passes far shorter than the work budget: a small input does not stop after the first
    # one, and since it ends at the bound, the same seed still gives the same plan.
    monkeypatch.setattr(rotation_search, "PASS_LOOKUPS_PER_SEAT", 20)
    passes: list[int] = []
    one_pass = rotation_search._anneal

    def counted(*args: Any, **kwargs: Any) -> Any:
        passes.append(1)
        return one_pass(*args, **kwargs)

    monkeypatch.setattr(rotation_search, "_anneal", counted)
    homes = uniform_homes(6, 3)
    plans = []
    for _ in range(2):
        passes.clear()
        plans.append(plan_rotation(homes, 6, 5, seed=1, time_budget=30.0))
        assert len(passes) > 1
    assert plans[0] == plans[1]
    score = score_plan(plans[0], homes)
    assert score.repeat_pairs == score.lower_bound_repeats
    assert score.revisits == 0


# -- re-planning -----------------------------------------------------------------------------


def test_replanning_keeps_played_rounds_with_late_joiner_and_leaver() -> None:
    homes = uniform_homes(5, 4)
    stayers = first_per_table(homes, 1)
    first = plan_rotation(homes, 5, 6, stayers=stayers, time_budget=0.1)
    played = [dict(first[0]), dict(first[1])]
    played[1]["p001"], played[1]["p002"] = played[1]["p002"], played[1]["p001"]  # hand move
    leaver = "p019"
    later = {pid: home for pid, home in homes.items() if pid != leaver}
    later["late"] = 3
    rounds = plan_rotation(later, 5, 6, stayers=stayers, played=played, time_budget=0.1)
    assert rounds[:2] == played
    assert leaver in rounds[1] and "late" not in rounds[1]
    for seating in rounds[2:]:
        assert set(seating) == set(later)
    assert rounds[-1] == later
    check_hard_rules(rounds, later, 5, 6, stayers, True, played)
    score = score_plan(rounds, later, stayers, n_tables=5, played=played)
    assert score.repeat_pairs >= score.lower_bound_repeats


def test_fully_played_plan_is_returned_as_given() -> None:
    homes = {"a": 0, "b": 1}
    played = [{"a": 1, "b": 0, "gone": 1}, {"b": 1}]
    assert plan_rotation(homes, 2, 2, played=played) == played


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"homes": {"a": 2}, "n_tables": 2, "n_rounds": 3}, "outside the tables"),
        ({"homes": {"a": -1}, "n_tables": 2, "n_rounds": 3}, "outside the tables"),
        ({"homes": {"a": 0}, "n_tables": 2, "n_rounds": 0}, "n_rounds"),
        ({"homes": {"a": 0}, "n_tables": 0, "n_rounds": 2}, "n_tables"),
        ({"homes": {"a": 0}, "n_tables": 2, "n_rounds": 2, "stayers": ["b"]}, "stayers not"),
        ({"homes": {"a": 0}, "n_tables": 2, "n_rounds": 1, "played": [{}, {}]}, "played rounds"),
        ({"homes": {"a": 0}, "n_tables": 2, "n_rounds": 2, "played": [{"a": 5}]}, "outside"),
        ({"homes": {"a": "0"}, "n_tables": 2, "n_rounds": 2}, "int table"),
        ({"homes": {1: 0}, "n_tables": 2, "n_rounds": 2}, "strings"),
        ({"homes": {"a": 0}, "n_tables": 2, "n_rounds": 2, "time_budget": -1}, "time_budget"),
        ({"homes": {"a": 0}, "n_tables": 2, "n_rounds": 2, "stayers": "a"}, "collection"),
    ],
)
def test_impossible_input_raises_value_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_rotation(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("n_rounds", [1, 2])
def test_one_or_two_rounds_have_no_middle(n_rounds: int) -> None:
    homes = uniform_homes(3, 3)
    assert plan_rotation(homes, 3, n_rounds) == [homes] * n_rounds
