"""Counting bounds: the fewest repeats and revisits, and the most distinct people met, that any
plan obeying the hard rules can reach for a request.

The rounds fixed by the input (played rounds, or round 0 at home) are counted exactly; each
free round seats the current participants at balanced sizes (see ``sizes``). Every bound below
is a valid bound on its own, so the reported one is the strongest of them:

* per class of pair: stayer pairs at one table meet in every round (unavoidable); a stayer meets
  at least ``low[t] - f[t]`` travellers per round and a traveller at least
  ``min_t low[t] - f[t] - 1`` travellers, and only people not met yet can be met for free;
* the same per class summed over all pairs (the total meetings balanced sizes force minus the
  pairs still unmet, ``T - (C(P, 2) - F)`` split by class);
* any fixed round splits people into groups that have all met: in every free round, people of
  one group who share a table repeat, and that is fewest when each table draws evenly from the
  groups (a "home-mates" bound; e.g. 8 travellers at a table out of 3 homes repeat 7 pairs).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from cocreate.rotation.problem import Problem
from cocreate.rotation.sizes import SizeLimits, size_limits


@dataclass(frozen=True)
class Bounds:
    repeats: int  # no plan has fewer repeated meetings
    revisits: int  # no plan has fewer revisits
    distinct_met: int  # nobody can meet more distinct people


def pair_meetings(rounds: Iterable[Mapping[str, int]]) -> Counter[tuple[str, str]]:
    """How often each pair (sorted ids) shares a table over the given rounds."""
    meetings: Counter[tuple[str, str]] = Counter()
    for seating in rounds:
        for group in tables_of(seating).values():
            meetings.update(combinations(group, 2))
    return meetings


def tables_of(seating: Mapping[str, int]) -> dict[int, list[str]]:
    tables: dict[int, list[str]] = {}
    for pid in sorted(seating):
        tables.setdefault(seating[pid], []).append(pid)
    return tables


def count_revisits(
    rounds: Sequence[Mapping[str, int]],
    homes: Mapping[str, int],
    stayers: frozenset[str],
    *,
    played: int = 1,
) -> int:
    """Placements of non-stayers at a table they already sat at. Home counts as visited from
    the start, but someone's first seat at home in one of the first ``played`` rounds (the
    fixed ones) is no revisit: round 0, or the round a late joiner arrived in."""
    visited: dict[str, set[int]] = {}
    revisits = 0
    for index, seating in enumerate(rounds):
        for pid in sorted(seating):
            if pid in stayers:
                continue
            table = seating[pid]
            seen = visited.get(pid)
            if seen is None:
                seen = visited[pid] = {homes[pid]} if pid in homes else set()
                if index < played and homes.get(pid) == table:
                    continue
            if table in seen:
                revisits += 1
            seen.add(table)
    return revisits


def compute_bounds(problem: Problem) -> Bounds:
    counted_fixed = problem.fixed_rounds[: problem.n_counted_rounds]
    known = pair_meetings(counted_fixed)
    known_repeats = sum(count - 1 for count in known.values() if count > 1)
    homes = dict(zip(problem.ids, problem.homes, strict=True))
    stayers = frozenset(pid for pid, s in zip(problem.ids, problem.is_stayer, strict=True) if s)
    known_revisits = count_revisits(counted_fixed, homes, stayers, played=len(counted_fixed))
    n_free = len(problem.free_rounds)
    limits = size_limits(problem.stayer_counts, problem.n_people)
    met = _met_sets(problem)
    return Bounds(
        repeats=known_repeats + _future_repeats(problem, limits, n_free, met),
        revisits=known_revisits + _future_revisits(problem, limits, n_free),
        distinct_met=_distinct_met(problem, limits, n_free),
    )


def _met_sets(problem: Problem) -> list[set[int]]:
    """For each current participant, the current participants met in counted fixed rounds."""
    index = {pid: i for i, pid in enumerate(problem.ids)}
    met: list[set[int]] = [set() for _ in problem.ids]
    for seating in problem.fixed_rounds[: problem.n_counted_rounds]:
        for group in tables_of(seating).values():
            people = [index[pid] for pid in group if pid in index]
            for a in people:
                met[a].update(people)
    for i, people in enumerate(met):
        people.discard(i)
    return met


# -- repeats -------------------------------------------------------------------------------------


def _cheapest_allocation(
    low: Sequence[int], high: Sequence[int], total: int, marginal: Sequence[Sequence[int]]
) -> int:
    """Least cost of sizes low[t] <= x[t] <= high[t] summing to total when growing table t from
    low[t] costs marginal[t][0], marginal[t][1], ... (non-decreasing, so greedy is optimal)."""
    extra = total - sum(low)
    heap = [(marginal[t][0], t, 0) for t in range(len(low)) if high[t] > low[t]]
    heapq.heapify(heap)
    cost = 0
    for _ in range(extra):
        step_cost, table, step = heapq.heappop(heap)
        cost += step_cost
        if low[table] + step + 1 < high[table]:
            heapq.heappush(heap, (marginal[table][step + 1], table, step + 1))
    return cost


def _future_repeats(problem: Problem, limits: SizeLimits, n_free: int, met: list[set[int]]) -> int:
    if n_free == 0 or problem.n_people == 0:
        return 0
    n_tables = problem.n_tables
    stayer_counts = problem.stayer_counts
    low = list(limits.low)
    high = [limits.high] * n_tables
    travellers = [i for i in range(problem.n_people) if not problem.is_stayer[i]]
    stayers = [i for i in range(problem.n_people) if problem.is_stayer[i]]
    n_people = problem.n_people
    # Unmet people of each class, per participant (met sets are small, so count those).
    met_travellers = [sum(1 for o in met[i] if not problem.is_stayer[o]) for i in range(n_people)]
    unmet_travellers = [
        len(travellers) - met_travellers[i] - (not problem.is_stayer[i]) for i in range(n_people)
    ]

    # Stayer pairs at one table meet in every free round; stayers at different tables never do.
    forced = 0
    forced_meetings = 0
    for a, b in combinations(stayers, 2):
        if problem.homes[a] == problem.homes[b]:
            forced += n_free if b in met[a] else n_free - 1
            forced_meetings += n_free
    unmet_ts = sum(unmet_travellers[s] for s in stayers)
    unmet_tt = sum(unmet_travellers[t] for t in travellers) // 2

    # Traveller-stayer pairs, per stayer and in total.
    per_stayer = 0
    for s in stayers:
        table = problem.homes[s]
        meetings = n_free * (low[table] - stayer_counts[table])
        per_stayer += max(0, meetings - unmet_travellers[s])
    extra_rows = n_people + 1
    ts_marginal = [[stayer_counts[t]] * extra_rows for t in range(n_tables)]
    ts_per_round = sum(stayer_counts[t] * (low[t] - stayer_counts[t]) for t in range(n_tables))
    ts_per_round += _cheapest_allocation(low, high, n_people, ts_marginal)
    stayer_traveller = max(per_stayer, n_free * ts_per_round - unmet_ts)

    # Traveller-traveller pairs, per traveller and in total.
    seatable = [t for t in range(n_tables) if high[t] > stayer_counts[t]]
    least_met = min((max(0, low[t] - stayer_counts[t] - 1) for t in seatable), default=0)
    excess = 0
    for t in travellers:
        excess += max(0, n_free * least_met - unmet_travellers[t])
    tt_marginal = [
        [low[t] - stayer_counts[t] + step for step in range(extra_rows)] for t in range(n_tables)
    ]
    tt_per_round = sum(_pairs(low[t] - stayer_counts[t]) for t in range(n_tables))
    tt_per_round += _cheapest_allocation(low, high, n_people, tt_marginal)
    traveller_traveller = max((excess + 1) // 2, n_free * tt_per_round - unmet_tt)
    by_class = forced + stayer_traveller + traveller_traveller

    # All non-forced pairs together.
    all_marginal = [[low[t] + step for step in range(extra_rows)] for t in range(n_tables)]
    per_round = sum(_pairs(low[t]) for t in range(n_tables))
    per_round += _cheapest_allocation(low, high, n_people, all_marginal)
    together = forced + max(0, n_free * per_round - forced_meetings - unmet_ts - unmet_tt)

    groups = max(
        (
            _group_repeats_per_round(problem, seating, low, high)
            for seating in problem.fixed_rounds[: problem.n_counted_rounds]
        ),
        default=0,
    )
    return max(by_class, together, n_free * groups)


def _pairs(count: int) -> int:
    return count * (count - 1) // 2 if count > 1 else 0


def _group_repeats_per_round(
    problem: Problem, seating: Mapping[str, int], low: Sequence[int], high: Sequence[int]
) -> int:
    """Fewest pairs who sat together in ``seating`` that must share a table in a free round."""
    group_of: dict[int, int] = {}
    for i, pid in enumerate(problem.ids):
        table = seating.get(pid)
        # People absent from that round form groups of their own.
        group_of[i] = table if table is not None else problem.n_tables + i
    travellers_in: Counter[int] = Counter(
        group_of[i] for i in range(problem.n_people) if not problem.is_stayer[i]
    )
    n_tables = problem.n_tables
    marginal: list[list[int]] = []
    base: list[int] = []
    for table in range(n_tables):
        pinned: Counter[int] = Counter(
            group_of[i]
            for i in range(problem.n_people)
            if problem.is_stayer[i] and problem.homes[i] == table
        )
        # Grow the table one traveller at a time from the group it repeats least with.
        counts = dict(pinned)
        heap = [(counts.get(group, 0), group) for group in travellers_in]
        heapq.heapify(heap)
        used: Counter[int] = Counter()
        steps: list[int] = []
        while heap and len(steps) < high[table] - sum(pinned.values()):
            already, group = heapq.heappop(heap)
            steps.append(already)
            used[group] += 1
            if used[group] < travellers_in[group]:
                heapq.heappush(heap, (already + 1, group))
        cost_at_stayers = sum(_pairs(count) for count in pinned.values())
        start = low[table] - sum(pinned.values())
        if start > len(steps):
            return 0  # cannot happen for valid input; be safe rather than wrong
        base.append(cost_at_stayers + sum(steps[:start]))
        marginal.append(steps[start:] + [0] * (problem.n_people + 1))
    return sum(base) + _cheapest_allocation(low, high, problem.n_people, marginal)


# -- revisits and distinct people ----------------------------------------------------------------


def _visited_tables(problem: Problem) -> list[set[int]]:
    index = {pid: i for i, pid in enumerate(problem.ids)}
    visited = [{home} for home in problem.homes]
    for seating in problem.fixed_rounds[: problem.n_counted_rounds]:
        for pid, table in seating.items():
            person = index.get(pid)
            if person is not None:
                visited[person].add(table)
    return visited


def _future_revisits(problem: Problem, limits: SizeLimits, n_free: int) -> int:
    if n_free == 0:
        return 0
    stayer_counts = problem.stayer_counts
    seatable = {t for t in range(problem.n_tables) if limits.high > stayer_counts[t]}
    total = 0
    for person, tables in enumerate(_visited_tables(problem)):
        if not problem.is_stayer[person]:
            fresh = len(seatable - tables)
            total += max(0, n_free - fresh)
    return total


def _distinct_met(problem: Problem, limits: SizeLimits, n_free: int) -> int:
    """Upper bound on the distinct people (current or departed) one participant can meet."""
    index = {pid: i for i, pid in enumerate(problem.ids)}
    known: list[set[str]] = [set() for _ in problem.ids]
    rounds = list(problem.fixed_rounds)
    if problem.generates_final_home_round:
        rounds.append(problem.home_round())
    for seating in rounds:
        for group in tables_of(seating).values():
            for pid in group:
                person = index.get(pid)
                if person is not None:
                    known[person].update(group)
    stayer_counts = problem.stayer_counts
    most_stayers = max(stayer_counts, default=0)
    most_travellers = max(
        (limits.high - stayer_counts[t] for t in range(problem.n_tables)), default=0
    )
    current_stayers = sum(problem.is_stayer)
    current_travellers = problem.n_people - current_stayers
    best = 0
    for person, pid in enumerate(problem.ids):
        known[person].discard(pid)
        known_current = [index[o] for o in known[person] if o in index]
        unmet_stayers = current_stayers - sum(problem.is_stayer[o] for o in known_current)
        unmet_travellers = current_travellers - sum(not problem.is_stayer[o] for o in known_current)
        if problem.is_stayer[person]:
            table = problem.homes[person]
            # Only the stayers of the own table can still be met (they always are).
            new_stayers = (
                stayer_counts[table]
                - 1
                - sum(problem.is_stayer[o] and problem.homes[o] == table for o in known_current)
            )
            new_travellers = min(unmet_travellers, n_free * (limits.high - stayer_counts[table]))
        else:
            unmet_travellers -= 1  # oneself
            new_stayers = min(unmet_stayers, n_free * most_stayers)
            new_travellers = min(unmet_travellers, n_free * max(0, most_travellers - 1))
        if n_free == 0:
            new_stayers = new_travellers = 0
        new = min(new_stayers + new_travellers, n_free * max(0, limits.high - 1))
        best = max(best, len(known[person]) + new)
    return best
