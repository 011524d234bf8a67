"""Tally the closing vote of a workshop: Borda, Schulze, dot voting (points) and approval.

Pure functions only: nothing from the web framework, the database or the rest of the app
(an import-linter contract enforces this), so a ranking can be recomputed and audited from
the stored ballots alone.

Usage (a doctest: tests/unit/test_usage_examples.py runs it)::

    >>> result = tally("schulze", ["a", "b", "c"], [["b", "a"], ["c"]])
    >>> result.ranking  # tiers, best first; several ids in one tier tie
    [['b', 'c'], ['a']]
    >>> tally("borda", ["a", "b", "c"], [["b", "a", "c"], ["a", "b", "c"]]).scores  # 3, 2, 1
    {'a': 5.0, 'b': 5.0, 'c': 2.0}

Nothing is ever broken at random: within a tier candidates keep the order they were given in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from numbers import Integral
from operator import lt
from typing import Final, TypeVar

BORDA: Final = "borda"
SCHULZE: Final = "schulze"
POINTS: Final = "points"
APPROVAL: Final = "approval"
METHODS: Final = (BORDA, SCHULZE, POINTS, APPROVAL)
RANKING_METHODS: Final = frozenset({BORDA, SCHULZE})

# Which keyword-only limits each method understands.
_LIMITS_BY_METHOD: Final[dict[str, frozenset[str]]] = {
    BORDA: frozenset(),
    SCHULZE: frozenset(),
    POINTS: frozenset({"max_points", "max_per_item"}),
    APPROVAL: frozenset({"max_approvals"}),
}

Pair = tuple[str, str]
RankingBallot = Sequence[str]
PointsBallot = Mapping[str, int]
ApprovalBallot = Collection[str]
Ballot = RankingBallot | PointsBallot | ApprovalBallot
T = TypeVar("T")


@dataclass(frozen=True)
class TallyResult:
    """The outcome of one vote.

    ``pairwise[(a, b)]`` counts the ballots ranking ``a`` above ``b``; it holds every ordered
    pair of distinct candidates for Borda and Schulze and is empty for points and approval.
    """

    method: str
    ballot_count: int
    ranking: list[list[str]]
    scores: dict[str, float]
    pairwise: dict[Pair, int]


class InvalidBallot(ValueError):
    """A ballot breaks the rules of its voting method.

    Besides the English message, ``reason`` is a stable code and ``params`` holds the values
    the message was built from, so the app can show a translated message instead.
    ``ballot_index`` is set by :func:`tally` to the position of the offending ballot.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        candidate: object = None,
        **params: object,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.candidate = candidate
        self.params = params
        self.ballot_index: int | None = None


# --- Messages -------------------------------------------------------------------------------
# Every user-facing message is built here, one small function each, so they can be wrapped
# for translation in one place.


def _points_phrase(points: int) -> str:
    return "1 point" if points == 1 else f"{points} points"


def _not_a_ranking() -> InvalidBallot:
    return InvalidBallot(
        "A ranking ballot must be a list of candidate ids, most preferred first.",
        reason="not_a_ranking",
    )


def _not_a_points_ballot() -> InvalidBallot:
    return InvalidBallot(
        "A points ballot must map candidate ids to whole numbers of points.",
        reason="not_a_points_ballot",
    )


def _not_an_approval_ballot() -> InvalidBallot:
    return InvalidBallot(
        "An approval ballot must be a collection of candidate ids.",
        reason="not_an_approval_ballot",
    )


def _unknown_candidate(candidate: object) -> InvalidBallot:
    return InvalidBallot(
        f"{candidate!r} is not a candidate in this vote.",
        reason="unknown_candidate",
        candidate=candidate,
    )


def _repeated_candidate(candidate: str) -> InvalidBallot:
    return InvalidBallot(
        f"Candidate {candidate!r} appears more than once on the ballot.",
        reason="repeated_candidate",
        candidate=candidate,
    )


def _points_not_whole(candidate: str, points: object) -> InvalidBallot:
    return InvalidBallot(
        f"Candidate {candidate!r} was given {points!r} points; points must be whole numbers.",
        reason="points_not_whole",
        candidate=candidate,
        points=points,
    )


def _negative_points(candidate: str, points: int) -> InvalidBallot:
    return InvalidBallot(
        f"Candidate {candidate!r} was given {points} points; points cannot be negative.",
        reason="negative_points",
        candidate=candidate,
        points=points,
    )


def _too_many_points_for_one(candidate: str, points: int, limit: int) -> InvalidBallot:
    return InvalidBallot(
        f"Candidate {candidate!r} was given {_points_phrase(points)}, but at most "
        f"{_points_phrase(limit)} may go to one candidate.",
        reason="too_many_points_for_one",
        candidate=candidate,
        points=points,
        limit=limit,
    )


def _too_many_points(candidate: str, total: int, limit: int) -> InvalidBallot:
    return InvalidBallot(
        f"The ballot gives {_points_phrase(total)} in total, but at most "
        f"{_points_phrase(limit)} may be given; the points for {candidate!r} go over the limit.",
        reason="too_many_points",
        candidate=candidate,
        total=total,
        limit=limit,
    )


def _too_many_approvals(candidate: str, count: int, limit: int) -> InvalidBallot:
    return InvalidBallot(
        f"The ballot approves {count} candidates, but at most {limit} may be approved; "
        f"approving {candidate!r} goes over the limit.",
        reason="too_many_approvals",
        candidate=candidate,
        count=count,
        limit=limit,
    )


# --- Checking the vote's set-up (programming errors, not voter errors) ---------------------


def _check_method(method: str) -> None:
    if method not in _LIMITS_BY_METHOD:
        raise ValueError(f"Unknown voting method {method!r}; expected one of {', '.join(METHODS)}.")


def _check_limits(method: str, limits: Mapping[str, int | None]) -> None:
    for name, value in limits.items():
        if value is None:
            continue
        if name not in _LIMITS_BY_METHOD[method]:
            # A limit the method would silently ignore points to a misconfigured vote.
            raise ValueError(f"{name} does not apply to {method} voting.")
        if not _is_whole(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative whole number, not {value!r}.")


def _check_candidates(candidates: Sequence[str]) -> tuple[str, ...]:
    ids = tuple(candidates)
    for candidate in ids:
        if not isinstance(candidate, str):
            raise TypeError(f"Candidate ids must be strings, not {candidate!r}.")
    if len(set(ids)) != len(ids):
        repeated = next(c for c, n in Counter(ids).items() if n > 1)
        raise ValueError(f"Candidate {repeated!r} is listed more than once.")
    return ids


def _is_whole(value: object) -> bool:
    # bool is an Integral, but True is no number of points.
    return isinstance(value, Integral) and not isinstance(value, bool)


# --- Ballot validation: one implementation shared by validate_ballot and tally -------------


def _known(candidate: object, known: Collection[str]) -> str:
    if not isinstance(candidate, str) or candidate not in known:
        raise _unknown_candidate(candidate)
    return candidate


def _read_ranking(ballot: object, known: Collection[str]) -> tuple[str, ...]:
    # Sets and mappings have no reliable order of preference.
    if not isinstance(ballot, Sequence):
        raise _not_a_ranking()
    ranking: list[str] = []
    seen: set[str] = set()
    for item in ballot:
        candidate = _known(item, known)
        if candidate in seen:
            raise _repeated_candidate(candidate)
        seen.add(candidate)
        ranking.append(candidate)
    return tuple(ranking)


def _read_points(
    ballot: object,
    known: Collection[str],
    max_points: int | None,
    max_per_item: int | None,
) -> dict[str, int]:
    if not isinstance(ballot, Mapping):
        raise _not_a_points_ballot()
    points: dict[str, int] = {}
    for item, given in ballot.items():
        candidate = _known(item, known)
        if not _is_whole(given):
            raise _points_not_whole(candidate, given)
        amount = int(given)
        if amount < 0:
            raise _negative_points(candidate, amount)
        if max_per_item is not None and amount > max_per_item:
            raise _too_many_points_for_one(candidate, amount, max_per_item)
        points[candidate] = amount
    if max_points is not None:
        total = sum(points.values())
        running = 0
        for candidate, amount in points.items():
            running += amount
            if running > max_points:
                raise _too_many_points(candidate, total, max_points)
    return points


def _read_approvals(
    ballot: object, known: Collection[str], max_approvals: int | None
) -> tuple[str, ...]:
    # A mapping is most likely a points ballot sent to the wrong vote.
    if not isinstance(ballot, Collection) or isinstance(ballot, Mapping):
        raise _not_an_approval_ballot()
    approved = _read_ranking(list(ballot), known)
    if max_approvals is not None and len(approved) > max_approvals:
        raise _too_many_approvals(approved[max_approvals], len(approved), max_approvals)
    return approved


def validate_ballot(
    method: str,
    candidates: Sequence[str],
    ballot: Ballot,
    *,
    max_points: int | None = None,
    max_per_item: int | None = None,
    max_approvals: int | None = None,
) -> None:
    """Raise :class:`InvalidBallot` if ``ballot`` would be rejected by :func:`tally`.

    Takes the same limits as :func:`tally`; call it before storing a ballot.
    """
    _check_method(method)
    limits = {
        "max_points": max_points,
        "max_per_item": max_per_item,
        "max_approvals": max_approvals,
    }
    _check_limits(method, limits)
    known = frozenset(_check_candidates(candidates))
    if method in RANKING_METHODS:
        _read_ranking(ballot, known)
    elif method == POINTS:
        _read_points(ballot, known, max_points, max_per_item)
    else:
        _read_approvals(ballot, known, max_approvals)


# --- Tallying --------------------------------------------------------------------------------


def tally(
    method: str,
    candidates: Sequence[str],
    ballots: Iterable[Ballot],
    *,
    max_points: int | None = None,
    max_per_item: int | None = None,
    max_approvals: int | None = None,
) -> TallyResult:
    """Count ``ballots`` for ``candidates`` with ``method`` and rank the candidates.

    Raises ``ValueError`` for an unknown method, repeated candidate ids or a limit that does
    not apply to the method, and :class:`InvalidBallot` (a ``ValueError``) for the first
    invalid ballot, with ``ballot_index`` set.
    """
    _check_method(method)
    limits = {
        "max_points": max_points,
        "max_per_item": max_per_item,
        "max_approvals": max_approvals,
    }
    _check_limits(method, limits)
    ids = _check_candidates(candidates)
    known = frozenset(ids)
    ballot_list = list(ballots)

    if method in RANKING_METHODS:
        # Identical ballots are common in a workshop; counting each distinct one once keeps
        # the pairwise matrix cheap.
        distinct = Counter(_read_each(ballot_list, lambda b: _read_ranking(b, known)))
        pairwise = _pairwise_counts(ids, distinct)
        if method == BORDA:
            scores = _borda_scores(ids, distinct)
            ranking = _rank_by_score(ids, scores)
        else:
            scores, ranking = _schulze(ids, pairwise)
        return TallyResult(method, len(ballot_list), ranking, scores, pairwise)

    totals = dict.fromkeys(ids, 0)
    if method == POINTS:
        for points in _read_each(
            ballot_list, lambda b: _read_points(b, known, max_points, max_per_item)
        ):
            for candidate, amount in points.items():
                totals[candidate] += amount
    else:
        for approved in _read_each(ballot_list, lambda b: _read_approvals(b, known, max_approvals)):
            for candidate in approved:
                totals[candidate] += 1
    scores = {candidate: float(total) for candidate, total in totals.items()}
    return TallyResult(method, len(ballot_list), _rank_by_score(ids, scores), scores, {})


def _read_each(ballots: list[Ballot], read: Callable[[Ballot], T]) -> list[T]:
    read_ballots: list[T] = []
    for index, ballot in enumerate(ballots):
        try:
            read_ballots.append(read(ballot))
        except InvalidBallot as error:
            error.ballot_index = index
            raise
    return read_ballots


def _pairwise_counts(
    ids: Sequence[str], distinct: Mapping[tuple[str, ...], int]
) -> dict[Pair, int]:
    # Give every candidate a position on each distinct ballot; unranked candidates share
    # the position after the last, so they are below every ranked one and not ordered
    # among themselves. Comparing whole position columns keeps the inner loop in C.
    unranked = len(ids)
    rankings = list(distinct)
    weights = list(distinct.values())
    positions = {candidate: [unranked] * len(rankings) for candidate in ids}
    for column, ranking in enumerate(rankings):
        for position, candidate in enumerate(ranking):
            positions[candidate][column] = position
    return {
        (a, b): sum(compress(weights, map(lt, positions[a], positions[b])))
        for a in ids
        for b in ids
        if a != b
    }


def _borda_scores(ids: Sequence[str], distinct: Mapping[tuple[str, ...], int]) -> dict[str, float]:
    # Position i (0-based) earns n - i points and unranked candidates earn none, as Slido
    # and Loomio count, so a partial ballot gives its top choice as much as a full one.
    n = len(ids)
    totals = dict.fromkeys(ids, 0)
    for ranking, weight in distinct.items():
        for position, candidate in enumerate(ranking):
            totals[candidate] += weight * (n - position)
    return {candidate: float(total) for candidate, total in totals.items()}


def _schulze(
    ids: Sequence[str], pairwise: Mapping[Pair, int]
) -> tuple[dict[str, float], list[list[str]]]:
    """Scores (candidates beaten by strongest path) and ranking under the Schulze method.

    Link strength is "winning votes": d[a, b] counts when d[a, b] > d[b, a]. Strongest paths
    come from a Floyd–Warshall widest-path pass, O(n^3) in the number of candidates.
    """
    n = len(ids)
    d = [[pairwise[(a, b)] if a != b else 0 for b in ids] for a in ids]
    strength = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for via in range(n):
        from_via = strength[via]
        for i in range(n):
            to_via = strength[i][via]
            if i == via or to_via == 0:
                continue
            row = strength[i]
            for j in range(n):
                if j != i and j != via:
                    through = min(to_via, from_via[j])
                    if through > row[j]:
                        row[j] = through

    beats = [[strength[i][j] > strength[j][i] for j in range(n)] for i in range(n)]
    scores = {ids[i]: float(sum(beats[i])) for i in range(n)}

    # The "beats" relation is a strict partial order (Schulze 2011, §4.1), so each round has
    # at least one unbeaten candidate.
    ranking: list[list[str]] = []
    remaining = list(range(n))
    while remaining:
        tier = [j for j in remaining if not any(beats[i][j] for i in remaining)]
        assert tier, "the Schulze relation must be acyclic"
        ranking.append([ids[j] for j in tier])
        remaining = [j for j in remaining if j not in tier]
    return scores, ranking


def _rank_by_score(ids: Sequence[str], scores: Mapping[str, float]) -> list[list[str]]:
    levels = sorted(set(scores.values()), reverse=True)
    return [[candidate for candidate in ids if scores[candidate] == level] for level in levels]
