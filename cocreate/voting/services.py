"""The vote: open, cast exactly once, close, and the results once they may be shown."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.voting.models import Ballot, VoterRollEntry
from cocreate.voting.tally import InvalidBallot, TallyResult, tally, validate_ballot
from cocreate.workshop.models import Challenge, Participant, Workshop

# Receipts avoid look-alike characters so a voter can compare them by eye.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 8


@dataclass(frozen=True)
class CastOutcome:
    already_counted: bool
    receipt: str | None = None


@dataclass(frozen=True)
class Turnout:
    voted: int
    eligible: int


@dataclass(frozen=True)
class Results:
    ballots: int
    withheld: bool  # too few ballots to reveal without exposing individual votes
    tally: TallyResult | None
    challenges: list[Challenge]


def open_vote(workshop: Workshop) -> None:
    if workshop.phase != "consolidation":
        raise ActionRefused("The vote opens after the shortlist is made.")
    if len(workshop.challenges) < 2:
        raise ActionRefused("Put at least two challenges on the shortlist before the vote.")
    workshop.phase = "voting"
    db.session.commit()


def has_voted(participant: Participant) -> bool:
    return db.session.get(VoterRollEntry, (participant.workshop_id, participant.id)) is not None


def cast_ballot(participant: Participant, ranking: object) -> CastOutcome:
    """Store one anonymous ballot and tick the voter roll in the same transaction."""
    workshop = participant.workshop
    if has_voted(participant):
        return CastOutcome(already_counted=True)
    if workshop.phase != "voting":
        raise ActionRefused("The vote is not open.")
    candidates = [str(c.id) for c in workshop.challenges]
    if not isinstance(ranking, list) or not all(isinstance(c, str | int) for c in ranking):
        raise ActionRefused("The ballot must be a list of challenges in your order.")
    choice = [str(c) for c in ranking]
    try:
        validate_ballot(workshop.vote_method, candidates, choice)
    except InvalidBallot as refused:
        raise ActionRefused(str(refused)) from None
    if sorted(choice) != sorted(candidates):
        raise ActionRefused("Please place every challenge in your order before voting.")
    receipt = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    db.session.add(VoterRollEntry(workshop_id=workshop.id, participant_id=participant.id))
    db.session.add(
        Ballot(id=secrets.token_hex(16), workshop_id=workshop.id, choice=choice, receipt=receipt)
    )
    try:
        db.session.commit()
    except IntegrityError:
        # The same phone sent twice at once: the roll's primary key let only one through.
        db.session.rollback()
        return CastOutcome(already_counted=True)
    return CastOutcome(already_counted=False, receipt=receipt)


def turnout(workshop: Workshop) -> Turnout:
    voted = db.session.scalar(
        select(func.count()).select_from(VoterRollEntry).where(
            VoterRollEntry.workshop_id == workshop.id
        )
    )
    return Turnout(voted=voted or 0, eligible=len(workshop.participants))


def close_vote(workshop: Workshop) -> None:
    if workshop.phase != "voting":
        raise ActionRefused("The vote is not open.")
    workshop.phase = "results"
    db.session.commit()


def close_workshop(workshop: Workshop) -> None:
    if workshop.phase != "results":
        raise ActionRefused("Close the vote and show the results first.")
    workshop.phase = "closed"
    db.session.commit()


def results(workshop: Workshop) -> Results:
    """The tally, only once the vote is closed: nobody, the facilitator included, sees
    partial results."""
    if workshop.phase not in ("results", "closed"):
        raise ActionRefused("Results are shown only after the vote has closed.")
    choices = db.session.scalars(
        select(Ballot.choice).where(Ballot.workshop_id == workshop.id)
    ).all()
    challenges = list(workshop.challenges)
    if len(choices) < workshop.min_ballots:
        return Results(ballots=len(choices), withheld=True, tally=None, challenges=challenges)
    outcome = tally(workshop.vote_method, [str(c.id) for c in challenges], choices)
    return Results(ballots=len(choices), withheld=False, tally=outcome, challenges=challenges)


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
