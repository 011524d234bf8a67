"""The "no revisit" hard rule, checked independently of the planner's own scorer.

With K middle rounds and G tables, K <= G-1 leaves every traveller enough tables they have not
sat at yet (a traveller from home h can sit at table h+k in middle round k). The planner must
then seat no traveller at a table they already sat at (home included), in every planned middle
round, with balanced tables. Where a change to the input (late joiners, people who left, people
moved to another home table, uneven stayers) makes some revisits unavoidable, only as few as
possible may happen, and they fall on the people who changed rather than on everyone else.

The exact optimum of those revisit counts comes from an independent CP-SAT model written here
(ortools is a bench dependency; those tests are skipped without it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cocreate.rotation import plan_rotation

FAST = 0.02  # seconds of search per plan: the rule may not depend on search time
RULES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@dataclass
class Cafe:
    """One planning request, plus who changed since the played rounds were planned."""

    homes: dict[str, int]
    n_tables: int
    n_rounds: int
    stayers: list[str]
    return_home: bool = True
    played: list[dict[str, int]] = field(default_factory=list)
    seed: int = 0

    def plan(self, time_budget: float = FAST) -> list[dict[str, int]]:
        return plan_rotation(
            self.homes,
            self.n_tables,
            self.n_rounds,
            stayers=self.stayers,
            return_home=self.return_home,
            played=self.played,
            seed=self.seed,
            time_budget=time_budget,
        )

    @property
    def travellers(self) -> list[str]:
        return sorted(pid for pid in self.homes if pid not in self.stayers)

    @property
    def free_middle_rounds(self) -> range:
        """Rounds the planner seats freely: after the played ones, before the final home."""
        end = self.n_rounds - 1 if self.return_home and self.n_rounds >= 2 else self.n_rounds
        return range(max(1, len(self.played)), end)

    def visited_before(self, pid: str) -> set[int]:
        return {self.homes[pid]} | {seating[pid] for seating in self.played if pid in seating}

    def settled(self, pid: str) -> bool:
        """In every played round, at today's home in the first: not a late joiner nor moved."""
        if not self.played:
            return True
        return all(pid in seating for seating in self.played) and (
            self.played[0][pid] == self.homes[pid]
        )


# -- the independent checker ------------------------------------------------------------------


def revisits_per_traveller(cafe: Cafe, rounds: Sequence[Mapping[str, int]]) -> dict[str, int]:
    """Planned middle-round placements at a table the traveller had already sat at."""
    counts = {}
    for pid in cafe.travellers:
        seen = cafe.visited_before(pid)
        count = 0
        for index in cafe.free_middle_rounds:
            table = rounds[index][pid]
            count += table in seen
            seen.add(table)
        counts[pid] = count
    return counts


def check_seating(cafe: Cafe, rounds: Sequence[Mapping[str, int]]) -> None:
    """Played rounds kept, everyone seated, stayers home, balanced planned middle rounds (the
    generators keep stayers below the average table size, so balanced means within 1)."""
    assert len(rounds) == cafe.n_rounds
    for index, played in enumerate(cafe.played):
        assert rounds[index] == played
    low = len(cafe.homes) // cafe.n_tables
    high = -(-len(cafe.homes) // cafe.n_tables)
    for index in cafe.free_middle_rounds:
        seating = rounds[index]
        assert set(seating) == set(cafe.homes)
        assert all(seating[pid] == cafe.homes[pid] for pid in cafe.stayers)
        sizes = [0] * cafe.n_tables
        for table in seating.values():
            sizes[table] += 1
        assert low <= min(sizes) and max(sizes) <= high, (index, sizes)


def fewest_revisits(cafe: Cafe) -> tuple[int, int]:
    """Exact fewest revisits of settled travellers and then of changed ones, by CP-SAT."""
    cp_model = pytest.importorskip("ortools.sat.python.cp_model")
    model = cp_model.CpModel()
    tables = range(cafe.n_tables)
    rounds = list(cafe.free_middle_rounds)
    travellers = cafe.travellers
    seat = {
        (pid, r, t): model.NewBoolVar(f"{pid}@{t}in{r}")
        for pid in travellers
        for r in rounds
        for t in tables
    }
    for pid in travellers:
        for r in rounds:
            model.AddExactlyOne(seat[pid, r, t] for t in tables)
    stayers_at = [sum(cafe.homes[pid] == t for pid in cafe.stayers) for t in tables]
    low = len(cafe.homes) // cafe.n_tables
    high = -(-len(cafe.homes) // cafe.n_tables)
    for r in rounds:
        for t in tables:
            size = sum(seat[pid, r, t] for pid in travellers) + stayers_at[t]
            model.Add(size >= low)
            model.Add(size <= high)
    settled_terms: list[Any] = []
    changed_terms: list[Any] = []
    for pid in travellers:
        seen = cafe.visited_before(pid)
        for t in tables:
            placements = sum(seat[pid, r, t] for r in rounds)
            revisits = model.NewIntVar(0, len(rounds), f"{pid}again{t}")
            # Every placement at a table sat at before is a revisit; at a new one all but one.
            model.Add(revisits >= placements - (0 if t in seen else 1))
            (settled_terms if cafe.settled(pid) else changed_terms).append(revisits)
    weight = len(changed_terms) * len(rounds) + 1
    model.Minimize(weight * sum(settled_terms) + sum(changed_terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20.0
    solver.parameters.num_workers = 1
    status = solver.Solve(model)
    assume(status == cp_model.OPTIMAL)
    best = round(solver.ObjectiveValue())
    return best // weight, best % weight


def check_fewest_revisits(cafe: Cafe) -> None:
    rounds = cafe.plan()
    check_seating(cafe, rounds)
    revisits = revisits_per_traveller(cafe, rounds)
    settled = sum(count for pid, count in revisits.items() if cafe.settled(pid))
    changed = sum(count for pid, count in revisits.items() if not cafe.settled(pid))
    assert (settled, changed) == fewest_revisits(cafe), revisits


# -- generated World Café inputs ----------------------------------------------------------------


@st.composite
def cafes(
    draw: st.DrawFn, *, max_people: int = 42, uniform_stayers: bool = True, any_end: bool = False
) -> Cafe:
    """Homes of n or n+1 people per table (uneven when drawn so), stayers first at each table,
    and K <= G-1 middle rounds, often exactly G-1."""
    n_tables = draw(st.integers(2, 6))
    base = draw(st.integers(1, max(1, max_people // n_tables - 1)))
    sizes = [base + draw(st.integers(0, 1)) for _ in range(n_tables)]
    if uniform_stayers:
        per_table = [draw(st.integers(0, min(2, base - 1)))] * n_tables
    else:
        per_table = [draw(st.integers(0, base - 1)) for _ in range(n_tables)]
    homes: dict[str, int] = {}
    stayers: list[str] = []
    for table, size in enumerate(sizes):
        for rank in range(size):
            pid = f"h{table}-{rank}"
            homes[pid] = table
            if rank < per_table[table]:
                stayers.append(pid)
    middle = draw(st.one_of(st.just(n_tables - 1), st.integers(1, n_tables - 1)))
    return_home = True
    if any_end and stayers:
        return_home = draw(st.booleans())
    n_rounds = 1 + middle + (1 if return_home else 0)
    return Cafe(homes, n_tables, n_rounds, stayers, return_home, seed=draw(st.integers(0, 999)))


def shifted_rounds(cafe: Cafe, count: int) -> list[dict[str, int]]:
    """The first rounds of the textbook plan: a traveller from home h sits at h+k in round k."""
    return [
        {
            pid: home if pid in cafe.stayers else (home + k) % cafe.n_tables
            for pid, home in cafe.homes.items()
        }
        for k in range(count)
    ]


CHANGES = ("none", "late joiners", "people who left", "moved home")


@st.composite
def replans(draw: st.DrawFn, change: str) -> Cafe:
    """Some rounds of a revisit-free plan played, then one kind of change, then a re-plan."""
    cafe = draw(cafes(max_people=24))
    middle = cafe.n_rounds - 2
    n_played = draw(st.integers(1, middle))  # round 0 and n_played - 1 middle rounds
    played = shifted_rounds(cafe, n_played)
    homes = dict(cafe.homes)
    travellers = cafe.travellers
    if change == "late joiners":
        for index in range(draw(st.integers(1, 2))):
            homes[f"late{index}"] = draw(st.integers(0, cafe.n_tables - 1))
    elif change == "people who left":
        gone = draw(st.lists(st.sampled_from(travellers), min_size=1, max_size=2, unique=True))
        for pid in gone:
            del homes[pid]
    elif change == "moved home":
        moved = draw(st.lists(st.sampled_from(travellers), min_size=1, max_size=2, unique=True))
        for pid in moved:
            homes[pid] = (homes[pid] + draw(st.integers(1, cafe.n_tables - 1))) % cafe.n_tables
    return Cafe(homes, cafe.n_tables, cafe.n_rounds, cafe.stayers, True, played, cafe.seed)


# -- the tests ----------------------------------------------------------------------------------


@RULES
@given(cafes(any_end=True))
def test_fresh_plans_never_revisit(cafe: Cafe) -> None:
    """Even or uneven homes, the same stayers per table, K <= G-1: no traveller revisits."""
    rounds = cafe.plan()
    check_seating(cafe, rounds)
    revisits = revisits_per_traveller(cafe, rounds)
    assert sum(revisits.values()) == 0, {pid: n for pid, n in revisits.items() if n}


@RULES
@given(cafes(max_people=24, uniform_stayers=False))
def test_uneven_stayers_revisit_only_where_unavoidable(cafe: Cafe) -> None:
    """Tables with different numbers of stayers can force revisits; only the fewest happen."""
    check_fewest_revisits(cafe)


@pytest.mark.parametrize("change", CHANGES)
@RULES
@given(data=st.data())
def test_replans_revisit_only_where_unavoidable(change: str, data: st.DataObject) -> None:
    check_fewest_revisits(data.draw(replans(change)))


def test_moved_traveller_takes_the_unavoidable_revisit() -> None:
    # 3 tables of 3 travellers, 2 middle rounds. After round 1 traveller h0-0 (who sat at
    # 0, 1) moves home to table 2: tables 0, 1 and 2 are all sat at, so round 2 is a revisit
    # for them, and for nobody else.
    cafe = Cafe({f"h{t}-{i}": t for t in range(3) for i in range(3)}, 3, 4, [])
    cafe.played = shifted_rounds(cafe, 2)
    cafe.homes["h0-0"] = 2
    rounds = cafe.plan()
    check_seating(cafe, rounds)
    revisits = revisits_per_traveller(cafe, rounds)
    assert {pid: n for pid, n in revisits.items() if n} == {"h0-0": 1}
