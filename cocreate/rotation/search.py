"""Tabu search over the free rounds: swap two travellers of one round, guided by conflicts.

Each step takes a traveller who repeats a meeting or revisits a table in some round, evaluates
swapping them with other travellers of that round (incremental deltas, O(table size) each),
and makes the best swap that is not tabu (moving someone back to a table they just left), even
a worsening one, so the search walks out of local minima. After a long stall it restarts from
the best seating with a few random swaps.

Determinism: the amount of work is counted in pair look-ups, not seconds, so the same input and
seed give the same plan; the wall-clock deadline is only a safety net on a very slow machine.
"""

from __future__ import annotations

import random
import time

from cocreate.rotation.seating import REPEAT_COST, REVISIT_COST, Seating

# Pair look-ups per second of time budget; about a third of what one core manages, so the
# deterministic work budget normally ends well before the wall-clock deadline.
LOOKUPS_PER_SECOND = 1_500_000
# Above this many travellers a step samples swap partners instead of trying them all.
FULL_NEIGHBOURHOOD = 120
SAMPLED_PARTNERS = 48


def current_cost(seating: Seating) -> int:
    """Repeats among current participants plus weighted revisits, over all counted rounds."""
    meetings = 0
    for seating_round in _counted_groups(seating):
        for size in seating_round:
            meetings += size * (size - 1) // 2
    distinct_pairs = sum(len(people) for people in seating.met) // 2
    revisits = sum(
        max(0, count - 1)
        for person in seating.travellers
        for count in seating.visits[person]
    )
    return REPEAT_COST * (meetings - distinct_pairs) + REVISIT_COST * revisits


def _counted_groups(seating: Seating) -> list[list[int]]:
    """Table sizes (current participants only) of every counted round."""
    problem = seating.problem
    current = set(problem.ids)
    sizes: list[list[int]] = []
    for fixed in problem.fixed_rounds[: problem.n_counted_rounds]:
        per_table = [0] * problem.n_tables
        for pid, table in fixed.items():
            if pid in current:
                per_table[table] += 1
        sizes.append(per_table)
    for tables in seating.members:
        sizes.append([len(group) for group in tables])
    return sizes


def work_budget(time_budget: float) -> int:
    return int(time_budget * LOOKUPS_PER_SECOND)


def improve(
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
    n_people = seating.problem.n_people
    n_tables = seating.n_tables
    tabu_until = [0] * (n_free * n_people * n_tables)
    best_cost = cost
    best = seating.snapshot()
    best_is_current = True
    work = 0
    step = 0
    last_gain = 0
    stall_limit = 2_000 + 20 * len(movable)
    conflicted: list[tuple[int, int]] = []

    while work < budget and best_cost > target:
        step += 1
        if step % 64 == 0 and time.monotonic() > deadline:
            break
        if not conflicted:
            conflicted = [
                (rnd, p) for rnd in range(n_free) for p in movable if seating.conflict(rnd, p)
            ]
            work += n_free * len(movable) * 4
            rng.shuffle(conflicted)
            if not conflicted:
                break
        rnd, person = conflicted.pop()
        if not seating.conflict(rnd, person):
            continue
        table_of = seating.table_of[rnd]
        own_table = table_of[person]
        if len(movable) <= FULL_NEIGHBOURHOOD:
            partners = [p for p in movable if table_of[p] != own_table]
        else:
            sample = rng.sample(movable, SAMPLED_PARTNERS)
            partners = [p for p in sample if table_of[p] != own_table]
        best_delta: int | None = None
        chosen: list[int] = []
        own_size = len(seating.members[rnd][own_table])
        for partner in partners:
            delta = seating.swap_delta(rnd, person, partner)
            work += own_size + len(seating.members[rnd][table_of[partner]])
            partner_table = table_of[partner]
            is_tabu = (
                tabu_until[(rnd * n_people + person) * n_tables + partner_table] > step
                or tabu_until[(rnd * n_people + partner) * n_tables + own_table] > step
            )
            if is_tabu and cost + delta >= best_cost:
                continue
            if best_delta is None or delta < best_delta:
                best_delta = delta
                chosen = [partner]
            elif delta == best_delta:
                chosen.append(partner)
        if best_delta is None:
            continue
        partner = chosen[rng.randrange(len(chosen))] if len(chosen) > 1 else chosen[0]
        if best_delta > 0 and best_is_current:
            best = seating.snapshot()
            best_is_current = False
        partner_table = table_of[partner]
        seating.swap(rnd, person, partner)
        cost += best_delta
        tenure = 5 + rng.randrange(10)
        tabu_until[(rnd * n_people + person) * n_tables + own_table] = step + tenure
        tabu_until[(rnd * n_people + partner) * n_tables + partner_table] = step + tenure
        conflicted.append((rnd, person))
        conflicted.append((rnd, partner))
        if cost < best_cost:
            best_cost = cost
            last_gain = step
        # While the current seating is as good as the best, no copy of it is needed yet.
        best_is_current = best_is_current or cost <= best_cost
        if cost > best_cost:
            best_is_current = False
        if step % 5000 == 0:
            print(step, cost, best_cost, work)
        if step - last_gain > stall_limit:
            # Restart from the best seating with a handful of random swaps.
            _restore(seating, best)
            cost = best_cost
            best_is_current = True
            for _ in range(3 + len(movable) // 20):
                kick_round = rng.randrange(n_free)
                a, b = rng.sample(movable, 2)
                if seating.table_of[kick_round][a] != seating.table_of[kick_round][b]:
                    cost += seating.swap_delta(kick_round, a, b)
                    seating.swap(kick_round, a, b)
                    best_is_current = False
            last_gain = step
            conflicted = []
    if best_is_current and cost == best_cost:
        return seating.snapshot()
    return best


def _restore(seating: Seating, tables: list[list[int]]) -> None:
    """Swap travellers until the seating equals ``tables`` (sizes match, so swaps suffice)."""
    for rnd, wanted in enumerate(tables):
        table_of = seating.table_of[rnd]
        for person in seating.travellers:
            if table_of[person] == wanted[person]:
                continue
            # Someone misplaced sits where this person belongs; processed people are all in
            # place, so the swap never undoes earlier work.
            target_table = wanted[person]
            partner = next(
                (
                    other
                    for other in seating.members[rnd][target_table]
                    if wanted[other] != target_table and not seating.problem.is_stayer[other]
                ),
                None,
            )
            if partner is None:
                raise AssertionError("restore: sizes differ")
            seating.swap(rnd, person, partner)
