"""Validation of a planning request and its index-based, normalised form.

Participants are addressed by their position in the sorted id list, so nothing downstream
depends on the iteration order of dicts or hash-randomised sets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Round = dict[str, int]


@dataclass(frozen=True)
class Problem:
    """A validated request; participant ``i`` is ``ids[i]``."""

    ids: tuple[str, ...]
    homes: tuple[int, ...]
    is_stayer: tuple[bool, ...]
    n_tables: int
    n_rounds: int
    return_home: bool
    # Seatings fixed by the input: the played rounds, or just round 0 at home.
    fixed_rounds: tuple[Round, ...]

    @property
    def n_people(self) -> int:
        return len(self.ids)

    @property
    def n_counted_rounds(self) -> int:
        """Rounds whose meetings and visits count; the final home round does not."""
        return counted_round_count(self.n_rounds, self.return_home)

    @property
    def generates_final_home_round(self) -> bool:
        return self.return_home and self.n_rounds >= 2 and len(self.fixed_rounds) < self.n_rounds

    @property
    def free_rounds(self) -> range:
        """Indices of the rounds the planner is free to seat."""
        end = self.n_rounds - 1 if self.generates_final_home_round else self.n_rounds
        return range(len(self.fixed_rounds), end)

    @property
    def stayer_counts(self) -> list[int]:
        counts = [0] * self.n_tables
        for home, stays in zip(self.homes, self.is_stayer, strict=True):
            if stays:
                counts[home] += 1
        return counts

    def home_round(self) -> Round:
        return dict(zip(self.ids, self.homes, strict=True))


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


def counted_round_count(n_rounds: int, return_home: bool) -> int:
    return n_rounds - 1 if return_home and n_rounds >= 2 else n_rounds


def _check_table(value: object, n_tables: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an int table number, got {value!r}")
    if not 0 <= value < n_tables:
        raise ValueError(f"{what} is {value}, outside the tables 0..{n_tables - 1}")
    return value


def _check_count(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def validate(
    homes: Mapping[str, int],
    n_tables: int,
    n_rounds: int,
    *,
    stayers: Iterable[str],
    return_home: bool,
    played: Sequence[Mapping[str, int]],
    time_budget: float,
) -> Problem:
    """Check the request and normalise it; raise ValueError with a clear message if impossible."""
    n_tables = _check_count(n_tables, "n_tables", 1)
    n_rounds = _check_count(n_rounds, "n_rounds", 1)
    if not isinstance(homes, Mapping):
        raise ValueError("homes must be a mapping of participant id to home table")
    for pid, home in homes.items():
        if not isinstance(pid, str):
            raise ValueError(f"participant ids must be strings, got {pid!r}")
        _check_table(home, n_tables, f"home table of {pid!r}")
    if isinstance(stayers, str):
        raise ValueError("stayers must be a collection of ids, not a single string")
    stayer_set = set(stayers)
    unknown = sorted(str(pid) for pid in stayer_set if pid not in homes)
    if unknown:
        raise ValueError(f"stayers not in homes: {', '.join(unknown)}")
    if isinstance(played, Mapping | str):
        raise ValueError("played must be a list of rounds, each a mapping of id to table")
    if len(played) > n_rounds:
        raise ValueError(f"{len(played)} played rounds but only n_rounds={n_rounds}")
    for index, seating in enumerate(played):
        if not isinstance(seating, Mapping):
            raise ValueError(f"played round {index} must be a mapping of id to table")
        for pid, table in seating.items():
            if not isinstance(pid, str):
                raise ValueError(f"played round {index}: ids must be strings, got {pid!r}")
            _check_table(table, n_tables, f"played round {index}: table of {pid!r}")
    if isinstance(time_budget, bool) or not isinstance(time_budget, int | float):
        raise ValueError(f"time_budget must be a number of seconds, got {time_budget!r}")
    if math.isnan(time_budget) or time_budget < 0:
        raise ValueError(f"time_budget must be >= 0 seconds, got {time_budget!r}")

    ids = tuple(sorted(homes))
    fixed = tuple(dict(seating) for seating in played)
    if not fixed:
        fixed = ({pid: homes[pid] for pid in ids},)
    return Problem(
        ids=ids,
        homes=tuple(homes[pid] for pid in ids),
        is_stayer=tuple(pid in stayer_set for pid in ids),
        n_tables=n_tables,
        n_rounds=n_rounds,
        return_home=bool(return_home),
        fixed_rounds=fixed,
    )
