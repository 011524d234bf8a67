"""Simulated annealing over the free rounds: swap two travellers of one round.

A step picks a traveller who repeats a meeting or revisits a table in some round and a random
traveller at another table of that round, and swaps them if the cost (repeats plus weighted
revisits) does not grow, or with probability exp(-growth / temperature) if it does. Swaps keep
every table size, so the hard rules hold throughout; deltas are incremental, O(table size).
(A tabu search on the same moves got stuck far above these results within Python's speed.)

Determinism: work is counted in pair look-ups, not seconds, and the temperature follows that
count, so the same input and seed give the same plan; the wall-clock deadline is only a safety
net for a heavily loaded machine.
"""

from __future__ import annotations

import math
import random
import time

from cocreate.rotation.seating import REPEAT_COST, Seating

# Pair look-ups per second of time budget: about two thirds of what one core of a small
# machine manages, so the deterministic work budget normally ends before the deadline.
LOOKUPS_PER_SECOND = 3_500_000
# Temperatures in cost units (one repeated meeting costs 1).
START_TEMPERATURE = 0.7
END_TEMPERATURE = 0.08
# How often (in steps) the list of conflicted seats is rebuilt from scratch.
REBUILD_EVERY = 4096


def work_budget(time_budget: float) -> int:
    return int(time_budget * LOOKUPS_PER_SECOND)


def current_cost(seating: Seating) -> int:
    """Repeats among current participants plus weighted revisits, over all counted rounds.
    Valid right after seating (the append-only met lists are exact until the search starts)."""
    problem = seating.problem
    current = set(problem.ids)
    meetings = 0
    for fixed in problem.fixed_rounds[: problem.n_counted_rounds]:
        sizes = [0] * problem.n_tables
        for pid, table in fixed.items():
            if pid in current:
                sizes[table] += 1
        meetings += sum(size * (size - 1) // 2 for size in sizes)
    for tables in seating.members:
        meetings += sum(len(group) * (len(group) - 1) // 2 for group in tables)
    distinct_pairs = sum(len(people) for people in seating.met) // 2
    revisits = sum(
        max(0, count - 1) for person in seating.travellers for count in seating.visits[person]
    )
    return REPEAT_COST * (meetings - distinct_pairs) + seating.revisit_cost * revisits


def anneal(
    seating: Seating,
    rng: random.Random,
    *,
    cost: int,
    target: int,
    budget: int,
    deadline: float,
) -> list[list[int]]:
    """Search from the current seating; return the best free-round tables found."""
    n_free = seating.n_free
    movable = list(seating.travellers)
    if cost <= target or n_free == 0 or len(movable) < 2 or seating.n_tables < 2:
        return seating.snapshot()
    members = seating.members
    limits = seating.limits
    has_slack = any(low < limits.high for low in limits.low)
    best_cost = cost
    best = seating.snapshot()
    best_is_current = True  # the current seating is as good as the best: no copy needed yet
    work = 0
    step = 0
    conflicted: list[tuple[int, int]] = []
    cooling = math.log(END_TEMPERATURE / START_TEMPERATURE)
    temperature = START_TEMPERATURE
    while work < budget and best_cost > target:
        step += 1
        if step % 256 == 0:
            if time.monotonic() > deadline:
                break
            temperature = START_TEMPERATURE * math.exp(cooling * work / budget)
        if not conflicted or step % REBUILD_EVERY == 0:
            # Appending after each swap misses seats whose conflicts changed elsewhere.
            if time.monotonic() > deadline:
                break
            conflicted = [
                (rnd, p) for rnd in range(n_free) for p in movable if seating.conflict(rnd, p)
            ]
            work += n_free * len(movable) * 8
            if not conflicted:
                break
        rnd, person = conflicted[rng.randrange(len(conflicted))]
        partner = movable[rng.randrange(len(movable))]
        table_of = seating.table_of[rnd]
        partner_table = table_of[partner]
        if table_of[person] == partner_table:
            continue
        work += len(members[rnd][table_of[person]]) + len(members[rnd][partner_table])
        # Where sizes have slack (uneven numbers), sometimes move instead of swapping, so the
        # search also chooses which tables get the extra seat.
        moving = has_slack and step & 3 == 0 and seating.can_move(rnd, person, partner_table)
        if moving:
            delta = seating.move_delta(rnd, person, partner_table)
        else:
            delta = seating.swap_delta(rnd, person, partner)
        if delta > 0 and rng.random() >= math.exp(-delta / temperature):
            continue
        if delta > 0 and best_is_current:
            best = seating.snapshot()
            best_is_current = False
        if moving:
            seating.move(rnd, person, partner_table)
        else:
            seating.swap(rnd, person, partner)
            if seating.conflict(rnd, partner):
                conflicted.append((rnd, partner))
        cost += delta
        if cost < best_cost:
            best_cost = cost
        best_is_current = cost <= best_cost
    return seating.snapshot() if best_is_current else best
