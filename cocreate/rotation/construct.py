"""Algebraic starting seatings.

With G tables numbered as the elements of a finite field GF(G) (G a prime or prime power), the
traveller with home h and step d sits at table h + k*d in middle round k (k nonzero). Two
travellers of one home with different steps never meet again, two with one step never meet at
all, any other two meet at most once, a stayer meets each traveller at most once, and nobody
sits at a table twice for k = 1..G-1. If every home hands out the same steps the tables stay
balanced. One more round ("k = infinity") seats travellers of equal step together: they have
never met. For golfers this gives e.g. 8 groups of 4 for 9 rounds with no pair meeting twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product


@dataclass(frozen=True)
class FiniteField:
    """GF(p**k) on the integers 0..q-1 (base-p digits are polynomial coefficients)."""

    prime: int
    size: int
    log: tuple[int, ...]  # log[x] for x != 0, base a primitive element
    exp: tuple[int, ...]  # exp[i] = primitive**i, i in 0..q-2

    def add(self, a: int, b: int) -> int:
        p = self.prime
        total, place = 0, 1
        while a or b:
            total += ((a % p + b % p) % p) * place
            a, b, place = a // p, b // p, place * p
        return total

    def mul(self, a: int, b: int) -> int:
        if a == 0 or b == 0:
            return 0
        return self.exp[(self.log[a] + self.log[b]) % (self.size - 1)]


def prime_power(n: int) -> tuple[int, int] | None:
    """(p, k) with p**k == n, or None."""
    if n < 2:
        return None
    for p in range(2, n + 1):
        if n % p == 0:
            k, rest = 0, n
            while rest % p == 0:
                rest //= p
                k += 1
            return (p, k) if rest == 1 else None
    return None


def finite_field(size: int) -> FiniteField | None:
    found = prime_power(size)
    if found is None:
        return None
    p, k = found

    def poly_mul(a: Sequence[int], b: Sequence[int], modulus: Sequence[int]) -> list[int]:
        # Multiply coefficient lists (lowest first) and reduce by the monic modulus.
        out = [0] * (len(a) + len(b) - 1)
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                out[i + j] = (out[i + j] + x * y) % p
        for top in range(len(out) - 1, k - 1, -1):
            factor = out[top]
            if factor:
                for i, c in enumerate(modulus):
                    out[top - k + i] = (out[top - k + i] - factor * c) % p
        return out[:k] + [0] * (k - len(out[:k]))

    def to_int(coefficients: Sequence[int]) -> int:
        return sum(c * p**i for i, c in enumerate(coefficients))

    # Find a monic degree-k modulus under which x (or some element) generates all q-1 units.
    for tail in product(range(p), repeat=k):
        modulus = [*tail, 1]
        for generator in range(2 if size > 2 else 1, size):
            gen = [(generator // p**i) % p for i in range(k)]
            power = [1] + [0] * (k - 1)
            exp: list[int] = []
            for _ in range(size - 1):
                exp.append(to_int(power))
                power = poly_mul(power, gen, modulus)
            if len(set(exp)) == size - 1 and to_int(power) == 1:
                log = [0] * size
                for i, value in enumerate(exp):
                    log[value] = i
                return FiniteField(p, size, tuple(log), tuple(exp))
    return None


def field_rotation(
    homes: Sequence[int],
    is_stayer: Sequence[bool],
    n_tables: int,
    rounds: Sequence[int],
) -> list[list[int] | None] | None:
    """Proposed tables for everyone in each of the given rounds (1 = the first after round 0),
    None for rounds past the construction, or None when the tables are not a prime power."""
    field = finite_field(n_tables)
    if field is None:
        return None
    units = list(field.exp)  # nonzero elements; steps and round multipliers
    travellers_of: dict[int, list[int]] = {}
    for person, home in enumerate(homes):
        if not is_stayer[person]:
            travellers_of.setdefault(home, []).append(person)
    step_of: dict[int, int] = {}
    for people in travellers_of.values():
        for rank, person in enumerate(people):
            step_of[person] = units[rank % len(units)]
    proposal: list[list[int] | None] = []
    for rnd in (r - 1 for r in rounds):
        if rnd < len(units):
            multiplier = units[rnd]
            tables = [
                homes[p] if is_stayer[p] else field.add(homes[p], field.mul(multiplier, step_of[p]))
                for p in range(len(homes))
            ]
        else:
            tables = _same_step_round(homes, step_of, n_tables, rnd - len(units))
        # Past the k = infinity round the construction has nothing new: seat greedily.
        proposal.append(tables if rnd <= len(units) else None)
    return proposal


def _same_step_round(
    homes: Sequence[int],
    step_of: dict[int, int],
    n_tables: int,
    shift: int,
) -> list[int]:
    """Seat travellers of equal step side by side (they never met), in rotating table order."""
    travellers = sorted(step_of, key=lambda p: (step_of[p], homes[p], p))
    per_table = -(-len(travellers) // n_tables) if travellers else 1
    tables = list(homes)
    for rank, person in enumerate(travellers):
        tables[person] = (rank // per_table + shift) % n_tables
    return tables
