"""Simulated annealing over the free rounds.

A step picks a traveller who repeats a meeting or revisits a table in some round (now and then
any traveller, to wander across plateaus) and tries one of three moves: swap them with a
traveller at another table of that round; on uneven tables, move them to another table of that
round; or exchange their tables of this round and another one, along a chain of travellers
who each sit where the previous one sits in the other round (two who sit the other way round,
mostly). The exchange keeps everybody's tables, so it is the move that still works when every
traveller has exactly as many new tables as rounds (K = G-1). A move is taken if the cost
(repeats plus weighted revisits) does not grow, or with probability exp(-growth / temperature)
if it does. A revisit weighs more than all repeats (see ``seating``), so its probability is 0:
the search never leaves the fewest-revisit seating it starts from, and swap partners are drawn
among those who keep the visits. Moves keep the balanced sizes, so the hard rules hold
throughout; deltas are incremental, O(table size). (A tabu search on the same moves got stuck
far above these results within Python's speed.)

Budget: the search runs passes, each cooling from START to END temperature over a fixed amount
of work counted in pair look-ups, until the cost reaches the counting bound (no plan can do
better). A large input gets one pass of the whole work budget. A small one, whose pass is much
shorter, starts the next pass from the best seating found, until the bound or the deadline.

Determinism: work is counted in pair look-ups, not seconds, and the temperature follows that
count, so the same input and seed give the same plan whenever the search ends at the bound or
at the work budget; it is only cut short by the wall clock on small inputs that stay above the
bound, or as a safety net for a heavily loaded machine.
"""

from __future__ import annotations

import math
import random
import time

from cocreate.rotation.seating import REPEAT_COST, UNSEATED, Seating

# Look-ups (as counted below, each move weighted by its cost) per second of time budget: about
# two thirds of what one core of a small machine manages, so the deterministic work budget
# normally ends before the deadline.
LOOKUPS_PER_SECOND = 2_000_000
# Work of one pass of a small input, per traveller seat of the free rounds and person at its
# table: a few thousand tries per seat.
PASS_LOOKUPS_PER_SEAT = 4_000
# Temperatures in cost units (one repeated meeting costs 1).
START_TEMPERATURE = 0.7
END_TEMPERATURE = 0.08
# Most travellers in one exchange of two rounds' tables, and how often (in steps) one is tried
# where a swap would do too.
LONGEST_CHAIN = 8
CHAIN_EVERY = 16
# How often (in steps) a seat without conflicts moves, so the search wanders a plateau.
WANDER_EVERY = 7
# How often (in steps) the list of conflicted seats is rebuilt from scratch.
REBUILD_EVERY = 4096


def work_budget(time_budget: float) -> int:
    return int(time_budget * LOOKUPS_PER_SECOND)


def pass_budget(seating: Seating) -> int:
    seats = len(seating.travellers) * seating.n_free
    per_table = seating.problem.n_people / max(1, seating.n_tables)
    return int(PASS_LOOKUPS_PER_SEAT * seats * max(1.0, per_table))


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
        seating.revisit_weight[person] * sum(max(0, count - 1) for count in seating.visits[person])
        for person in seating.travellers
    )
    return REPEAT_COST * (meetings - distinct_pairs) + revisits


def search(
    seating: Seating,
    rng: random.Random,
    *,
    cost: int,
    target: int,
    budget: int,
    deadline: float,
) -> list[list[int]]:
    """Anneal from the current seating in passes (see the module docstring); return the best
    free-round tables found."""
    work = min(budget, pass_budget(seating))
    repeat = work < budget
    best_cost, best = cost, seating.snapshot()
    while True:
        found_cost, found, settled = _anneal(
            seating, rng, cost=best_cost, target=target, budget=work, deadline=deadline
        )
        if found_cost < best_cost:
            best_cost, best = found_cost, found
        if not repeat or settled or best_cost <= target or time.monotonic() > deadline:
            return best
        seating.restore(best)


def _anneal(
    seating: Seating,
    rng: random.Random,
    *,
    cost: int,
    target: int,
    budget: int,
    deadline: float,
) -> tuple[int, list[list[int]], bool]:
    """One pass: the best cost and tables found, and whether no seat is left in conflict."""
    n_free = seating.n_free
    movable = list(seating.travellers)
    if cost <= target or n_free == 0 or len(movable) < 2 or seating.n_tables < 2:
        return cost, seating.snapshot(), True
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
    random = rng.random  # int(random() * n) is a cheaper randrange(n)
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
                return cost, seating.snapshot(), True
        if step % WANDER_EVERY == 0:
            rnd, person = int(random() * n_free), movable[int(random() * len(movable))]
        else:
            rnd, person = conflicted[int(random() * len(conflicted))]
        table_of = seating.table_of[rnd]
        own_table = table_of[person]
        chained = n_free > 1 and step % CHAIN_EVERY == 0
        partner = UNSEATED
        if not chained:
            partner = _swap_partner(seating, rng, rnd, person)
            # Where no swap keeps the visits (K = G-1), exchange rounds instead.
            chained = partner == UNSEATED and n_free > 1
        if chained:
            # Exchange this round's table with another round's, along a chain of travellers.
            other = int(random() * (n_free - 1))
            other += other >= rnd
            chain = seating.exchange_chain(rng, rnd, other, person, LONGEST_CHAIN)
            size = len(members[rnd][own_table])
            if not chain:
                work += 2 * size
                continue
            if len(chain) == 2 and seating.table_of[other][chain[1]] == own_table:
                # Two travellers who swap in both rounds, the common case: priced unmoved.
                delta = seating.pair_exchange_delta(rnd, other, person, chain[1])
                work += 4 * size
                taken = delta <= 0 or rng.random() < math.exp(-delta / temperature)
                if not taken:
                    continue
                if delta > 0 and best_is_current:
                    best = seating.snapshot()
                    best_is_current = False
                seating.swap(rnd, person, chain[1])
                seating.swap(other, person, chain[1])
            else:
                delta = sum(seating.exchange(rnd, other, traveller) for traveller in chain)
                work += 8 * len(chain) * size
                taken = delta <= 0 or rng.random() < math.exp(-delta / temperature)
                if not taken or (delta > 0 and best_is_current):
                    for traveller in reversed(chain):
                        seating.exchange(rnd, other, traveller)
                    if not taken:
                        continue
                    best = seating.snapshot()
                    best_is_current = False
                    for traveller in chain:
                        seating.exchange(rnd, other, traveller)
            conflicted.extend((other, t) for t in chain if seating.conflict(other, t))
        else:
            if partner == UNSEATED:
                partner = movable[int(random() * len(movable))]
            partner_table = table_of[partner]
            if own_table == partner_table:
                continue
            work += len(members[rnd][own_table]) + len(members[rnd][partner_table])
            # Where sizes have slack (uneven numbers), sometimes move instead of swapping, so
            # the search also chooses which tables get the extra seat.
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
    if best_is_current:
        return cost, seating.snapshot(), False
    return best_cost, best, False


def _swap_partner(seating: Seating, rng: random.Random, rnd: int, person: int) -> int:
    """A random traveller of the round with whom person can swap without adding a revisit
    (which is never taken): each goes to a table not sat at yet, or leaves a revisit for
    another one. UNSEATED if the table drawn has none. Golfers can swap with anyone."""
    random = rng.random
    if not seating.revisit_weight[person]:
        return seating.travellers[int(random() * len(seating.travellers))]
    own_table = seating.table_of[rnd][person]
    visits = seating.visits
    seen = visits[person]
    leaves_revisit = seen[own_table] > 1
    members = seating.members[rnd]
    tables = [t for t, n in enumerate(seen) if (n == 0 or leaves_revisit) and members[t]]
    if not tables:
        return UNSEATED
    group = members[tables[int(random() * len(tables))]]
    table = seating.table_of[rnd][group[0]]
    offset = int(random() * len(group))
    for index in range(len(group)):
        partner = group[(index + offset) % len(group)]
        partner_seen = visits[partner]
        if seating.revisit_weight[partner] and (
            partner_seen[own_table] == 0 or partner_seen[table] > 1
        ):
            return partner
    return UNSEATED
