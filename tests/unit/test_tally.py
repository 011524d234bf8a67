"""Hand-computed examples for cocreate.voting.tally (issue #4)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from cocreate.voting import METHODS, InvalidBallot, TallyResult, tally

# Wikipedia, "Schulze method", worked example: 45 voters, 5 candidates.
WIKIPEDIA_PROFILE = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]
# d[X, Y] from the same article: voters preferring X to Y.
WIKIPEDIA_D = {
    "A": {"B": 20, "C": 26, "D": 30, "E": 22},
    "B": {"A": 25, "C": 16, "D": 33, "E": 18},
    "C": {"A": 19, "B": 29, "D": 17, "E": 24},
    "D": {"A": 15, "B": 12, "C": 28, "E": 14},
    "E": {"A": 23, "B": 27, "C": 21, "D": 31},
}


def wikipedia_ballots() -> list[list[str]]:
    return [list(order) for count, order in WIKIPEDIA_PROFILE for _ in range(count)]


class TestSchulze:
    def test_wikipedia_example_ranking(self) -> None:
        result = tally("schulze", list("ABCDE"), wikipedia_ballots())

        assert result.ranking == [["E"], ["A"], ["C"], ["B"], ["D"]]
        assert result.ballot_count == 45
        assert result.method == "schulze"

    def test_wikipedia_example_pairwise(self) -> None:
        result = tally("schulze", list("ABCDE"), wikipedia_ballots())

        assert result.pairwise[("A", "B")] == 20
        assert result.pairwise[("E", "D")] == 31
        expected = {(a, b): n for a, row in WIKIPEDIA_D.items() for b, n in row.items()}
        assert result.pairwise == expected

    def test_wikipedia_example_scores_count_candidates_beaten(self) -> None:
        result = tally("schulze", list("ABCDE"), wikipedia_ballots())

        assert result.scores == {"E": 4.0, "A": 3.0, "C": 2.0, "B": 1.0, "D": 0.0}

    def test_candidate_order_does_not_change_wikipedia_winner(self) -> None:
        result = tally("schulze", list("DBECA"), wikipedia_ballots())

        assert result.ranking == [["E"], ["A"], ["C"], ["B"], ["D"]]

    def test_perfect_tie_is_one_tier_in_given_order(self) -> None:
        result = tally("schulze", ["b", "a"], [["a", "b"], ["b", "a"]])

        assert result.ranking == [["b", "a"]]
        assert result.scores == {"a": 0.0, "b": 0.0}

    def test_condorcet_cycle_is_resolved_by_strongest_paths(self) -> None:
        # A>B by 6:3, B>C by 7:2, C>A by 5:4: a cycle whose weakest link, C>A, gives way.
        ballots = 4 * [["A", "B", "C"]] + 3 * [["B", "C", "A"]] + 2 * [["C", "A", "B"]]

        result = tally("schulze", ["A", "B", "C"], ballots)

        assert result.pairwise[("A", "B")] == 6
        assert result.pairwise[("B", "C")] == 7
        assert result.pairwise[("C", "A")] == 5
        assert result.ranking == [["A"], ["B"], ["C"]]

    def test_partial_ballots_put_unranked_candidates_below(self) -> None:
        # 2 voters rank only C; 1 ranks A then B. C beats A and B 2:1; A and B: 1:0.
        result = tally("schulze", ["A", "B", "C"], [["C"], ["C"], ["A", "B"]])

        assert result.pairwise[("C", "A")] == 2
        assert result.pairwise[("A", "C")] == 1
        assert result.pairwise[("A", "B")] == 1
        assert result.pairwise[("B", "A")] == 0
        assert result.ranking == [["C"], ["A"], ["B"]]

    def test_two_unranked_candidates_are_not_ordered(self) -> None:
        result = tally("schulze", ["A", "B", "C"], [["A"]])

        assert result.pairwise[("B", "C")] == 0
        assert result.pairwise[("C", "B")] == 0
        assert result.ranking == [["A"], ["B", "C"]]


class TestBorda:
    def test_complete_ballots(self) -> None:
        ballots = [["A", "B", "C"], ["B", "A", "C"], ["A", "C", "B"]]

        result = tally("borda", ["A", "B", "C"], ballots)

        # A: 3+2+3, B: 2+3+1, C: 1+1+2
        assert result.scores == {"A": 8.0, "B": 6.0, "C": 4.0}
        assert result.ranking == [["A"], ["B"], ["C"]]
        assert result.method == "borda"
        assert result.ballot_count == 3

    def test_partial_ballots_give_unranked_candidates_nothing(self) -> None:
        ballots = [["A"], ["B", "C"], ["C"], []]

        result = tally("borda", ["A", "B", "C", "D"], ballots)

        # n = 4: A 4; B 4; C 3+4; D never ranked.
        assert result.scores == {"A": 4.0, "B": 4.0, "C": 7.0, "D": 0.0}
        assert result.ranking == [["C"], ["A", "B"], ["D"]]
        assert result.ballot_count == 4

    def test_tie_keeps_the_given_candidate_order(self) -> None:
        ballots = [["A", "B"], ["B", "A"]]

        assert tally("borda", ["A", "B"], ballots).ranking == [["A", "B"]]
        assert tally("borda", ["B", "A"], ballots).ranking == [["B", "A"]]

    def test_pairwise_counts_partial_ballots(self) -> None:
        result = tally("borda", ["A", "B", "C", "D"], [["A"], ["B", "C"], ["C"], []])

        assert result.pairwise[("A", "B")] == 1
        assert result.pairwise[("B", "A")] == 1
        assert result.pairwise[("C", "A")] == 2
        assert result.pairwise[("A", "C")] == 1
        assert result.pairwise[("C", "D")] == 2
        assert result.pairwise[("D", "A")] == 0
        assert len(result.pairwise) == 4 * 3

    def test_borda_and_schulze_can_disagree(self) -> None:
        # A is the majority's favourite, but B is liked more broadly (Borda 12 to A's 11).
        ballots = 3 * [["A", "B", "C"]] + 2 * [["B", "C", "A"]]

        assert tally("borda", ["A", "B", "C"], ballots).ranking == [["B"], ["A"], ["C"]]
        assert tally("schulze", ["A", "B", "C"], ballots).ranking == [["A"], ["B"], ["C"]]


class TestPoints:
    def test_scores_are_sums_of_points(self) -> None:
        ballots = [{"X": 3, "Y": 1}, {"Y": 4}, {"Z": 2, "X": 0}]

        result = tally("points", ["X", "Y", "Z"], ballots, max_points=5, max_per_item=4)

        assert result.scores == {"X": 3.0, "Y": 5.0, "Z": 2.0}
        assert result.ranking == [["Y"], ["X"], ["Z"]]
        assert result.pairwise == {}
        assert result.method == "points"
        assert result.ballot_count == 3

    def test_equal_sums_tie(self) -> None:
        result = tally("points", ["X", "Y", "Z"], [{"Y": 2, "Z": 1}, {"X": 2}])

        assert result.ranking == [["X", "Y"], ["Z"]]

    def test_ballot_exactly_at_the_limits_is_counted(self) -> None:
        result = tally("points", ["X", "Y"], [{"X": 3, "Y": 2}], max_points=5, max_per_item=3)

        assert result.scores == {"X": 3.0, "Y": 2.0}


class TestApproval:
    def test_scores_count_approvals(self) -> None:
        ballots: list[list[str] | set[str]] = [["X", "Y"], {"Y", "Z"}, ["Y"], []]

        result = tally("approval", ["X", "Y", "Z", "W"], ballots)

        assert result.scores == {"X": 1.0, "Y": 3.0, "Z": 1.0, "W": 0.0}
        assert result.ranking == [["Y"], ["X", "Z"], ["W"]]
        assert result.pairwise == {}
        assert result.method == "approval"
        assert result.ballot_count == 4

    def test_ballot_exactly_at_the_limit_is_counted(self) -> None:
        result = tally("approval", ["X", "Y", "Z"], [["X", "Z"]], max_approvals=2)

        assert result.ranking == [["X", "Z"], ["Y"]]


@pytest.mark.parametrize("method", METHODS)
def test_no_ballots_is_a_single_tie_at_zero(method: str) -> None:
    result = tally(method, ["p", "q", "r"], [])

    assert result.ranking == [["p", "q", "r"]]
    assert result.scores == {"p": 0.0, "q": 0.0, "r": 0.0}
    assert result.ballot_count == 0


@pytest.mark.parametrize("method", METHODS)
def test_no_candidates_gives_an_empty_ranking(method: str) -> None:
    result = tally(method, [], [])

    assert result.ranking == []
    assert result.scores == {}


def test_ballots_may_be_any_iterable() -> None:
    def ballots() -> Iterator[list[str]]:
        yield ["A", "B"]
        yield ["A"]

    result = tally("borda", ["A", "B"], ballots())

    assert result.ballot_count == 2
    assert result.scores == {"A": 4.0, "B": 1.0}


def test_result_is_a_frozen_dataclass() -> None:
    result = tally("borda", ["A"], [["A"]])

    assert isinstance(result, TallyResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.method = "schulze"  # type: ignore[misc]


class TestVoteSetUpErrors:
    def test_unknown_method(self) -> None:
        with pytest.raises(ValueError, match="Unknown voting method 'condorcet'") as caught:
            tally("condorcet", ["A"], [])
        assert not isinstance(caught.value, InvalidBallot)

    def test_repeated_candidate_ids(self) -> None:
        with pytest.raises(ValueError, match="Candidate 'A' is listed more than once"):
            tally("borda", ["A", "B", "A"], [])

    def test_non_string_candidate_ids(self) -> None:
        with pytest.raises(TypeError, match="Candidate ids must be strings"):
            tally("borda", ["A", 2], [])  # type: ignore[list-item]

    @pytest.mark.parametrize(
        ("method", "limit"),
        [
            ("borda", "max_points"),
            ("schulze", "max_approvals"),
            ("points", "max_approvals"),
            ("approval", "max_per_item"),
        ],
    )
    def test_limit_for_another_method_is_refused(self, method: str, limit: str) -> None:
        with pytest.raises(ValueError, match=f"{limit} does not apply to {method} voting"):
            tally(method, ["A"], [], **{limit: 3})

    @pytest.mark.parametrize("value", [-1, 2.5, True])
    def test_limit_must_be_a_non_negative_whole_number(self, value: object) -> None:
        with pytest.raises(ValueError, match="max_points must be a non-negative whole number"):
            tally("points", ["A"], [], max_points=value)  # type: ignore[arg-type]
