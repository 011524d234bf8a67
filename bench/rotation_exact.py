"""The exact optimum of a small rotation instance, with OR-Tools CP-SAT (a bench-only dependency).

The model is the planner's problem, stated directly: stayers at home in every free round, every
traveller at one table per round, table sizes within the planner's balance rule
(``cocreate.rotation.sizes.size_limits``), everyone at home in round 0 and, with ``return_home``,
in the last round (which is not counted). Repeats and revisits are counted as ``score_plan``
counts them. The objective is lexicographic: the fewest revisits first, then, with exactly that
many revisits, the fewest repeated meetings. Each phase has half of the time limit; when the
solver runs out of time the result carries the best plan found and the solver's proven bound.

Only the planner's inputs without played rounds are modelled: round 0 is everyone at home.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from ortools.sat.python import cp_model

from cocreate.rotation import score_plan
from cocreate.rotation.problem import Problem, validate
from cocreate.rotation.sizes import size_limits


@dataclass(frozen=True)
class ExactResult:
    revisits: int  # fewest revisits of the best plan found (proven when revisits_proven)
    revisits_proven: bool
    repeats: int  # repeats of the best plan found with those revisits
    repeats_bound: int  # no plan with those revisits has fewer repeats (the solver's proof)
    plan: list[dict[str, int]]
    seconds: float

    @property
    def optimal(self) -> bool:
        return self.revisits_proven and self.repeats == self.repeats_bound


@dataclass
class _Model:
    """The CP-SAT model and the variables the two phases and the plan read back."""

    model: cp_model.CpModel
    problem: Problem
    travellers: list[int]
    seat: list[dict[int, list[cp_model.IntVar]]]  # seat[free round][traveller][table]
    revisits: cp_model.LinearExpr
    repeats: cp_model.LinearExpr


def solve_exact(
    homes: Mapping[str, int],
    n_tables: int,
    n_rounds: int,
    *,
    stayers: Iterable[str] = (),
    return_home: bool = True,
    time_limit: float = 10.0,
    hint: Sequence[Mapping[str, int]] | None = None,
    workers: int = 2,
) -> ExactResult:
    """Solve one instance; ``hint`` (a plan, e.g. the planner's) is where the solver starts."""
    started = time.monotonic()
    stayer_set = frozenset(stayers)
    problem = validate(
        homes,
        n_tables,
        n_rounds,
        stayers=stayer_set,
        return_home=return_home,
        played=(),
        time_budget=0.0,
    )
    built = _build(problem)
    if hint is not None:
        _add_hint(built, hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0

    built.model.minimize(built.revisits)
    solver.parameters.max_time_in_seconds = time_limit / 2
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"no plan found for the revisits within {time_limit / 2} s")
    revisits = round(solver.objective_value)
    revisits_proven = status == cp_model.OPTIMAL
    plan = _plan(built, solver)
    hint_revisits = None
    if hint is not None:
        hint_revisits = score_plan(hint, homes, stayer_set, return_home, n_tables=n_tables).revisits
    if hint_revisits != revisits:  # else the hint, likely with fewer repeats, stays
        _keep_solution_as_hint(built, solver)

    built.model.add(built.revisits == revisits)
    built.model.minimize(built.repeats)
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.monotonic() - started))
    status = solver.solve(built.model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found:
        plan = _plan(built, solver)
    score = score_plan(plan, homes, stayer_set, return_home, n_tables=n_tables)
    # Meeting and revisit literals are only forced up, so the model may overstate a plan's
    # counts, never understate them; at an optimum they agree. Anything else is a bug here.
    overstated = found and score.repeat_pairs > round(solver.objective_value)
    if score.revisits > revisits or overstated:
        raise AssertionError(f"the model counts less than score_plan: {score}")
    if status == cp_model.OPTIMAL and score.repeat_pairs != round(solver.objective_value):
        raise AssertionError(f"the optimum is not what score_plan counts: {score}")
    bound = max(0, math.ceil(solver.best_objective_bound - 1e-6))
    return ExactResult(
        revisits=score.revisits,
        revisits_proven=revisits_proven,
        repeats=score.repeat_pairs,
        repeats_bound=bound,
        plan=plan,
        seconds=time.monotonic() - started,
    )


def _build(problem: Problem) -> _Model:
    model = cp_model.CpModel()
    n_tables = problem.n_tables
    homes = problem.homes
    travellers = [i for i in range(problem.n_people) if not problem.is_stayer[i]]
    stayer_counts = problem.stayer_counts
    limits = size_limits(stayer_counts, problem.n_people)
    n_free = len(problem.free_rounds)

    seat: list[dict[int, list[cp_model.IntVar]]] = []
    for rnd in range(n_free):
        tables = {
            i: [model.new_bool_var(f"r{rnd}p{i}t{t}") for t in range(n_tables)] for i in travellers
        }
        for row in tables.values():
            model.add_exactly_one(row)
        for t in range(n_tables):
            travelling = sum(tables[i][t] for i in travellers)
            model.add_linear_constraint(
                travelling, limits.low[t] - stayer_counts[t], limits.high - stayer_counts[t]
            )
        seat.append(tables)
    _break_symmetry(model, problem, travellers, seat)

    # Round 0 (everyone at home) is the one counted fixed round: home-mates have met once.
    repeat_terms: list[cp_model.LinearExprT] = []
    constant = 0
    travellers_together = _traveller_meetings(model, problem, seat)
    _count_pairs_per_table(model, problem, seat, travellers_together)
    for a, b in combinations(range(problem.n_people), 2):
        met_before = int(homes[a] == homes[b])
        if problem.is_stayer[a] and problem.is_stayer[b]:
            # Two stayers meet in every free round, or never.
            together = n_free if homes[a] == homes[b] else 0
            constant += max(0, met_before + together - 1)
            continue
        if problem.is_stayer[a] or problem.is_stayer[b]:
            stayer, traveller = (a, b) if problem.is_stayer[a] else (b, a)
            meetings: Sequence[cp_model.IntVar] = [
                tables[traveller][homes[stayer]] for tables in seat
            ]
        else:
            meetings = travellers_together[a, b] if seat else []
        if met_before:
            repeat_terms.append(sum(meetings))
        elif len(meetings) > 1:
            extra = model.new_int_var(0, len(meetings) - 1, f"rep{a}_{b}")
            model.add(extra >= sum(meetings) - 1)
            repeat_terms.append(extra)

    revisit_terms: list[cp_model.LinearExprT] = []
    for i in travellers:
        for t in range(n_tables):
            placements = sum(seat[rnd][i][t] for rnd in range(n_free))
            if t == homes[i]:  # home counts as visited from the start
                revisit_terms.append(placements)
            elif n_free > 1:
                extra = model.new_int_var(0, n_free - 1, f"rev{i}_{t}")
                model.add(extra >= placements - 1)
                revisit_terms.append(extra)
    return _Model(
        model=model,
        problem=problem,
        travellers=travellers,
        seat=seat,
        revisits=sum(revisit_terms),  # type: ignore[arg-type]
        repeats=constant + sum(repeat_terms),  # type: ignore[arg-type]
    )


def _traveller_meetings(
    model: cp_model.CpModel, problem: Problem, seat: list[dict[int, list[cp_model.IntVar]]]
) -> dict[tuple[int, int], list[cp_model.IntVar]]:
    """For two travellers, one literal per free round, true if they share a table then. It is
    only forced up (by clauses); the objective keeps it down. (Also stating that a traveller
    meets as many travellers as sit at its table, less one, made the solver slower.)"""
    travellers = sorted(seat[0]) if seat else []
    meetings: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for a, b in combinations(travellers, 2):
        meetings[a, b] = []
        for rnd, tables in enumerate(seat):
            meet = model.new_bool_var(f"meet{rnd}_{a}_{b}")
            for at_a, at_b in zip(tables[a], tables[b], strict=True):
                model.add_bool_or([at_a.negated(), at_b.negated(), meet])
            meetings[a, b].append(meet)
    return meetings


def _count_pairs_per_table(
    model: cp_model.CpModel,
    problem: Problem,
    seat: list[dict[int, list[cp_model.IntVar]]],
    meetings: dict[tuple[int, int], list[cp_model.IntVar]],
) -> None:
    """Redundant: n people of a group at one table are C(n, 2) pairs of the group that meet.
    Stated for each home's travellers (they all met in round 0) and for all travellers, with
    C(n, 2) >= a*n - a*(a+1)/2 for every a, so the linear relaxation counts the pairs too."""
    travellers = sorted(seat[0]) if seat else []
    groups = [*_home_groups(problem, travellers), travellers]
    for rnd, tables in enumerate(seat):
        for group in groups:
            if len(group) < 2:
                continue
            together = []
            for t in range(problem.n_tables):
                here = sum(tables[i][t] for i in group)
                pairs = model.new_int_var(0, len(group) * (len(group) - 1) // 2, "")
                for a in range(1, len(group)):
                    model.add(pairs >= a * here - a * (a + 1) // 2)
                together.append(pairs)
            model.add(sum(meetings[a, b][rnd] for a, b in combinations(group, 2)) >= sum(together))


def _home_groups(problem: Problem, travellers: Sequence[int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for i in travellers:
        groups.setdefault(problem.homes[i], []).append(i)
    return list(groups.values())


def _break_symmetry(
    model: cp_model.CpModel,
    problem: Problem,
    travellers: Sequence[int],
    seat: list[dict[int, list[cp_model.IntVar]]],
) -> None:
    """The free rounds are interchangeable, and so are the travellers of one home. Read the plan
    as a matrix (a row per traveller: its table in each free round); sorting the rows of one
    home, or the columns, never makes the row-by-row reading larger, so alternating the two
    ends in a plan just as good whose rows within each home and whose columns are both in
    lexicographic order ("double lex"). The solver then explores one plan of each family."""
    if not seat:
        return
    table = {
        (rnd, i): sum(t * v for t, v in enumerate(tables[i]))
        for rnd, tables in enumerate(seat)
        for i in travellers
    }
    rounds = range(len(seat))
    for group in _home_groups(problem, travellers):
        for a, b in pairwise(group):
            _lex_less_equal(model, [table[r, a] for r in rounds], [table[r, b] for r in rounds])
    for r, s in pairwise(rounds):
        _lex_less_equal(model, [table[r, i] for i in travellers], [table[s, i] for i in travellers])


def _lex_less_equal(
    model: cp_model.CpModel, xs: Sequence[cp_model.LinearExprT], ys: Sequence[cp_model.LinearExprT]
) -> None:
    """xs <= ys lexicographically; prefix_equal[k] says the first k entries are equal."""
    prefix_equal: cp_model.IntVar | None = None  # None: the empty prefix, always equal
    for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
        condition = [] if prefix_equal is None else [prefix_equal]
        model.add(x <= y).only_enforce_if(condition)
        if k == len(xs) - 1:
            break
        longer = model.new_bool_var("")
        model.add(x == y).only_enforce_if(longer)
        if prefix_equal is not None:
            model.add_implication(longer, prefix_equal)
        model.add(x < y).only_enforce_if([*condition, longer.negated()])
        prefix_equal = longer


def _canonical(
    problem: Problem, travellers: Sequence[int], rows: list[list[int]]
) -> list[list[int]]:
    """The double-lex form of a plan's traveller x round matrix (see _break_symmetry)."""
    blocks = _home_groups(problem, travellers)
    position = {i: p for p, i in enumerate(travellers)}
    while True:
        before = [list(row) for row in rows]
        for group in blocks:
            places = [position[i] for i in group]
            for place, row in zip(places, sorted(rows[p] for p in places), strict=True):
                rows[place] = row
        columns = sorted(zip(*rows, strict=True))
        rows = [list(row) for row in zip(*columns, strict=True)] if columns else rows
        if rows == before:
            return rows


def _add_hint(built: _Model, plan: Sequence[Mapping[str, int]]) -> None:
    """Start from a plan, in the double-lex form the symmetry breaking allows."""
    problem = built.problem
    free = list(problem.free_rounds)
    if not free:
        return
    rows = [[plan[r][problem.ids[i]] for r in free] for i in built.travellers]
    for i, row in zip(built.travellers, _canonical(problem, built.travellers, rows), strict=True):
        for rnd, table in enumerate(row):
            for t, var in enumerate(built.seat[rnd][i]):
                built.model.add_hint(var, t == table)


def _keep_solution_as_hint(built: _Model, solver: cp_model.CpSolver) -> None:
    built.model.clear_hints()
    for tables in built.seat:
        for row in tables.values():
            for var in row:
                built.model.add_hint(var, solver.boolean_value(var))


def _plan(built: _Model, solver: cp_model.CpSolver) -> list[dict[str, int]]:
    problem = built.problem
    rounds = [dict(seating) for seating in problem.fixed_rounds]
    for tables in built.seat:
        seating = problem.home_round()
        for i, row in tables.items():
            seating[problem.ids[i]] = next(
                t for t, var in enumerate(row) if solver.boolean_value(var)
            )
        rounds.append(seating)
    if problem.generates_final_home_round:
        rounds.append(problem.home_round())
    return rounds
