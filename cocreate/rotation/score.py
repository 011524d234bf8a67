"""score_plan: how good a plan is, next to the bounds no plan can beat."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cocreate.rotation.bounds import compute_bounds, count_revisits, pair_meetings, tables_of
from cocreate.rotation.problem import counted_round_count, validate


@dataclass(frozen=True)
class PlanScore:
    repeat_pairs: int  # meetings beyond a pair's first (final home round not counted)
    lower_bound_repeats: int  # no plan for this input has fewer repeats
    revisits: int  # traveller placements at a table already visited (home counts as visited)
    lower_bound_revisits: int  # no plan for this input has fewer revisits
    max_imbalance: int  # largest spread of table sizes in any round
    min_distinct_met: int  # over participants in homes, all rounds
    mean_distinct_met: float
    max_distinct_met_bound: int  # nobody can meet more distinct people than this

    @property
    def repeat_gap(self) -> int:
        return self.repeat_pairs - self.lower_bound_repeats


def score_plan(
    rounds: Sequence[Mapping[str, int]],
    homes: Mapping[str, int],
    stayers: Iterable[str] = (),
    return_home: bool = True,
    *,
    n_tables: int | None = None,
    played: Sequence[Mapping[str, int]] = (),
) -> PlanScore:
    """Score a plan. ``n_tables`` defaults to one more than the highest table seen. The bounds
    treat ``played`` (default: round 0, which the input always fixes) as given."""
    stayer_set = frozenset(stayers)
    if n_tables is None:
        seen = [*homes.values(), *(t for seating in rounds for t in seating.values())]
        n_tables = max(seen, default=0) + 1
    if not rounds:
        return PlanScore(0, 0, 0, 0, 0, 0, 0.0, 0)
    counted = rounds[: counted_round_count(len(rounds), return_home)]
    meetings = pair_meetings(counted)
    repeats = sum(count - 1 for count in meetings.values() if count > 1)
    fixed = len(played) if played else 1  # round 0 at home unless played rounds are given
    revisits = count_revisits(counted, homes, stayer_set, played=fixed)

    imbalance = 0
    for seating in rounds:
        sizes = [0] * n_tables
        for table in seating.values():
            sizes[table] += 1
        imbalance = max(imbalance, max(sizes) - min(sizes))

    met: dict[str, set[str]] = {pid: set() for pid in homes}
    for seating in rounds:
        for group in tables_of(seating).values():
            for pid in group:
                if pid in met:
                    met[pid].update(group)
    distinct = [len(people - {pid}) for pid, people in met.items()]

    problem = validate(
        homes,
        n_tables,
        len(rounds),
        stayers=stayer_set,
        return_home=return_home,
        played=list(played) if played else [rounds[0]],
        time_budget=0.0,
    )
    bounds = compute_bounds(problem)
    return PlanScore(
        repeat_pairs=repeats,
        lower_bound_repeats=bounds.repeats,
        revisits=revisits,
        lower_bound_revisits=bounds.revisits,
        max_imbalance=imbalance,
        min_distinct_met=min(distinct, default=0),
        mean_distinct_met=sum(distinct) / len(distinct) if distinct else 0.0,
        max_distinct_met_bound=bounds.distinct_met,
    )
