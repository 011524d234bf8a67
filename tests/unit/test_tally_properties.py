"""Property tests for cocreate.voting.tally, checked against small independent references."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise, permutations
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cocreate.voting import METHODS, tally

# No deadline: a slow CI machine must not fail a correct tally. Set per test rather than as
# a loaded profile, which would change every other test module's settings too.
thorough = settings(deadline=None, max_examples=200)

IDS = ["ant", "bee", "cat", "dog", "eel", "fox"]
Ranking = list[str]
Profile = tuple[list[str], list[Ranking]]
MethodProfile = tuple[str, list[str], list[Any]]
Pairwise = dict[tuple[str, str], int]


@st.composite
def candidates(draw: st.DrawFn, min_size: int = 1, max_size: int = 6) -> list[str]:
    return draw(st.lists(st.sampled_from(IDS), min_size=min_size, max_size=max_size, unique=True))


@st.composite
def ranking_ballot(draw: st.DrawFn, ids: Sequence[str], complete: bool = False) -> Ranking:
    order = draw(st.permutations(ids))
    length = len(order) if complete else draw(st.integers(0, len(order)))
    return list(order[:length])


@st.composite
def ranking_profile(draw: st.DrawFn, min_candidates: int = 1, complete: bool = False) -> Profile:
    ids = draw(candidates(min_size=min_candidates))
    ballots = draw(st.lists(ranking_ballot(ids, complete), max_size=25))
    return ids, ballots


@st.composite
def method_profile(draw: st.DrawFn, methods: Sequence[str] = METHODS) -> MethodProfile:
    method = draw(st.sampled_from(methods))
    ids = draw(candidates())
    if method == "points":
        ballot = st.dictionaries(st.sampled_from(ids), st.integers(0, 5))
    elif method == "approval":
        ballot = st.lists(st.sampled_from(ids), unique=True)
    else:
        ballot = ranking_ballot(ids)
    return method, ids, draw(st.lists(ballot, max_size=25))


def reference_pairwise(ids: Sequence[str], ballots: Sequence[Ranking]) -> Pairwise:
    def above(ballot: Ranking, a: str, b: str) -> bool:
        if a not in ballot:
            return False
        return b not in ballot or ballot.index(a) < ballot.index(b)

    return {
        (a, b): sum(above(ballot, a, b) for ballot in ballots) for a in ids for b in ids if a != b
    }


def reference_schulze_beats(ids: Sequence[str], ballots: Sequence[Ranking]) -> set[tuple[str, str]]:
    """(a, b) pairs where a beats b, by trying every simple path (fine for 6 candidates)."""
    d = reference_pairwise(ids, ballots)

    def link(a: str, b: str) -> int:
        return d[(a, b)] if d[(a, b)] > d[(b, a)] else 0

    def strongest(a: str, b: str) -> int:
        best = link(a, b)
        others = [c for c in ids if c not in (a, b)]
        for size in range(1, len(others) + 1):
            for middle in permutations(others, size):
                path = [a, *middle, b]
                best = max(best, min(link(x, y) for x, y in pairwise(path)))
        return best

    paths = {(a, b): strongest(a, b) for a in ids for b in ids if a != b}
    return {(a, b) for (a, b), strength in paths.items() if strength > paths[(b, a)]}


def condorcet_winner(ids: Sequence[str], ballots: Sequence[Ranking]) -> str | None:
    d = reference_pairwise(ids, ballots)
    for a in ids:
        if all(d[(a, b)] > d[(b, a)] for b in ids if b != a):
            return a
    return None


def flatten(ranking: list[list[str]]) -> list[str]:
    return [candidate for tier in ranking for candidate in tier]


@thorough
@given(ranking_profile(), st.sampled_from(["borda", "schulze"]))
def test_pairwise_counts_match_reference(profile: Profile, method: str) -> None:
    ids, ballots = profile
    assert tally(method, ids, ballots).pairwise == reference_pairwise(ids, ballots)


@thorough
@given(ranking_profile())
def test_schulze_matches_brute_force_strongest_paths(profile: Profile) -> None:
    ids, ballots = profile
    beats = reference_schulze_beats(ids, ballots)

    result = tally("schulze", ids, ballots)

    assert result.scores == {a: float(sum((a, b) in beats for b in ids)) for a in ids}
    # Each tier holds exactly the candidates unbeaten by those not yet ranked.
    remaining = list(ids)
    for tier in result.ranking:
        assert tier == [c for c in remaining if not any((o, c) in beats for o in remaining)]
        remaining = [c for c in remaining if c not in tier]
    assert remaining == []


@thorough
@given(ranking_profile(min_candidates=2))
def test_condorcet_winner_is_first_under_schulze(profile: Profile) -> None:
    ids, ballots = profile
    winner = condorcet_winner(ids, ballots)
    assume(winner is not None)

    assert tally("schulze", ids, ballots).ranking[0] == [winner]


@thorough
@given(ranking_profile(min_candidates=2), st.data())
def test_planted_condorcet_winner_is_first_under_schulze(
    profile: Profile, data: st.DataObject
) -> None:
    # Outvote the random ballots with as many plus one that put `winner` first, so a
    # Condorcet winner exists in every example rather than only in some.
    ids, ballots = profile
    winner = data.draw(st.sampled_from(ids))
    rest = [c for c in ids if c != winner]
    backers = data.draw(
        st.lists(ranking_ballot(rest), min_size=len(ballots) + 1, max_size=len(ballots) + 1)
    )
    ballots = ballots + [[winner, *backer] for backer in backers]
    assert condorcet_winner(ids, ballots) == winner

    assert tally("schulze", ids, ballots).ranking[0] == [winner]


@thorough
@given(method_profile(), st.data())
def test_ballot_order_never_changes_the_result(profile: MethodProfile, data: st.DataObject) -> None:
    method, ids, ballots = profile
    shuffled = data.draw(st.permutations(ballots))

    assert tally(method, ids, shuffled) == tally(method, ids, ballots)


@thorough
@given(ranking_profile())
def test_borda_total_equals_the_points_each_ballot_hands_out(profile: Profile) -> None:
    ids, ballots = profile
    n = len(ids)

    scores = tally("borda", ids, ballots).scores

    assert sum(scores.values()) == sum(sum(n - i for i in range(len(b))) for b in ballots)
    for candidate in ids:
        expected = sum(n - b.index(candidate) for b in ballots if candidate in b)
        assert scores[candidate] == expected


@thorough
@given(ranking_profile(complete=True))
def test_borda_total_for_complete_ballots(profile: Profile) -> None:
    ids, ballots = profile
    n = len(ids)

    scores = tally("borda", ids, ballots).scores

    assert sum(scores.values()) == len(ballots) * n * (n + 1) / 2


# Schulze ranks by beat paths instead; see the brute-force test above.
@thorough
@given(method_profile(["borda", "points", "approval"]))
def test_ranking_orders_scores_and_keeps_ties_in_given_order(profile: MethodProfile) -> None:
    method, ids, ballots = profile

    result = tally(method, ids, ballots)

    assert sorted(flatten(result.ranking)) == sorted(ids)
    tier_scores = [{result.scores[c] for c in tier} for tier in result.ranking]
    assert all(len(scores) == 1 for scores in tier_scores)
    levels = [scores.pop() for scores in tier_scores]
    assert levels == sorted(levels, reverse=True)
    assert len(set(levels)) == len(levels)
    for tier in result.ranking:
        assert tier == [c for c in ids if c in tier]


@thorough
@given(method_profile(["points", "approval"]))
def test_points_and_approval_scores_are_sums(profile: MethodProfile) -> None:
    method, ids, ballots = profile

    scores = tally(method, ids, ballots).scores

    if method == "points":
        assert scores == {c: float(sum(b.get(c, 0) for b in ballots)) for c in ids}
    else:
        assert scores == {c: float(sum(c in b for b in ballots)) for c in ids}


@thorough
@given(ranking_profile(), st.integers(2, 4), st.sampled_from(["borda", "schulze"]))
def test_repeating_every_ballot_scales_counts_not_ranking(
    profile: Profile, times: int, method: str
) -> None:
    ids, ballots = profile
    once = tally(method, ids, ballots)

    repeated = tally(method, ids, ballots * times)

    assert repeated.ranking == once.ranking
    assert repeated.pairwise == {pair: n * times for pair, n in once.pairwise.items()}
    if method == "borda":
        assert repeated.scores == {c: s * times for c, s in once.scores.items()}


@thorough
@given(ranking_profile(min_candidates=2), st.data())
def test_cloning_a_loser_never_changes_the_schulze_winner(
    profile: Profile, data: st.DataObject
) -> None:
    ids, ballots = profile
    winners = tally("schulze", ids, ballots).ranking[0]
    losers = [c for c in ids if c not in winners]
    assume(losers)
    original = data.draw(st.sampled_from(losers))
    clone = f"{original}-clone"

    # The clone goes right next to the original on every ballot, above or below it; where
    # the original is unranked the clone is too.
    cloned_ballots = []
    for ballot in ballots:
        if original in ballot:
            at = ballot.index(original) + data.draw(st.integers(0, 1))
            ballot = [*ballot[:at], clone, *ballot[at:]]
        cloned_ballots.append(ballot)
    cloned_ids = [*ids, clone]

    assert tally("schulze", cloned_ids, cloned_ballots).ranking[0] == winners
