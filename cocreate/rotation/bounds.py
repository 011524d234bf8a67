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

from cocreate.rotation.flow import FlowNetwork
from cocreate.rotation.problem import Problem, visited_tables
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
    known_repeats = _known_repeats(problem)
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


def _known_repeats(problem: Problem) -> int:
    known = pair_meetings(problem.fixed_rounds[: problem.n_counted_rounds])
    return sum(count - 1 for count in known.values() if count > 1)


def _met_sets(problem: Problem) -> list[set[int]]:
    """For each current participant, the current participants met in counted fixed rounds."""
    index = {pid: i for i, pid in enumerate(problem.ids)}
    met: list[set[int]] = [set() for _ in problem.ids]
    for seating in problem.fixed_rounds[: problem.n_counted_rounds]:
        for group in tables_of(seating).values():
            people = [index[pid] for pid in group if pid in index]
            for a in people:
                met[a].update(people)
    for i, known in enumerate(met):
        known.discard(i)
    return met


# -- revisits first ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisitFirstBounds:
    revisits: int  # no plan has fewer revisits: K - (G - 1) per traveller, in general
    repeats: int  # no plan with exactly ``revisits`` revisits has fewer repeats


@dataclass(frozen=True)
class _RevisitDemands:
    """What a plan with the fewest revisits asks of each person, by index."""

    floors: list[int]  # fewest fellow travellers a traveller meets over the free rounds
    barred: list[frozenset[int]]  # tables a traveller may not sit at in any free round


def revisit_first_bounds(problem: Problem) -> RevisitFirstBounds:
    """Bounds for planning revisits first: the fewest revisits, then the fewest repeats among
    the plans with that few revisits.

    Fewest revisits. A traveller has K free rounds and ``fresh`` seatable tables it has not sat
    at (home counts as sat at; G - 1 of them when only round 0 is played). Each free round
    at a table already sat at is a revisit, and at most ``fresh`` rounds can be at new tables,
    so the traveller revisits at least K - fresh times: K - (G - 1) in a fresh workshop.
    Tables have room too: over the free rounds table t seats at most K * (high - f[t])
    travellers, so it can be the first visit of at most that many (and of each traveller
    once). Every placement that is no first visit is a revisit, so the fewest revisits are
    the placements less the most first visits, a maximum flow from travellers to tables;
    e.g. homes of 3, 4 and 5 with 2 middle rounds at 4 a table: the 9 travellers from the
    bigger homes cannot all pass the smallest home's table, so one plan in all revisits.

    Repeats given the fewest revisits. That total is a sum of per-traveller minimums, so a plan
    that reaches it has every traveller at its own minimum, which asks of each traveller:

    * K <= fresh: every free round at a different new table, so never at a table already sat
      at; in particular never at the table of its group in a fixed round (home, for round 0).
    * K >= fresh: every new table at least once.

    Each demand sharpens one of the counting bounds (``compute_bounds``); all other bounds
    hold for every plan and so for these too:

    * home-mates: a table now draws the travellers of a group only from those still allowed
      at it; e.g. 3 tables of 5 travellers for one middle round: a table draws its 5 from the
      2 other homes, at least 3 from one, so >= 3 + 1 pairs repeat at each table (12, where
      the bound for all plans is 6, reached by keeping 1 traveller of each home at home);
    * a traveller meets at least ``low[t] - f[t] - 1`` travellers at table t, and now sits at
      the tables it must visit (or, when K <= fresh, at K different new ones), not K times at
      the emptiest table;
    * a stayer can meet new travellers only among those allowed at its table.

    With K > G - 1 in a fresh workshop the only demand is "every table at least once", which
    balanced tables mostly imply already (and each revisit meeting a table's stayers again is
    charged by the per-stayer count): there the bound is mostly the counting bound, and the
    exact optimum (bench/rotation_exact.py) shows it is not always reached, e.g. 3 tables of
    3 travellers with 3 middle rounds need 6 repeats where counting allows 0.

    Where the room of the tables keeps some traveller above its own minimum, the demands
    need not hold, and the bound for all plans is what remains. If no plan reaches even the
    revisits bound, the repeats bound holds vacuously.
    """
    n_free = len(problem.free_rounds)
    limits = size_limits(problem.stayer_counts, problem.n_people)
    general = compute_bounds(problem)
    own_minimums = _future_revisits(problem, limits, n_free)
    with_room = _revisits_with_room(problem, limits, n_free)
    revisits = general.revisits - own_minimums + with_room
    if with_room > own_minimums:
        return RevisitFirstBounds(revisits=revisits, repeats=general.repeats)
    demands = _revisit_demands(problem, limits, n_free)
    future = _future_repeats(problem, limits, n_free, _met_sets(problem), demands)
    # Each demand only narrows the choices, so this is never below the bound for all plans.
    repeats = max(general.repeats, _known_repeats(problem) + future)
    return RevisitFirstBounds(revisits=revisits, repeats=repeats)


def _revisits_with_room(problem: Problem, limits: SizeLimits, n_free: int) -> int:
    """Free-round placements of travellers that cannot be first visits (see above)."""
    stayer_counts = problem.stayer_counts
    seatable = [t for t in range(problem.n_tables) if limits.high > stayer_counts[t]]
    visited = visited_tables(problem)
    # Travellers with the same tables still new to them are alike: one node for each kind.
    kinds: Counter[frozenset[int]] = Counter(
        frozenset(t for t in seatable if t not in visited[person])
        for person in range(problem.n_people)
        if not problem.is_stayer[person]
    )
    source, sink, first_kind = 0, 1, 2 + problem.n_tables
    network = FlowNetwork(first_kind + len(kinds))
    for t in seatable:
        network.add_arc(2 + t, sink, n_free * (limits.high - stayer_counts[t]))
    for node, (fresh, count) in enumerate(
        sorted(kinds.items(), key=lambda kind: sorted(kind[0])), first_kind
    ):
        network.add_arc(source, node, count * min(n_free, len(fresh)))
        for t in fresh:
            network.add_arc(node, 2 + t, count)
    return n_free * kinds.total() - network.max_flow(source, sink)


def _revisit_demands(problem: Problem, limits: SizeLimits, n_free: int) -> _RevisitDemands:
    stayer_counts = problem.stayer_counts
    fewest = {
        t: max(0, limits.low[t] - stayer_counts[t] - 1)
        for t in range(problem.n_tables)
        if limits.high > stayer_counts[t]
    }
    anywhere = min(fewest.values(), default=0)
    floors: list[int] = []
    barred: list[frozenset[int]] = []
    for person, visited in enumerate(visited_tables(problem)):
        at_fresh = sorted(count for t, count in fewest.items() if t not in visited)
        if problem.is_stayer[person]:
            floors.append(0)
            barred.append(frozenset())
        elif n_free <= len(at_fresh):
            floors.append(sum(at_fresh[:n_free]))
            barred.append(frozenset(visited))
        else:
            floors.append(sum(at_fresh) + (n_free - len(at_fresh)) * anywhere)
            barred.append(frozenset())
    return _RevisitDemands(floors, barred)


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


def _future_repeats(
    problem: Problem,
    limits: SizeLimits,
    n_free: int,
    met: list[set[int]],
    demands: _RevisitDemands | None = None,
) -> int:
    """Fewest repeats in the free rounds; with ``demands``, of plans that meet them."""
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
        unmet = unmet_travellers[s]
        if demands is not None:  # only travellers allowed at the stayer's table can be met
            unmet -= sum(1 for t in travellers if t not in met[s] and table in demands.barred[t])
        per_stayer += max(0, meetings - unmet)
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
        floor = n_free * least_met if demands is None else demands.floors[t]
        excess += max(0, floor - unmet_travellers[t])
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

    barred = demands.barred if demands is not None else None
    group_costs = [
        _group_repeats_per_round(problem, seating, low, high, barred)
        for seating in problem.fixed_rounds[: problem.n_counted_rounds]
    ]
    # None: no seating keeps the demands (then any bound holds for the plans that do).
    groups = max((cost for cost in group_costs if cost is not None), default=0)
    return max(by_class, together, n_free * groups)


def _pairs(count: int) -> int:
    return count * (count - 1) // 2 if count > 1 else 0


def _group_repeats_per_round(
    problem: Problem,
    seating: Mapping[str, int],
    low: Sequence[int],
    high: Sequence[int],
    barred: Sequence[frozenset[int]] | None = None,
) -> int | None:
    """Fewest pairs who sat together in ``seating`` that must share a table in a free round;
    ``barred[i]``: tables person i may not sit at (None if then a table cannot be filled)."""
    group_of: dict[int, int] = {}
    for i, pid in enumerate(problem.ids):
        table = seating.get(pid)
        # People absent from that round form groups of their own.
        group_of[i] = table if table is not None else problem.n_tables + i
    travellers_in: Counter[int] = Counter(
        group_of[i] for i in range(problem.n_people) if not problem.is_stayer[i]
    )
    barred_from: Counter[tuple[int, int]] = Counter(
        (group_of[i], table)
        for i in range(problem.n_people)
        if barred is not None and not problem.is_stayer[i]
        for table in barred[i]
    )
    n_tables = problem.n_tables
    marginal: list[list[int]] = []
    base: list[int] = []
    for table in range(n_tables):
        available = {g: n - barred_from[g, table] for g, n in travellers_in.items()}
        pinned: Counter[int] = Counter(
            group_of[i]
            for i in range(problem.n_people)
            if problem.is_stayer[i] and problem.homes[i] == table
        )
        # Grow the table one traveller at a time from the group it repeats least with.
        counts = dict(pinned)
        heap = [(counts.get(group, 0), group) for group in travellers_in if available[group] > 0]
        heapq.heapify(heap)
        used: Counter[int] = Counter()
        steps: list[int] = []
        while heap and len(steps) < high[table] - sum(pinned.values()):
            already, group = heapq.heappop(heap)
            steps.append(already)
            used[group] += 1
            if used[group] < available[group]:
                heapq.heappush(heap, (already + 1, group))
        cost_at_stayers = sum(_pairs(count) for count in pinned.values())
        start = low[table] - sum(pinned.values())
        if start > len(steps):
            return None
        base.append(cost_at_stayers + sum(steps[:start]))
        marginal.append(steps[start:] + [0] * (problem.n_people + 1))
    return sum(base) + _cheapest_allocation(low, high, problem.n_people, marginal)


# -- revisits and distinct people ----------------------------------------------------------------


def _future_revisits(problem: Problem, limits: SizeLimits, n_free: int) -> int:
    if n_free == 0:
        return 0
    stayer_counts = problem.stayer_counts
    seatable = {t for t in range(problem.n_tables) if limits.high > stayer_counts[t]}
    total = 0
    for person, tables in enumerate(visited_tables(problem)):
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
