"""The vote: open, cast exactly once, close, and the results once they may be shown."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Insert, exists, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from cocreate.db import clear_sqlite_journal, db
from cocreate.errors import ActionRefused
from cocreate.i18n import LANGUAGES, _, current_language
from cocreate.plans import BALLOT_FOR_METHOD
from cocreate.voting import codes
from cocreate.voting.explain import compare_borda_schulze, describe_comparison, robustness
from cocreate.voting.models import Ballot, VoterRollEntry
from cocreate.voting.tally import Ballot as BallotChoice
from cocreate.voting.tally import InvalidBallot, TallyResult, tally, validate_ballot
from cocreate.workshop.models import Challenge, Participant, Workshop
from cocreate.workshop.services import count_taking_part, lock_workshop

# Receipts avoid look-alike characters so a voter can compare them by eye.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 8


@dataclass(frozen=True)
class CastOutcome:
    already_counted: bool
    receipt: str | None = None


@dataclass(frozen=True)
class Turnout:
    voted: int  # on a phone (the voter roll) or on paper
    eligible: int
    paper: int = 0  # of those, ballots the facilitator entered for people without a phone


@dataclass(frozen=True)
class Results:
    ballots: int
    withheld: bool  # too few ballots to reveal without exposing individual votes
    tally: TallyResult | None
    challenges: list[Challenge]
    robustness: str | None = None  # do Borda and Schulze agree? (ranking ballots only)


def open_vote(workshop: Workshop) -> None:
    lock_workshop(workshop)
    if workshop.phase != "consolidation":
        raise ActionRefused(_("The vote opens after the shortlist is made."))
    if len(workshop.challenges) < 2:
        raise ActionRefused(_("Put at least two challenges on the shortlist before the vote."))
    if workshop.voter_codes and workshop.voter_codes_printed == 0:
        # Nobody could vote: every ballot needs a printed code.
        raise ActionRefused(_("Print the voter codes before opening the vote."))
    workshop.phase = "voting"
    db.session.commit()


def has_voted(participant: Participant) -> bool:
    return has_voted_id(participant.workshop_id, participant.id)


def has_voted_id(workshop_id: int, participant_id: int) -> bool:
    return db.session.get(VoterRollEntry, (workshop_id, participant_id)) is not None


def ballot_limits(workshop: Workshop) -> dict[str, int]:
    """The keyword limits tally() and validate_ballot() take for this workshop's ballot."""
    if workshop.ballot_type == "dots":
        return {"max_points": workshop.points_budget, "max_per_item": workshop.points_per_item}
    if workshop.ballot_type == "approval":
        return {"max_approvals": workshop.approvals_max}
    return {}


def set_ballot(
    workshop: Workshop, ballot_type: object, method: object = None, **limits: object
) -> None:
    """Before the vote opens the facilitator may pick another ballot type and its limits."""
    lock_workshop(workshop)
    if workshop.phase not in ("lobby", "rounds", "consolidation"):
        raise ActionRefused(_("The ballot can only change before the vote opens."))
    methods = {m for m, b in BALLOT_FOR_METHOD.items() if b == ballot_type}
    if not methods:
        raise ActionRefused(_("Unknown ballot type."))
    if method is None:
        method = workshop.vote_method if workshop.vote_method in methods else min(methods)
    if method not in methods:
        raise ActionRefused(_("That counting method does not fit this ballot type."))
    for name, value in limits.items():
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
            raise ActionRefused(_("Ballot limits must be whole numbers from 1 to 100."))
        setattr(workshop, name, value)
    if workshop.points_per_item > workshop.points_budget:
        raise ActionRefused(_("Points on one challenge cannot exceed the points each person has."))
    workshop.ballot_type = str(ballot_type)
    workshop.vote_method = str(method)
    db.session.commit()


def cast_ballot(participant: Participant, choice: object, voter_code: object = None) -> CastOutcome:
    """Store one anonymous ballot and tick the voter roll in the same transaction. Only
    someone present and admitted votes, checked by that transaction's own write; with voter
    codes on, the same transaction also spends the code (codes.spend_voter_code)."""
    workshop = participant.workshop
    # Shared: ballots are cast side by side, but a close waits for those under way, and
    # those after it find the vote closed (no ballot stored after the close has tallied).
    lock_workshop(workshop, shared=True)
    if has_voted(participant):
        return CastOutcome(already_counted=True)
    _require_may_vote(participant)
    stored = _checked_choice(workshop, choice)
    if workshop.voter_codes:
        codes.spend_voter_code(workshop, voter_code)
    receipt = _new_receipt()
    try:
        ticked = cast(
            CursorResult[Any],
            db.session.execute(_tick_roll_if_eligible(workshop.id, participant.id)),
        )
        if ticked.rowcount != 1:
            # The facilitator marked them gone (or closed the vote) after the checks above
            # read the rows: say why, from the rows as they are now.
            db.session.rollback()
            db.session.refresh(participant)
            db.session.refresh(workshop)
            _require_may_vote(participant)
            raise ActionRefused(_("This ballot cannot be counted."))
        db.session.add(
            Ballot(
                id=secrets.token_hex(16), workshop_id=workshop.id, choice=stored, receipt=receipt
            )
        )
        db.session.commit()
    except IntegrityError:
        # The same phone sent twice at once: the roll's primary key let only one through (and
        # the rollback leaves the second one's voter code unspent).
        db.session.rollback()
        return CastOutcome(already_counted=True)
    return CastOutcome(already_counted=False, receipt=receipt)


def cast_paper_ballot(workshop: Workshop, choice: object, voter_code: object = None) -> str:
    """A ballot the facilitator enters for someone without a phone, from their paper ballot.

    Stored exactly as a phone's ballot (a random key, the choice and a receipt, nothing else),
    checked by the same rules; with voter codes on it spends the person's slip like a phone
    does. Only the workshop's count of paper ballots goes up, in the same transaction and only
    while the vote is open, so turnout, the report and the exports say how many there were.
    Returns the receipt, for the facilitator to hand to the person."""
    # The workshop row first, then the code's, as the close and a phone's ballot lock them:
    # two of them never wait for each other.
    lock_workshop(workshop)
    if workshop.phase != "voting":
        raise ActionRefused(_("Paper ballots can be entered only while the vote is open."))
    stored = _checked_choice(workshop, choice)
    if workshop.voter_codes:
        codes.spend_voter_code(workshop, voter_code)
    counted = cast(
        CursorResult[Any],
        db.session.execute(
            update(Workshop)
            .where(Workshop.id == workshop.id, Workshop.phase == "voting")
            .values(paper_ballots=Workshop.paper_ballots + 1)
        ),
    )
    if counted.rowcount != 1:
        db.session.rollback()  # the vote closed in the meantime
        raise ActionRefused(_("Paper ballots can be entered only while the vote is open."))
    receipt = _new_receipt()
    db.session.add(
        Ballot(id=secrets.token_hex(16), workshop_id=workshop.id, choice=stored, receipt=receipt)
    )
    db.session.commit()
    return receipt


def _new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def _require_may_vote(participant: Participant) -> None:
    if participant.workshop.phase != "voting":
        raise ActionRefused(_("The vote is not open."))
    if not participant.admitted:
        raise ActionRefused(
            _("You are waiting for the facilitator to let you in. Ask them to admit you.")
        )
    if not participant.present:
        raise ActionRefused(_("You were marked as gone. Ask the facilitator to mark you here."))


def _tick_roll_if_eligible(workshop_id: int, participant_id: int) -> Insert:
    """INSERT the voter-roll row only if, as the database holds it at this write, the vote is
    open and the voter present and admitted: a concurrent "gone" cannot slip between."""
    eligible = exists().where(
        Participant.id == participant_id,
        Participant.workshop_id == workshop_id,
        Participant.present.is_(True),
        Participant.admitted.is_(True),
    )
    open_vote = exists().where(Workshop.id == workshop_id, Workshop.phase == "voting")
    return insert(VoterRollEntry).from_select(
        ["workshop_id", "participant_id"],
        select(literal(workshop_id), literal(participant_id)).where(eligible, open_vote),
    )


def _checked_choice(workshop: Workshop, choice: object) -> BallotChoice:
    """The ballot as it will be stored, or ActionRefused saying what is wrong with it."""
    candidates = [str(c.id) for c in workshop.challenges]
    if workshop.ballot_type == "dots":
        if not isinstance(choice, dict):
            raise ActionRefused(_("The ballot must give points to challenges."))
        stored: BallotChoice = {str(k): v for k, v in choice.items() if v != 0}
        if not stored:
            raise ActionRefused(_("Place at least one point before voting."))
    else:
        if not isinstance(choice, list) or not all(isinstance(c, str | int) for c in choice):
            raise ActionRefused(_("The ballot must be a list of challenges."))
        stored = [str(c) for c in choice]
    try:
        validate_ballot(workshop.vote_method, candidates, stored, **ballot_limits(workshop))
    except InvalidBallot as refused:
        raise ActionRefused(_ballot_problem(refused, workshop)) from None
    incomplete = isinstance(stored, list) and sorted(stored) != sorted(candidates)
    if workshop.ballot_type == "ranking" and incomplete:
        raise ActionRefused(_("Please place every challenge in your order before voting."))
    if workshop.ballot_type == "approval" and not stored:
        raise ActionRefused(_("Choose at least one challenge before voting."))
    return stored


def _ballot_problem(refused: InvalidBallot, workshop: Workshop) -> str:
    """The tally's reason, told to the voter in their language and with the challenge's text."""
    texts = {str(c.id): c.text for c in workshop.challenges}
    challenge = texts.get(str(refused.candidate), str(refused.candidate))
    limit = refused.params.get("limit")
    messages = {
        "unknown_candidate": lambda: _(
            "“%(challenge)s” is not on the shortlist. Please reload the page.",
            challenge=challenge,
        ),
        "repeated_candidate": lambda: _(
            "“%(challenge)s” is on your ballot more than once.", challenge=challenge
        ),
        "points_not_whole": lambda: _("Points must be whole numbers."),
        "negative_points": lambda: _("Points cannot be negative."),
        "too_many_points_for_one": lambda: _(
            "At most %(limit)s points may go to one challenge.", limit=limit
        ),
        "too_many_points": lambda: _(
            "You gave %(total)s points, but you have %(limit)s.",
            total=refused.params.get("total"),
            limit=limit,
        ),
        "too_many_approvals": lambda: _(
            "You chose %(count)s challenges, but at most %(limit)s may be chosen.",
            count=refused.params.get("count"),
            limit=limit,
        ),
    }
    return messages.get(refused.reason, lambda: _("This ballot cannot be counted."))()


def turnout(workshop: Workshop) -> Turnout:
    voted = db.session.scalar(
        select(func.count())
        .select_from(VoterRollEntry)
        .where(VoterRollEntry.workshop_id == workshop.id)
    )
    # Gone and waiting people cannot vote, so they are not counted as eligible either; each
    # paper ballot stands for someone in the room without a phone, who joined no list.
    taking_part = count_taking_part(workshop)
    paper = workshop.paper_ballots
    return Turnout(
        voted=(voted or 0) + paper, eligible=max(taking_part, voted or 0) + paper, paper=paper
    )


def close_vote(workshop: Workshop) -> None:
    # Before the ballots are read: the ballots under way are in, and none comes after.
    lock_workshop(workshop)
    if workshop.phase != "voting":
        raise ActionRefused(_("The vote is not open."))
    workshop.phase = "results"
    _reshuffle_ballots(workshop)
    # The codes' rows go in the same transaction, before the journal is emptied.
    codes.discard_codes(workshop)
    db.session.flush()
    # Tallied once, here: every screen and every reconnecting phone reads the stored ranking.
    workshop.results_json = _results_record(workshop)
    db.session.commit()
    clear_sqlite_journal()


def stored_results(workshop: Workshop) -> dict[str, Any] | None:
    """The ranking as every screen shows it, tallied once when the vote closed and kept in the
    workshop row; ``None`` before the vote has closed. A workshop closed before results were
    stored (restored from an archive, an older version) is tallied on first read and kept."""
    if workshop.phase not in ("results", "closed"):
        return None
    if workshop.results_json is None:
        workshop.results_json = _results_record(workshop)
        db.session.commit()
    return workshop.results_json


def _results_record(workshop: Workshop) -> dict[str, Any]:
    """The stored form of the results: the rows, and each text in every language the app
    speaks, since one pushed state reaches phones in Danish and English alike."""
    outcome = results(workshop, explain=False)
    texts: dict[str, str] | None = None
    if outcome.tally is not None and workshop.ballot_type == "ranking":
        candidates = [str(c.id) for c in outcome.challenges]
        choices = db.session.scalars(
            select(Ballot.choice).where(Ballot.workshop_id == workshop.id)
        ).all()
        comparison = compare_borda_schulze(candidates, choices)
        labels = {str(c.id): c.text for c in outcome.challenges}
        texts = {
            language: describe_comparison(comparison, labels=labels, language=language)
            for language in LANGUAGES
        }
    return {
        "ballots": outcome.ballots,
        "withheld": outcome.withheld,
        "min_ballots": workshop.min_ballots,
        "method": workshop.vote_method,
        "candidates": len(outcome.challenges),
        "robustness": texts,
        "rows": [
            {
                "rank": row.rank,
                "tied": row.tied,
                "id": row.challenge.id,
                "text": row.challenge.text,
                "score": row.score,
                "tables": row.table_names,
            }
            for row in ranked_challenges(outcome)
        ],
    }


def _reshuffle_ballots(workshop: Workshop) -> None:
    """Write every ballot again, in random order and with new keys, in one transaction.

    While the vote is open each ballot is committed with its voter-roll row, so the storage
    (SQLite's write-ahead log, PostgreSQL's row versions and heap order) still reflects who
    voted when. Rewriting them all at once when the vote closes leaves nothing that lines up
    with the voter roll; receipts and choices are kept for the ballot box."""
    ballots = list(db.session.scalars(select(Ballot).where(Ballot.workshop_id == workshop.id)))
    kept = [(b.choice, b.receipt) for b in ballots]
    for ballot in ballots:
        db.session.delete(ballot)
    db.session.flush()
    secrets.SystemRandom().shuffle(kept)
    db.session.add_all(
        Ballot(id=secrets.token_hex(16), workshop_id=workshop.id, choice=choice, receipt=receipt)
        for choice, receipt in kept
    )


def close_workshop(workshop: Workshop) -> None:
    lock_workshop(workshop)
    if workshop.phase != "results":
        raise ActionRefused(_("Close the vote and show the results first."))
    workshop.phase = "closed"
    db.session.commit()


def ballot_box(workshop: Workshop) -> list[Ballot]:
    """Every ballot with its receipt, shuffled, for voters to check theirs once the vote has
    closed."""
    if workshop.phase not in ("results", "closed"):
        raise ActionRefused(_("The ballot box opens when the vote has closed."))
    ballots = list(db.session.scalars(select(Ballot).where(Ballot.workshop_id == workshop.id)))
    if len(ballots) < workshop.min_ballots:
        # As with the results: too few ballots would show how individuals voted.
        raise ActionRefused(
            _(
                "Too few ballots (%(ballots)s) to show a result; at least %(minimum)s are needed.",
                ballots=len(ballots),
                minimum=workshop.min_ballots,
            )
        )
    secrets.SystemRandom().shuffle(ballots)
    return ballots


def results(workshop: Workshop, *, explain: bool = True) -> Results:
    """The tally, only once the vote is closed: nobody, the facilitator included, sees
    partial results."""
    if workshop.phase not in ("results", "closed"):
        raise ActionRefused(_("Results are shown only after the vote has closed."))
    choices = db.session.scalars(
        select(Ballot.choice).where(Ballot.workshop_id == workshop.id)
    ).all()
    challenges = list(workshop.challenges)
    if len(choices) < workshop.min_ballots:
        return Results(ballots=len(choices), withheld=True, tally=None, challenges=challenges)
    outcome = tally(
        workshop.vote_method, [str(c.id) for c in challenges], choices, **ballot_limits(workshop)
    )
    robust = None
    if explain and workshop.ballot_type == "ranking":
        robust = robustness(
            [str(c.id) for c in challenges],
            choices,
            labels={str(c.id): c.text for c in challenges},
            language=current_language(),
        )
    return Results(
        ballots=len(choices),
        withheld=False,
        tally=outcome,
        challenges=challenges,
        robustness=robust,
    )


@dataclass(frozen=True)
class RankedChallenge:
    rank: int  # tied challenges share a rank ("1, 2, 2, 4")
    tied: bool
    challenge: Challenge
    score: float
    table_names: list[str]


def ranked_challenges(outcome: Results) -> list[RankedChallenge]:
    """The tally's tiers as rows, best first, with the tables each challenge came from."""
    if outcome.tally is None:
        return []
    by_id = {str(c.id): c for c in outcome.challenges}
    rows: list[RankedChallenge] = []
    for tier in outcome.tally.ranking:
        rank = len(rows) + 1
        for candidate in tier:
            challenge = by_id[candidate]
            tables = sorted({note.table.name for note in challenge.sources})
            rows.append(
                RankedChallenge(
                    rank=rank,
                    tied=len(tier) > 1,
                    challenge=challenge,
                    score=outcome.tally.scores[candidate],
                    table_names=tables,
                )
            )
    return rows
