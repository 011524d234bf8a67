"""Every way a ballot can be invalid, with its message (issue #4).

validate_ballot and tally must reject the same ballots with the same message, because the
cast-ballot service checks with the one and the results page counts with the other.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from cocreate.voting import InvalidBallot, tally, validate_ballot

CANDIDATES = ["A", "B", "C", "D"]


class Case(NamedTuple):
    method: str
    ballot: Any
    limits: dict[str, int]
    reason: str
    candidate: object
    message: str


INVALID = {
    "ranking with unknown candidate": Case(
        "borda", ["A", "Z"], {}, "unknown_candidate", "Z",
        "'Z' is not a candidate in this vote.",
    ),
    "ranking with non-string id": Case(
        "schulze", ["A", 3], {}, "unknown_candidate", 3,
        "3 is not a candidate in this vote.",
    ),
    "ranking with repeated candidate": Case(
        "schulze", ["B", "A", "B"], {}, "repeated_candidate", "B",
        "Candidate 'B' appears more than once on the ballot.",
    ),
    "ranking given as a set": Case(
        "borda", {"A", "B"}, {}, "not_a_ranking", None,
        "A ranking ballot must be a list of candidate ids, most preferred first.",
    ),
    "ranking given as a mapping": Case(
        "schulze", {"A": 1}, {}, "not_a_ranking", None,
        "A ranking ballot must be a list of candidate ids, most preferred first.",
    ),
    "points for unknown candidate": Case(
        "points", {"A": 1, "Q": 1}, {}, "unknown_candidate", "Q",
        "'Q' is not a candidate in this vote.",
    ),
    "fractional points": Case(
        "points", {"A": 1.5}, {}, "points_not_whole", "A",
        "Candidate 'A' was given 1.5 points; points must be whole numbers.",
    ),
    "points as text": Case(
        "points", {"C": "2"}, {}, "points_not_whole", "C",
        "Candidate 'C' was given '2' points; points must be whole numbers.",
    ),
    "points as a boolean": Case(
        "points", {"D": True}, {}, "points_not_whole", "D",
        "Candidate 'D' was given True points; points must be whole numbers.",
    ),
    "whole float points": Case(
        "points", {"B": 2.0}, {}, "points_not_whole", "B",
        "Candidate 'B' was given 2.0 points; points must be whole numbers.",
    ),
    "negative points": Case(
        "points", {"A": 2, "B": -1}, {}, "negative_points", "B",
        "Candidate 'B' was given -1 points; points cannot be negative.",
    ),
    "too many points for one candidate": Case(
        "points", {"A": 1, "C": 4}, {"max_per_item": 3}, "too_many_points_for_one", "C",
        "Candidate 'C' was given 4 points, but at most 3 points may go to one candidate.",
    ),
    "too many points in total": Case(
        "points", {"A": 3, "B": 3, "C": 3, "D": 2}, {"max_points": 10},
        "too_many_points", "D",
        "The ballot gives 11 points in total, but at most 10 points may be given; "
        "the points for 'D' go over the limit.",
    ),
    "points ballot given as a list": Case(
        "points", ["A", "B"], {}, "not_a_points_ballot", None,
        "A points ballot must map candidate ids to whole numbers of points.",
    ),
    "approval of unknown candidate": Case(
        "approval", ["A", "E"], {}, "unknown_candidate", "E",
        "'E' is not a candidate in this vote.",
    ),
    "repeated approval": Case(
        "approval", ["C", "C"], {}, "repeated_candidate", "C",
        "Candidate 'C' appears more than once on the ballot.",
    ),
    "too many approvals": Case(
        "approval", ["A", "B", "C", "D"], {"max_approvals": 3}, "too_many_approvals", "D",
        "The ballot approves 4 candidates, but at most 3 may be approved; "
        "approving 'D' goes over the limit.",
    ),
    "approval ballot given as a mapping": Case(
        "approval", {"A": 1}, {}, "not_an_approval_ballot", None,
        "An approval ballot must be a collection of candidate ids.",
    ),
    "approval ballot given as a number": Case(
        "approval", 7, {}, "not_an_approval_ballot", None,
        "An approval ballot must be a collection of candidate ids.",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", INVALID.values(), ids=INVALID.keys())
def test_validate_ballot_rejects_with_message(case: Case) -> None:
    with pytest.raises(InvalidBallot) as caught:
        validate_ballot(case.method, CANDIDATES, case.ballot, **case.limits)

    assert str(caught.value) == case.message
    assert caught.value.reason == case.reason
    assert caught.value.candidate == case.candidate
    assert caught.value.ballot_index is None


@pytest.mark.parametrize("case", INVALID.values(), ids=INVALID.keys())
def test_tally_rejects_the_same_ballot_with_the_same_message(case: Case) -> None:
    valid = {"borda": ["A"], "schulze": ["A"], "points": {"A": 1}, "approval": ["A"]}
    ballots = [valid[case.method], valid[case.method], case.ballot]

    with pytest.raises(InvalidBallot) as caught:
        tally(case.method, CANDIDATES, ballots, **case.limits)

    assert str(caught.value) == case.message
    assert caught.value.reason == case.reason
    assert caught.value.ballot_index == 2


def test_invalid_ballot_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'Z' is not a candidate"):
        tally("approval", CANDIDATES, [["Z"]])


def test_message_params_are_kept_for_translation() -> None:
    with pytest.raises(InvalidBallot) as caught:
        validate_ballot("points", CANDIDATES, {"A": 6, "B": 6}, max_points=10)

    assert caught.value.params == {"total": 12, "limit": 10}


def test_points_limit_names_the_candidate_that_crosses_it() -> None:
    with pytest.raises(InvalidBallot, match="the points for 'B' go over") as caught:
        validate_ballot("points", CANDIDATES, {"A": 6, "B": 6, "C": 0}, max_points=10)

    assert caught.value.candidate == "B"


def test_approval_limit_names_the_first_approval_too_many() -> None:
    with pytest.raises(InvalidBallot, match="approving 'C' goes over") as caught:
        validate_ballot("approval", CANDIDATES, ["A", "B", "C", "D"], max_approvals=2)

    assert caught.value.candidate == "C"


def test_one_point_is_singular() -> None:
    with pytest.raises(InvalidBallot, match=r"was given 2 points, but at most 1 point may go"):
        validate_ballot("points", CANDIDATES, {"A": 2}, max_per_item=1)


def test_zero_approvals_allowed_rejects_the_first_approval() -> None:
    with pytest.raises(InvalidBallot, match="approving 'B' goes over the limit"):
        validate_ballot("approval", CANDIDATES, ["B"], max_approvals=0)


@pytest.mark.parametrize(
    ("method", "ballot", "limits"),
    [
        ("borda", ["D", "A", "C", "B"], {}),
        ("borda", [], {}),
        ("schulze", ("C",), {}),
        ("points", {"A": 3, "B": 0, "C": 2}, {"max_points": 5, "max_per_item": 3}),
        ("points", {}, {"max_points": 0}),
        ("approval", {"A", "B", "C"}, {"max_approvals": 3}),
        ("approval", frozenset(), {"max_approvals": 0}),
    ],
)
def test_valid_ballots_pass(method: str, ballot: Any, limits: dict[str, int]) -> None:
    validate_ballot(method, CANDIDATES, ballot, **limits)
    tally(method, CANDIDATES, [ballot], **limits)


def test_validate_ballot_checks_the_method_and_limits_too() -> None:
    with pytest.raises(ValueError, match="Unknown voting method 'range'"):
        validate_ballot("range", CANDIDATES, ["A"])
    with pytest.raises(ValueError, match="max_approvals does not apply to points voting"):
        validate_ballot("points", CANDIDATES, {"A": 1}, max_approvals=2)
