"""Fewest revisits with balanced tables, whatever the played rounds and changes.

A traveller's revisits depend only on which tables they get over the K free rounds (a
multiset), not on their order; the balance rule only on how many people each table gets per
round. So a seating is repaired in two steps:

1. Tables per traveller. Moving one placement of a traveller from table v to table w moves one
   seat-round of load from v to w. Loads between K times the least and K times the most a
   table may seat are exactly those that K balanced rounds can have (step 2), so this is a
   minimum-cost flow over the G tables: the multisets are cheapest when no cycle of such moves
   lowers the weighted revisits (a unit may also stay at a table with room, or leave one with
   load to spare). Cycles of negative cost are found by Bellman-Ford and applied; loads out of
   range (a construction on uneven homes) are first brought in along cheapest paths.
2. Rounds. Loads in range can be split into K balanced rounds (an equitable edge colouring of
   the traveller-table multigraph, de Werra): while a table seats too many in round a and at
   least two fewer in round b, the travellers along a shortest alternating path from it
   exchange their round-a and round-b tables. Only the path's end tables change sizes, and
   nobody's multiset changes, so step 1 stays intact.

So whenever K <= G-1 leaves a plan without revisits, this finds one; a seating that is already
balanced with everyone at their own fewest revisits is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cocreate.rotation.problem import Problem, visited_tables
from cocreate.rotation.sizes import SizeLimits

Move = tuple[int, int, int]  # (from table, to table, cost): one placement of some traveller
SLACK = -1  # the node of load that stays at a table with room or leaves one with load to spare


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
    """The free rounds as ``tables[round][person]``, with table sizes and each traveller's
    placements per table."""

    tables: list[list[int]]
    travellers: list[int]
    weights: Sequence[int]
    visited: list[set[int]]
    seatable: list[int]
    low: tuple[int, ...]
    high: int
    sizes: list[list[int]]
    placements: list[dict[int, int]]

    @property
    def n_free(self) -> int:
        return len(self.tables)

    @property
    def n_tables(self) -> int:
        return len(self.low)

    def load(self, table: int) -> int:
        return sum(sizes[table] for sizes in self.sizes)

    def cost(self, person: int) -> int:
        """Weighted revisits: placements at a table sat at before or given already."""
        seen = self.visited[person]
        fresh = sum(1 for table in self.placements[person] if table not in seen)
        return self.weights[person] * (self.n_free - fresh)

    def move_cost(self, person: int, source: int, target: int) -> int:
        """Cost change of moving one of person's placements from source to target."""
        weight = self.weights[person]
        seen = self.visited[person]
        placed = self.placements[person]
        gain = weight if source in seen or placed[source] > 1 else 0
        return (weight if target in seen or target in placed else 0) - gain

    def place(self, rnd: int, person: int, table: int) -> None:
        own = self.tables[rnd][person]
        placed = self.placements[person]
        placed[own] -= 1
        if not placed[own]:
            del placed[own]
        placed[table] = placed.get(table, 0) + 1
        self.sizes[rnd][own] -= 1
        self.sizes[rnd][table] += 1
        self.tables[rnd][person] = table


def fewest_revisits(
    problem: Problem, tables: list[list[int]], limits: SizeLimits, weights: Sequence[int]
) -> bool:
    """Repair free-round ``tables`` in place: fewest weighted revisits, balanced rounds.
    Returns whether anything changed."""
    travellers = [i for i in range(problem.n_people) if not problem.is_stayer[i]]
    if not tables or not travellers:
        return False
    stayer_counts = problem.stayer_counts
    seatable = [t for t in range(problem.n_tables) if limits.high > stayer_counts[t]]
    sizes = []
    for round_tables in tables:
        counts = [0] * problem.n_tables
        for table in round_tables:
            counts[table] += 1
        sizes.append(counts)
    placements: list[dict[int, int]] = [{} for _ in range(problem.n_people)]
    for person in travellers:
        for round_tables in tables:
            table = round_tables[person]
            placements[person][table] = placements[person].get(table, 0) + 1
    visited = visited_tables(problem)
    tours = _Tours(
        tables, travellers, weights, visited, seatable, limits.low, limits.high, sizes, placements
    )
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


def _apply(tours: _Tours, moves: Sequence[Move]) -> list[tuple[int, int, int]] | None:
    """Make each move with some traveller it costs that much for (slack ones need nothing);
    None, with nothing changed, if none is left for one of them."""
    undo: list[tuple[int, int, int]] = []
    used: set[int] = set()
    for source, target, cost in moves:
        if SLACK in (source, target):
            continue
        found = _witness(tours, source, target, cost, used)
        if found is None:
            _undo(tours, undo)
            return None
        rnd, person = found
        used.add(person)
        undo.append((rnd, person, source))
        tours.place(rnd, person, target)
    return undo


def _witness(
    tours: _Tours, source: int, target: int, cost: int, used: set[int]
) -> tuple[int, int] | None:
    """A traveller not moved yet whose placement at source costs ``cost`` to move to target,
    and the round to move, where source is fullest and target emptiest."""
    for person in tours.travellers:
        if person in used or source not in tours.placements[person]:
            continue
        if tours.move_cost(person, source, target) == cost:
            rounds = [r for r in range(tours.n_free) if tours.tables[r][person] == source]
            rnd = max(rounds, key=lambda r: tours.sizes[r][source] - tours.sizes[r][target])
            return rnd, person
    return None


def _undo(tours: _Tours, undo: list[tuple[int, int, int]]) -> None:
    for rnd, person, source in reversed(undo):
        tours.place(rnd, person, source)


def _cancel_cheaper_cycle(tours: _Tours) -> bool:
    """Apply one cycle of placement moves that lowers the weighted revisits, if there is one."""
    cycle = _negative_cycle(tours)
    return cycle is not None and _apply(tours, cycle) is not None


def _fix_one_load(tours: _Tours) -> bool:
    """Bring one table's seat-round load into range by the cheapest chain of moves (from a
    table over its most to one with room, or to one under its least from one with some to
    spare); False when every load is in range."""
    n_free = tours.n_free
    loads = [tours.load(t) for t in range(tours.n_tables)]
    seatable = set(tours.seatable)
    for table in range(tours.n_tables):
        if loads[table] > n_free * tours.high:
            sources = {table}
            targets = {t for t in seatable if loads[t] < n_free * tours.high}
        elif loads[table] < n_free * tours.low[table]:
            sources = {t for t in range(tours.n_tables) if loads[t] > n_free * tours.low[t]}
            targets = {table}
        else:
            continue
        path = _cheapest_path(tours, sources, targets)
        # None cannot happen for a valid request; then the greedy seating stays.
        return path is not None and _apply(tours, path) is not None
    return False


def _cheapest_path(tours: _Tours, sources: set[int], targets: set[int]) -> list[Move] | None:
    edges = _cheapest_moves(tours)
    distance: list[int | None] = [0 if t in sources else None for t in range(tours.n_tables)]
    previous: list[Move | None] = [None] * tours.n_tables
    for _ in range(tours.n_tables - 1):
        relaxed = False
        for edge in edges:
            source, target, cost = edge
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
    node = min(reached, key=lambda t: (distance[t] or 0, t))
    path: list[Move] = []
    while node not in sources and len(path) < tours.n_tables:
        back = previous[node]
        assert back is not None
        path.append(back)
        node = back[0]
    path.reverse()
    return path


def _negative_cycle(tours: _Tours) -> list[Move] | None:
    n_tables = tours.n_tables
    edges = _cheapest_moves(tours)
    n_free = tours.n_free
    # A unit that reaches a table with room may stay there; one with load to spare may pass
    # a unit on that it did not receive. The slack node is index n_tables below.
    seatable = set(tours.seatable)
    for table in range(n_tables):
        load = tours.load(table)
        if load < n_free * tours.high and table in seatable:
            edges.append((table, SLACK, 0))
        if load > n_free * tours.low[table]:
            edges.append((SLACK, table, 0))
    distance = [0] * (n_tables + 1)  # index -1 is the slack node
    previous: list[Move | None] = [None] * (n_tables + 1)
    changed = n_tables
    for _ in range(n_tables + 1):
        changed = n_tables
        for edge in edges:
            source, target, cost = edge
            if distance[source] + cost < distance[target]:
                distance[target] = distance[source] + cost
                previous[target] = edge
                changed = target
        if changed == n_tables:
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
        cycle.append(back)
        node = back[0]
        if node == start:
            break
    cycle.reverse()
    return cycle


def _cheapest_moves(tours: _Tours) -> list[Move]:
    """For each pair of tables, the cheapest cost change of moving one placement of some
    traveller from the first to the second. A move costs the traveller's weight, nothing or
    minus it, so targets are gathered per source and cost as bit masks."""
    n_tables = tours.n_tables
    seatable = 0
    for table in tours.seatable:
        seatable |= 1 << table
    by_cost: dict[int, list[int]] = {}
    for person in tours.travellers:
        weight = tours.weights[person]
        seen = tours.visited[person]
        placed = tours.placements[person]
        taken = 0  # targets where one more placement is a revisit
        for table in seen:
            taken |= 1 << table
        for table in placed:
            taken |= 1 << table
        fresh = seatable & ~taken
        again = seatable & taken
        for source, count in placed.items():
            gain = weight if source in seen or count > 1 else 0
            others = ~(1 << source)
            for cost, targets in ((-gain, fresh), (weight - gain, again)):
                targets &= others
                if targets:
                    masks = by_cost.get(cost)
                    if masks is None:
                        masks = by_cost[cost] = [0] * n_tables
                    masks[source] |= targets
    moves: list[Move] = []
    for source in range(n_tables):
        reached = 0
        for cost in sorted(by_cost):
            targets = by_cost[cost][source] & ~reached
            reached |= targets
            moves.extend((source, target, cost) for target in _bits(targets))
    return moves


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


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
