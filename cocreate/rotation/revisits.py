"""Fewest revisits with balanced tables, whatever the played rounds and changes.

A traveller's revisits depend only on which tables they get over the K free rounds (a
multiset), not on their order; the balance rule only on how many people each table gets per
round. So a seating is repaired in two steps:

1. Tables per traveller. Moving one placement of a traveller from table v to table w moves one
   seat-round of load from v to w. Loads between K times the least and K times the most a
   table may seat are exactly those that K balanced rounds can have (step 2), so this is a
   minimum-cost flow: the multisets are cheapest when no cycle of such moves (a unit may also
   leave a table above its least load or enter one below its most) lowers the weighted
   revisits. Cycles of negative cost are found by Bellman-Ford on the G tables and applied.
2. Rounds. Loads in range can be split into K balanced rounds (an equitable edge colouring of
   the traveller-table multigraph, de Werra): while a table seats too many in round a and at
   least two fewer in round b, the travellers along an alternating path from it exchange
   their round-a and round-b tables. Only the path's two end tables change sizes, and nobody's
   multiset changes, so step 1 stays intact.

When K <= G-1 this always finds a plan without revisits if one exists; it leaves a seating
that already has none untouched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cocreate.rotation.problem import Problem
from cocreate.rotation.sizes import SizeLimits


def visited_tables(problem: Problem) -> list[set[int]]:
    """Tables each participant sat at before the free rounds (home counts as sat at)."""
    index = {pid: i for i, pid in enumerate(problem.ids)}
    visited = [{home} for home in problem.homes]
    for seating in problem.fixed_rounds[: problem.n_counted_rounds]:
        for pid, table in seating.items():
            person = index.get(pid)
            if person is not None:
                visited[person].add(table)
    return visited


def revisit_allowance(problem: Problem, limits: SizeLimits) -> list[int]:
    """Revisits no plan can spare each traveller in the free rounds: one per round beyond the
    tables they can still sit at for the first time."""
    n_free = len(problem.free_rounds)
    seatable = {t for t in range(problem.n_tables) if limits.high > problem.stayer_counts[t]}
    return [
        0 if stays else max(0, n_free - len(seatable - tables))
        for stays, tables in zip(problem.is_stayer, visited_tables(problem), strict=True)
    ]


@dataclass
class _Tours:
    """The free rounds as ``tables[round][person]``, with table sizes and seat-round loads."""

    tables: list[list[int]]
    travellers: list[int]
    weights: Sequence[int]
    visited: list[set[int]]
    seatable: list[int]
    low: tuple[int, ...]
    high: int
    sizes: list[list[int]]

    @property
    def n_free(self) -> int:
        return len(self.tables)

    def load(self, table: int) -> int:
        return sum(sizes[table] for sizes in self.sizes)

    def cost(self, person: int) -> int:
        """Weighted revisits: placements at a table sat at before or given already."""
        counts = Counter(tables[person] for tables in self.tables)
        fresh = sum(1 for table in counts if table not in self.visited[person])
        return self.weights[person] * (self.n_free - fresh)

    def place(self, rnd: int, person: int, table: int) -> None:
        self.sizes[rnd][self.tables[rnd][person]] -= 1
        self.sizes[rnd][table] += 1
        self.tables[rnd][person] = table


def fewest_revisits(
    problem: Problem, tables: list[list[int]], limits: SizeLimits, weights: Sequence[int]
) -> bool:
    """Repair balanced free-round ``tables`` in place to the fewest weighted revisits, still
    balanced. Returns whether anything changed."""
    travellers = [i for i in range(problem.n_people) if not problem.is_stayer[i]]
    if not tables or not travellers:
        return False
    stayer_counts = problem.stayer_counts
    seatable = [t for t in range(problem.n_tables) if limits.high > stayer_counts[t]]
    visited = visited_tables(problem)
    sizes = []
    for round_tables in tables:
        counts = [0] * problem.n_tables
        for table in round_tables:
            counts[table] += 1
        sizes.append(counts)
    tours = _Tours(tables, travellers, weights, visited, seatable, limits.low, limits.high, sizes)
    allowance = revisit_allowance(problem, limits)
    changed = False
    for _ in range(2):  # fixing loads can open cheaper cycles again
        # At everyone's own fewest, no multiset can be cheaper.
        if any(tours.cost(p) > weights[p] * allowance[p] for p in travellers):
            while _cancel_cheaper_cycle(tours):
                changed = True
        fixed_loads = False
        while _fix_one_load(tours):
            changed = fixed_loads = True
        if not fixed_loads:
            break
    if _unbalanced(tours) is not None:
        _balance_rounds(tours)
        changed = True
    return changed


# -- step 1: cheapest multisets -------------------------------------------------------------------

Move = tuple[int, int, int]  # (from table, to table, person); person -1 is load slack
Edge = tuple[int, int, int, int]  # (from table, to table, cost, person)


def _apply(tours: _Tours, moves: Sequence[Move]) -> list[tuple[int, int, int]] | None:
    """Make the moves (slack ones need nothing); None, with nothing changed, if a traveller
    no longer sits at a move's table (the same one moved twice)."""
    undo: list[tuple[int, int, int]] = []
    for source, target, person in moves:
        if person < 0:
            continue
        rounds = [r for r in range(tours.n_free) if tours.tables[r][person] == source]
        if not rounds:
            _undo(tours, undo)
            return None
        # Take the placement from the round where that table is fullest and the other emptiest.
        rnd = max(rounds, key=lambda r: tours.sizes[r][source] - tours.sizes[r][target])
        undo.append((rnd, person, source))
        tours.place(rnd, person, target)
    return undo


def _undo(tours: _Tours, undo: list[tuple[int, int, int]]) -> None:
    for rnd, person, source in reversed(undo):
        tours.place(rnd, person, source)


def _cancel_cheaper_cycle(tours: _Tours) -> bool:
    """Apply one cycle of placement moves that lowers the weighted revisits, if there is one."""
    cycle = _negative_cycle(tours)
    if cycle is None:
        return False
    people = {person for _, _, person in cycle if person >= 0}
    before = sum(tours.cost(p) for p in people)
    undo = _apply(tours, cycle)
    if undo is None:
        return False
    if sum(tours.cost(p) for p in people) < before:
        return True
    # The cycle moved one traveller twice in ways that do not add up; give up on it.
    _undo(tours, undo)
    return False


def _fix_one_load(tours: _Tours) -> bool:
    """Bring one table's seat-round load into range by the cheapest chain of moves (from a
    table over its most to one with room, or to one under its least from one with some to
    spare); False when every load is in range."""
    n_tables = len(tours.low)
    n_free = tours.n_free
    loads = [tours.load(t) for t in range(n_tables)]
    seatable = set(tours.seatable)
    for table in range(n_tables):
        if loads[table] > n_free * tours.high:
            sources = {table}
            targets = {t for t in seatable if loads[t] < n_free * tours.high}
        elif loads[table] < n_free * tours.low[table]:
            sources = {t for t in range(n_tables) if loads[t] > n_free * tours.low[t]}
            targets = {table}
        else:
            continue
        path = _cheapest_path(tours, sources, targets)
        # None cannot happen for a valid request; then the greedy seating stays.
        return path is not None and _apply(tours, path) is not None
    return False


def _cheapest_path(tours: _Tours, sources: set[int], targets: set[int]) -> list[Move] | None:
    n_tables = len(tours.low)
    edges = [
        (source, target, cost, person)
        for (source, target), (cost, person) in _cheapest_moves(tours, n_tables).items()
    ]
    unreached = None
    distance: list[int | None] = [0 if t in sources else unreached for t in range(n_tables)]
    previous: list[Edge | None] = [None] * n_tables
    for _ in range(n_tables - 1):
        relaxed = False
        for edge in edges:
            source, target, cost, _person = edge
            start = distance[source]
            if start is None or target in sources:
                continue
            reach = distance[target]
            if reach is None or start + cost < reach:
                distance[target] = start + cost
                previous[target] = edge
                relaxed = True
        if not relaxed:
            break
    reached = [t for t in targets if t not in sources and distance[t] is not None]
    if not reached:
        return None
    node = min(reached, key=lambda t: (distance[t], t))
    path: list[Move] = []
    while node not in sources and len(path) < n_tables:
        back = previous[node]
        assert back is not None
        path.append((back[0], back[1], back[3]))
        node = back[0]
    path.reverse()
    return path


def _negative_cycle(tours: _Tours) -> list[Move] | None:
    n_tables = len(tours.low)
    slack = n_tables  # a node for load entering or leaving within the allowed range
    moves = _cheapest_moves(tours, n_tables)
    edges: list[tuple[int, int, int, int]] = [
        (source, target, cost, person) for (source, target), (cost, person) in moves.items()
    ]
    n_free = tours.n_free
    # A unit that reaches a table with room may stay there; one with load to spare may pass
    # a unit on that it did not receive.
    seatable = set(tours.seatable)
    for table in range(n_tables):
        load = tours.load(table)
        if load < n_free * tours.high and table in seatable:
            edges.append((table, slack, 0, -1))
        if load > n_free * tours.low[table]:
            edges.append((slack, table, 0, -1))
    distance = [0] * (n_tables + 1)
    previous: list[tuple[int, int, int, int] | None] = [None] * (n_tables + 1)
    changed = -1
    for _ in range(n_tables + 1):
        changed = -1
        for edge in edges:
            source, target, cost, _person = edge
            if distance[source] + cost < distance[target]:
                distance[target] = distance[source] + cost
                previous[target] = edge
                changed = target
        if changed < 0:
            return None
    node = changed
    for _ in range(n_tables + 1):  # step back until surely on the cycle
        back = previous[node]
        assert back is not None
        node = back[0]
    cycle: list[Move] = []
    start = node
    while True:
        back = previous[node]
        assert back is not None
        cycle.append((back[0], back[1], back[3]))
        node = back[0]
        if node == start:
            break
    cycle.reverse()
    return cycle


def _cheapest_moves(tours: _Tours, n_tables: int) -> dict[tuple[int, int], tuple[int, int]]:
    """For each pair of tables, the cheapest change of cost from moving one placement of some
    traveller from the first to the second, and that traveller."""
    best: dict[tuple[int, int], tuple[int, int]] = {}
    seatable = tours.seatable
    for person in tours.travellers:
        weight = tours.weights[person]
        seen = tours.visited[person]
        counts = Counter(tables[person] for tables in tours.tables)
        adding = [weight if t in seen or counts[t] else 0 for t in range(n_tables)]
        for source, count in counts.items():
            gain = weight if source in seen or count > 1 else 0
            for target in seatable:
                if target != source:
                    cost = adding[target] - gain
                    key = (source, target)
                    found = best.get(key)
                    if found is None or cost < found[0]:
                        best[key] = (cost, person)
    return best


# -- step 2: balanced rounds ----------------------------------------------------------------------


def _balance_rounds(tours: _Tours) -> None:
    while (found := _unbalanced(tours)) is not None:
        _exchange_along_path(tours, *found)


def _unbalanced(tours: _Tours) -> tuple[int, int, int] | None:
    """A table and two rounds, the first with at least two more people there, one of them out
    of the balanced range; None when every round is balanced."""
    rounds = range(tours.n_free)
    for rnd, sizes in enumerate(tours.sizes):
        for table, size in enumerate(sizes):
            if size > tours.high:
                return table, rnd, min(rounds, key=lambda r: tours.sizes[r][table])
            if size < tours.low[table]:
                return table, max(rounds, key=lambda r: tours.sizes[r][table]), rnd
    return None


def _exchange_along_path(tours: _Tours, start: int, fuller: int, emptier: int) -> None:
    """Move one seat at ``start`` from round ``fuller`` to round ``emptier``: the travellers
    along the shortest path start -> ... -> end, each sitting at one table in ``fuller`` and the
    next in ``emptier``, swap those two rounds' tables; ``end`` is a table with more people in
    ``emptier`` (one exists: the path an Euler walk would take ends at one). Only start and end
    change sizes, end within the range its two sizes spanned."""
    outgoing: dict[int, list[int]] = {}
    for person in tours.travellers:
        outgoing.setdefault(tours.tables[fuller][person], []).append(person)
    came_by: dict[int, int] = {start: -1}
    frontier = [start]
    end = -1
    while frontier and end < 0:
        reached: list[int] = []
        for table in frontier:
            for person in outgoing.get(table, ()):
                onward = tours.tables[emptier][person]
                if onward in came_by:
                    continue
                came_by[onward] = person
                reached.append(onward)
                if tours.sizes[emptier][onward] > tours.sizes[fuller][onward]:
                    end = onward
                    break
            if end >= 0:
                break
        frontier = reached
    assert end >= 0
    table = end
    while table != start:
        person = came_by[table]
        a, b = tours.tables[fuller][person], tours.tables[emptier][person]
        tours.tables[fuller][person], tours.tables[emptier][person] = b, a
        table = a
    tours.sizes[fuller][start] -= 1
    tours.sizes[emptier][start] += 1
    tours.sizes[fuller][end] += 1
    tours.sizes[emptier][end] -= 1
