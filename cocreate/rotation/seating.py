"""Mutable seating of the free rounds with incremental pair-meeting and table-visit counts.

Everything is index based: participant ``i`` is ``problem.ids[i]``; free round ``r`` is
``problem.free_rounds[r]``. Only current participants are tracked: people who left cannot meet
anyone again, so their past meetings are a constant the search cannot change.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Sequence

from cocreate.rotation.problem import Problem
from cocreate.rotation.sizes import SizeLimits, size_limits, target_sizes

# Going back to a table (a topic) already visited is a hard rule of a World Café, not a trade:
# one revisit costs more than all repeated meetings together could, so the search never buys
# fewer repeats with a revisit. A revisit of a settled traveller costs more than all revisits
# of the travellers who changed (joined late or moved home), so a revisit one of those changes
# makes unavoidable falls on that person. A social-golfer mixer (no stayers, no return home)
# has no topics at its tables: there revisits cost nothing.
REPEAT_COST = 1
UNSEATED = -1


def has_topics(problem: Problem) -> bool:
    return problem.return_home or any(problem.is_stayer)


def settled_travellers(problem: Problem) -> list[bool]:
    """Travellers seated in every fixed round, at today's home in round 0: neither late
    joiners nor moved to another home table."""
    first = problem.fixed_rounds[0]
    return [
        not stays
        and first.get(pid) == home
        and all(pid in seating for seating in problem.fixed_rounds)
        for pid, home, stays in zip(problem.ids, problem.homes, problem.is_stayer, strict=True)
    ]


def revisit_weights(problem: Problem) -> list[int]:
    """The cost of one revisit, per participant (0 for stayers, who never travel)."""
    if not has_topics(problem):
        return [0] * problem.n_people
    n_free = len(problem.free_rounds)
    n_people = problem.n_people
    settled = settled_travellers(problem)
    n_changed = sum(1 for i in range(n_people) if not problem.is_stayer[i] and not settled[i])
    above_repeats = n_free * n_people * (n_people - 1) // 2 + 1
    above_changed = above_repeats * (n_free * n_changed + 1)
    return [
        0 if problem.is_stayer[i] else above_changed if settled[i] else above_repeats
        for i in range(n_people)
    ]


def _extra(count: int) -> int:
    """Repeats in a pair's count of meetings."""
    return count - 1 if count > 1 else 0


def _alone(count: int, step: int) -> int:
    """Repeats added by one more (step 1) or one fewer (step -1) meeting, alone."""
    return (count > 0) if step > 0 else -(count > 1)


class Seating:
    """Free rounds of a plan plus the meeting/visit counts of all counted rounds."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.revisit_weight = revisit_weights(problem)
        n_people = problem.n_people
        self.n_tables = problem.n_tables
        self.n_free = len(problem.free_rounds)
        self.travellers = [i for i in range(n_people) if not problem.is_stayer[i]]
        # meetings[i][j]: rounds in which i and j shared a table (counted rounds only).
        self.meetings = [array("H", bytes(2 * n_people)) for _ in range(n_people)]
        # visits[i][t]: counted placements at table t, home pre-counted as already visited.
        self.visits = [[0] * self.n_tables for _ in range(n_people)]
        # met[i]: everyone i has met so far (append-only, used while seating greedily).
        self.met: list[list[int]] = [[] for _ in range(n_people)]
        self.table_of = [[UNSEATED] * n_people for _ in range(self.n_free)]
        self.members: list[list[list[int]]] = [
            [[] for _ in range(self.n_tables)] for _ in range(self.n_free)
        ]
        self.limits: SizeLimits = size_limits(problem.stayer_counts, n_people)
        self._count_fixed_rounds()
        # Revisits the fixed rounds already hold (home counts as visited): out of the search's
        # reach.
        self.fixed_revisits = [sum(max(0, n - 1) for n in visits) for visits in self.visits]

    # -- setup -------------------------------------------------------------------------------

    def _count_fixed_rounds(self) -> None:
        problem = self.problem
        index = {pid: i for i, pid in enumerate(problem.ids)}
        counted = problem.fixed_rounds[: problem.n_counted_rounds]
        # Home counts as visited, except for someone whose first seat was at home (round 0, or
        # a late joiner's round of arrival): that seat is their visit (see count_revisits).
        first_seat: dict[str, int] = {}
        for seating in counted:
            for pid, table in seating.items():
                first_seat.setdefault(pid, table)
        for i, pid in enumerate(problem.ids):
            if first_seat.get(pid) != problem.homes[i]:
                self.visits[i][problem.homes[i]] += 1
        for seating in counted:
            tables: list[list[int]] = [[] for _ in range(self.n_tables)]
            for pid, table in seating.items():
                person = index.get(pid)
                if person is not None:
                    tables[table].append(person)
                    self.visits[person][table] += 1
            for group in tables:
                seated: list[int] = []
                for person in group:
                    self._meet_all(person, seated)
                    seated.append(person)

    def _meet_all(self, person: int, group: list[int]) -> None:
        """Count one more meeting of person with everyone in group."""
        row = self.meetings[person]
        meetings = self.meetings
        met = self.met
        own_met = met[person]
        for other in group:
            if row[other] == 0:
                own_met.append(other)
                met[other].append(person)
            row[other] += 1
            meetings[other][person] += 1

    # -- seating -------------------------------------------------------------------------------

    def seat(self, rnd: int, person: int, table: int) -> None:
        group = self.members[rnd][table]
        self._meet_all(person, group)
        group.append(person)
        self.table_of[rnd][person] = table
        self.visits[person][table] += 1

    def seat_round(self, rnd: int, rng: random.Random) -> None:
        """Seat stayers at home and travellers one by one, in random order, at the table with
        room where they meet the fewest people again (a table not sat at yet first)."""
        problem = self.problem
        room = target_sizes(self.limits, problem.n_people, rotation=rnd * 7 + 3)
        for person in range(problem.n_people):
            if problem.is_stayer[person]:
                self.seat(rnd, person, problem.homes[person])
                room[problem.homes[person]] -= 1
        left = list(self.travellers)
        rng.shuffle(left)
        table_of = self.table_of[rnd]
        for person in left:
            clashes = [0] * self.n_tables
            for other in self.met[person]:
                table = table_of[other]
                if table >= 0:
                    clashes[table] += 1
            visits = self.visits[person]
            weight = self.revisit_weight[person]
            best = min(
                (t for t in range(self.n_tables) if room[t] > 0),
                key=lambda t: (
                    REPEAT_COST * clashes[t] + weight * (visits[t] > 0),
                    -room[t],
                    t,
                ),
            )
            self.seat(rnd, person, best)
            room[best] -= 1

    def seat_given(self, rnd: int, tables: Sequence[int]) -> None:
        """Seat a round exactly as given, balanced or not."""
        for person, table in enumerate(tables):
            self.seat(rnd, person, table)

    # -- moves ---------------------------------------------------------------------------------

    def swap_delta(self, rnd: int, a: int, b: int) -> int:
        """Cost change of exchanging the tables of a and b (at different tables) in a round."""
        table_a = self.table_of[rnd][a]
        table_b = self.table_of[rnd][b]
        delta = REPEAT_COST * self._swap_repeats(rnd, a, b)
        visits_a = self.visits[a]
        visits_b = self.visits[b]
        delta += self.revisit_weight[a] * ((visits_a[table_b] > 0) - (visits_a[table_a] > 1))
        delta += self.revisit_weight[b] * ((visits_b[table_a] > 0) - (visits_b[table_b] > 1))
        return delta

    def _swap_repeats(self, rnd: int, a: int, b: int) -> int:
        row_a = self.meetings[a]
        row_b = self.meetings[b]
        delta = 0
        for other in self.members[rnd][self.table_of[rnd][a]]:
            if other != a:
                delta += (row_b[other] > 0) - (row_a[other] > 1)
        for other in self.members[rnd][self.table_of[rnd][b]]:
            if other != b:
                delta += (row_a[other] > 0) - (row_b[other] > 1)
        return delta

    def pair_exchange_delta(self, rnd: int, other: int, a: int, b: int) -> int:
        """Cost change of a and b swapping tables in both rounds, where each sits in one round
        where the other sits in the other round (visits stay). The two swaps' deltas add up,
        except for people at a's or b's table in both rounds, whose count with a (and b)
        changes twice: those are recounted."""
        delta = self._swap_repeats(rnd, a, b) + self._swap_repeats(other, a, b)
        table_a = self.table_of[rnd][a]
        table_b = self.table_of[rnd][b]
        there = self.table_of[other]
        row_a = self.meetings[a]
        row_b = self.meetings[b]
        for here_step, table in ((-1, table_a), (1, table_b)):  # a leaves table_a, joins table_b
            for person in self.members[rnd][table]:
                away = there[person]
                if person in (a, b) or away not in (table_a, table_b):
                    continue
                there_step = 1 if away == table_a else -1  # in the other round a joins table_a
                for count, sign in ((row_a[person], 1), (row_b[person], -1)):
                    first, second = sign * here_step, sign * there_step
                    counted = _alone(count, first) + _alone(count, second)
                    delta += _extra(count + first + second) - _extra(count) - counted
        return REPEAT_COST * delta

    def can_move(self, rnd: int, person: int, table: int) -> bool:
        """Whether moving person to table keeps both tables within the balanced sizes."""
        own = self.table_of[rnd][person]
        return (
            own != table
            and len(self.members[rnd][own]) > self.limits.low[own]
            and len(self.members[rnd][table]) < self.limits.high
        )

    def move_delta(self, rnd: int, person: int, table: int) -> int:
        own = self.table_of[rnd][person]
        row = self.meetings[person]
        delta = sum(row[other] > 0 for other in self.members[rnd][table])
        delta -= sum(row[other] > 1 for other in self.members[rnd][own] if other != person)
        visits = self.visits[person]
        weight = self.revisit_weight[person]
        return REPEAT_COST * delta + weight * ((visits[table] > 0) - (visits[own] > 1))

    def move(self, rnd: int, person: int, table: int) -> None:
        self._unseat(rnd, person, self.table_of[rnd][person])
        self._reseat(rnd, person, table)

    def swap(self, rnd: int, a: int, b: int) -> None:
        table_a = self.table_of[rnd][a]
        table_b = self.table_of[rnd][b]
        self._unseat(rnd, a, table_a)
        self._unseat(rnd, b, table_b)
        self._reseat(rnd, a, table_b)
        self._reseat(rnd, b, table_a)

    def exchange_chain(
        self, rng: random.Random, rnd: int, other: int, person: int, longest: int
    ) -> list[int]:
        """Travellers who can exchange their ``rnd`` and ``other`` tables together, starting
        with person: each sits in ``rnd`` at the previous one's ``other``-round table, and the
        last one's ``other``-round table is person's ``rnd``-round table (a closed chain keeps
        every size), or has room for one more in ``rnd`` where person's has one to spare (an
        open one, on uneven tables). Empty if none turns up within ``longest`` travellers."""
        here = self.table_of[rnd]
        there = self.table_of[other]
        start = here[person]
        low = self.limits.low
        high = self.limits.high
        sizes_here = self.members[rnd]
        sizes_there = self.members[other]
        spare = len(sizes_here[start]) > low[start] and len(sizes_there[start]) < high
        chain = [person]
        table = there[person]
        if table == start:
            return []
        while table != start:
            if spare and len(sizes_here[table]) < high and len(sizes_there[table]) > low[table]:
                return chain
            if len(chain) == longest:
                return []
            onward = [p for p in sizes_here[table] if there[p] != table and p not in chain]
            if not onward:
                return []
            closing = [p for p in onward if there[p] == start]
            choices = closing or onward
            successor = choices[int(rng.random() * len(choices))]
            chain.append(successor)
            table = there[successor]
        return chain

    def exchange(self, rnd: int, other: int, person: int) -> int:
        """Swap person's tables of two rounds (visits stay); return the cost change."""
        own = self.table_of[rnd][person]
        away = self.table_of[other][person]
        return self._shift(rnd, person, away) + self._shift(other, person, own)

    def _shift(self, rnd: int, person: int, table: int) -> int:
        """Move person to table (sizes unchecked) and return the cost change, in one pass."""
        own = self.table_of[rnd][person]
        row = self.meetings[person]
        meetings = self.meetings
        delta = 0
        group = self.members[rnd][own]
        group.remove(person)
        for other in group:
            delta -= row[other] > 1
            row[other] -= 1
            meetings[other][person] -= 1
        group = self.members[rnd][table]
        for other in group:
            delta += row[other] > 0
            row[other] += 1
            meetings[other][person] += 1
        group.append(person)
        self.table_of[rnd][person] = table
        visits = self.visits[person]
        revisits = (visits[table] > 0) - (visits[own] > 1)
        visits[own] -= 1
        visits[table] += 1
        return REPEAT_COST * delta + self.revisit_weight[person] * revisits

    def restore(self, tables: Sequence[Sequence[int]]) -> None:
        """Go back to an earlier snapshot."""
        for rnd, round_tables in enumerate(tables):
            table_of = self.table_of[rnd]
            moved = [p for p, table in enumerate(round_tables) if table_of[p] != table]
            for person in moved:
                self._unseat(rnd, person, table_of[person])
            for person in moved:
                self._reseat(rnd, person, round_tables[person])

    def _reseat(self, rnd: int, person: int, table: int) -> None:
        # Like seat() but leaves the append-only met lists alone (they only serve seat_round).
        group = self.members[rnd][table]
        row = self.meetings[person]
        meetings = self.meetings
        for other in group:
            row[other] += 1
            meetings[other][person] += 1
        group.append(person)
        self.table_of[rnd][person] = table
        self.visits[person][table] += 1

    def _unseat(self, rnd: int, person: int, table: int) -> None:
        group = self.members[rnd][table]
        group.remove(person)
        row = self.meetings[person]
        for other in group:
            row[other] -= 1
            self.meetings[other][person] -= 1
        self.table_of[rnd][person] = UNSEATED
        self.visits[person][table] -= 1

    # -- measures ------------------------------------------------------------------------------

    def conflict(self, rnd: int, person: int) -> int:
        """Cost this person's seat in this round takes part in."""
        table = self.table_of[rnd][person]
        row = self.meetings[person]
        repeats = sum(1 for other in self.members[rnd][table] if row[other] > 1)
        revisit = self.visits[person][table] > 1
        return REPEAT_COST * repeats + self.revisit_weight[person] * revisit

    def snapshot(self) -> list[list[int]]:
        return [list(tables) for tables in self.table_of]
