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

    built.model.Minimize(built.revisits)
    solver.parameters.max_time_in_seconds = time_limit / 2
    status = solver.Solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"no plan found for the revisits within {time_limit / 2} s")
    revisits = round(solver.ObjectiveValue())
    revisits_proven = status == cp_model.OPTIMAL
    _keep_solution_as_hint(built, solver)

    built.model.Add(built.revisits == revisits)
    built.model.Minimize(built.repeats)
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.monotonic() - started))
    status = solver.Solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("the repeats phase lost the revisits phase's plan")
    plan = _plan(built, solver)
    repeats = round(solver.ObjectiveValue())
    bound = repeats if status == cp_model.OPTIMAL else math.ceil(solver.BestObjectiveBound() - 1e-6)

    # The model must count exactly as score_plan does; a mismatch is a bug in this file.
    score = score_plan(plan, homes, stayer_set, return_home, n_tables=n_tables)
    if (score.revisits, score.repeat_pairs) != (revisits, repeats):
        raise AssertionError(
            f"model counts {revisits} revisits, {repeats} repeats; score_plan "
            f"{score.revisits}, {score.repeat_pairs}"
        )
    return ExactResult(
        revisits=revisits,
        revisits_proven=revisits_proven,
        repeats=repeats,
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
            i: [model.NewBoolVar(f"r{rnd}p{i}t{t}") for t in range(n_tables)] for i in travellers
        }
        for row in tables.values():
            model.AddExactlyOne(row)
        for t in range(n_tables):
            travelling = sum(tables[i][t] for i in travellers)
            model.AddLinearConstraint(
                travelling, limits.low[t] - stayer_counts[t], limits.high - stayer_counts[t]
            )
        seat.append(tables)
    _break_home_symmetry(model, problem, travellers, seat)

    # Round 0 (everyone at home) is the one counted fixed round: home-mates have met once.
    repeat_terms: list[cp_model.LinearExprT] = []
    constant = 0
    for a, b in combinations(range(problem.n_people), 2):
        met_before = int(homes[a] == homes[b])
        meetings = _free_meetings(model, problem, seat, a, b)
        if meetings is None:  # two stayers: they meet in every free round, or never
            together = n_free if homes[a] == homes[b] else 0
            constant += max(0, met_before + together - 1)
        elif met_before:
            repeat_terms.append(sum(meetings))
        elif len(meetings) > 1:
            extra = model.NewIntVar(0, len(meetings) - 1, f"rep{a}_{b}")
            model.Add(extra >= sum(meetings) - 1)
            repeat_terms.append(extra)

    revisit_terms: list[cp_model.LinearExprT] = []
    for i in travellers:
        for t in range(n_tables):
            placements = sum(seat[rnd][i][t] for rnd in range(n_free))
            if t == homes[i]:  # home counts as visited from the start
                revisit_terms.append(placements)
            elif n_free > 1:
                extra = model.NewIntVar(0, n_free - 1, f"rev{i}_{t}")
                model.Add(extra >= placements - 1)
                revisit_terms.append(extra)
    return _Model(
        model=model,
        problem=problem,
        travellers=travellers,
        seat=seat,
        revisits=sum(revisit_terms),  # type: ignore[arg-type]
        repeats=constant + sum(repeat_terms),  # type: ignore[arg-type]
    )


def _free_meetings(
    model: cp_model.CpModel,
    problem: Problem,
    seat: list[dict[int, list[cp_model.IntVar]]],
    a: int,
    b: int,
) -> list[cp_model.IntVar] | None:
    """One literal per free round, true if a and b share a table then; None for two stayers.
    For two travellers the literal is only forced up (clauses); the objective keeps it down."""
    a_stays, b_stays = problem.is_stayer[a], problem.is_stayer[b]
    if a_stays and b_stays:
        return None
    if a_stays or b_stays:
        stayer, traveller = (a, b) if a_stays else (b, a)
        return [tables[traveller][problem.homes[stayer]] for tables in seat]
    meetings = []
    for rnd, tables in enumerate(seat):
        meet = model.NewBoolVar(f"meet{rnd}_{a}_{b}")
        for at_a, at_b in zip(tables[a], tables[b], strict=True):
            model.AddBoolOr([at_a.Not(), at_b.Not(), meet])
        meetings.append(meet)
    return meetings


def _home_groups(problem: Problem, travellers: Sequence[int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for i in travellers:
        groups.setdefault(problem.homes[i], []).append(i)
    return list(groups.values())


def _break_home_symmetry(
    model: cp_model.CpModel,
    problem: Problem,
    travellers: Sequence[int],
    seat: list[dict[int, list[cp_model.IntVar]]],
) -> None:
    """Travellers of one home are interchangeable: order them by their first free round's table
    (any plan becomes such a plan by renaming them), so the solver explores one of each."""
    if not seat:
        return
    first = seat[0]
    for group in _home_groups(problem, travellers):
        for a, b in pairwise(group):
            model.Add(
                sum(t * v for t, v in enumerate(first[a]))
                <= sum(t * v for t, v in enumerate(first[b]))
            )


def _add_hint(built: _Model, plan: Sequence[Mapping[str, int]]) -> None:
    """Start from a plan, renamed within each home to match the symmetry breaking."""
    problem = built.problem
    free = list(problem.free_rounds)
    if not free:
        return
    tables_of = {i: [plan[r][problem.ids[i]] for r in free] for i in built.travellers}
    for group in _home_groups(problem, built.travellers):
        sequences = sorted(tables_of[i] for i in group)
        for i, sequence in zip(group, sequences, strict=True):
            for rnd, table in enumerate(sequence):
                for t, var in enumerate(built.seat[rnd][i]):
                    built.model.AddHint(var, t == table)


def _keep_solution_as_hint(built: _Model, solver: cp_model.CpSolver) -> None:
    built.model.ClearHints()
    for tables in built.seat:
        for row in tables.values():
            for var in row:
                built.model.AddHint(var, solver.BooleanValue(var))


def _plan(built: _Model, solver: cp_model.CpSolver) -> list[dict[str, int]]:
    problem = built.problem
    rounds = [dict(seating) for seating in problem.fixed_rounds]
    for tables in built.seat:
        seating = problem.home_round()
        for i, row in tables.items():
            seating[problem.ids[i]] = next(
                t for t, var in enumerate(row) if solver.BooleanValue(var)
            )
        rounds.append(seating)
    if problem.generates_final_home_round:
        rounds.append(problem.home_round())
    return rounds
