"""Read a workshop from the database once, into the plain values every export renders.

Nothing is exported before the vote has closed or while results are withheld: the ballots
and the ranking would give away what the room may not see yet.
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

from sqlalchemy import select

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.export.data import (
    BallotData,
    ChallengeData,
    Choice,
    FieldData,
    NoteData,
    ParticipantData,
    RankedRow,
    ResultsData,
    RoundData,
    SeatData,
    TableData,
    TurnoutData,
    VoteSettings,
    WorkshopExport,
)
from cocreate.i18n import _
from cocreate.plans import PlanError, parse_plan, plan_to_toml
from cocreate.voting import codes as voter_codes
from cocreate.voting import services as voting
from cocreate.voting.explain import compare_borda_schulze
from cocreate.voting.models import Ballot
from cocreate.voting.tally import RANKING_METHODS
from cocreate.workshop.models import Note, Seat, Workshop


def exportable_results(workshop: Workshop) -> voting.Results:
    """The results, or ActionRefused saying why they may not leave the room yet."""
    outcome = voting.results(workshop)  # refuses before the vote has closed
    if outcome.withheld:
        raise ActionRefused(
            _(
                "Only %(ballots)d ballots: results are withheld below %(minimum)d, "
                "so nothing can be exported.",
                ballots=outcome.ballots,
                minimum=workshop.min_ballots,
            )
        )
    return outcome


def build_export(workshop: Workshop, *, include_names: bool = False) -> WorkshopExport:
    outcome = exportable_results(workshop)
    table_number = {t.id: t.number for t in workshop.tables}
    participant_ref = {p.id: i for i, p in enumerate(workshop.participants, start=1)}
    notes = db.session.scalars(
        select(Note).where(Note.workshop_id == workshop.id).order_by(Note.id)
    ).all()
    note_ref = {n.id: i for i, n in enumerate(notes, start=1)}
    challenge_ref = {str(c.id): i for i, c in enumerate(workshop.challenges, start=1)}
    ballots = _shuffled_ballots(workshop, challenge_ref)
    counted = voting.turnout(workshop)
    codes = voter_codes.code_counts(workshop) if workshop.voter_codes else None
    return WorkshopExport(
        title=workshop.title,
        language=workshop.language,
        description=workshop.description,
        plan_toml=workshop.plan_toml if include_names else _plan_without_names(workshop),
        host_label=workshop.host_label,
        notetaker_label=workshop.notetaker_label,
        home_tables=workshop.home_tables,
        roster=tuple(dict(r) for r in workshop.roster) if include_names else None,
        created_at=workshop.created_at,
        phase=workshop.phase,
        current_round=workshop.current_round,
        tables=tuple(TableData(t.number, t.name, t.topic) for t in workshop.tables),
        rounds=tuple(
            RoundData(r.position + 1, r.title, r.prompt, r.minutes, r.started_at, r.ended_at)
            for r in workshop.rounds
        ),
        fields=tuple(
            FieldData(f["key"], f["label"], f.get("help", "")) for f in workshop.form_fields
        ),
        vote=VoteSettings(
            method=workshop.vote_method,
            ballot=workshop.ballot_type,
            shortlist_size=workshop.shortlist_size,
            min_ballots=workshop.min_ballots,
            challenge_field=workshop.challenge_field,
            points_budget=workshop.points_budget,
            points_per_item=workshop.points_per_item,
            approvals_max=workshop.approvals_max,
            voter_codes=workshop.voter_codes,
        ),
        participants=tuple(
            ParticipantData(
                id=participant_ref[p.id],
                name=p.name if include_names else None,
                home_table=table_number[p.home_table_id],
                role=p.role,
                present=p.present,
            )
            for p in workshop.participants
        ),
        seats=_seats(workshop, participant_ref, table_number),
        notes=tuple(
            NoteData(
                id=note_ref[n.id],
                table=table_number[n.table_id],
                round=n.round_position + 1,
                field=n.field,
                text=n.text,
                author=participant_ref.get(n.author_id) if n.author_id is not None else None,
                created_at=n.created_at,
            )
            for n in notes
        ),
        challenges=tuple(
            ChallengeData(
                id=challenge_ref[str(c.id)],
                text=c.text,
                sources=tuple(note_ref[n.id] for n in c.sources),
            )
            for c in workshop.challenges
        ),
        ballots=ballots,
        turnout=TurnoutData(
            voted=counted.voted,
            eligible=counted.eligible,
            ballots=outcome.ballots,
            min_ballots=workshop.min_ballots,
            codes_printed=codes.printed if codes else None,
            codes_used=codes.used if codes else None,
            paper_ballots=counted.paper,
        ),
        results=_results(workshop, outcome, challenge_ref, ballots),
        names_included=include_names,
    )


def _plan_without_names(workshop: Workshop) -> str | None:
    """The stored plan file, with its pre-assigned participants' names taken out."""
    try:
        plan = parse_plan(workshop.plan_toml, source="stored plan")
    except PlanError:
        return None  # cannot tell whether it names anyone, so leave it out
    if not plan.participants:
        return workshop.plan_toml
    return plan_to_toml(dataclasses.replace(plan, participants=()))


def _seats(
    workshop: Workshop, participant_ref: dict[int, int], table_number: dict[int, int]
) -> tuple[SeatData, ...]:
    rows = db.session.execute(
        select(Seat.round_position, Seat.participant_id, Seat.table_id).where(
            Seat.workshop_id == workshop.id
        )
    ).all()
    seats = [
        SeatData(round=position + 1, participant=participant_ref[pid], table=table_number[tid])
        for position, pid, tid in rows
    ]
    return tuple(sorted(seats, key=lambda s: (s.round, s.participant)))


def _shuffled_ballots(workshop: Workshop, challenge_ref: dict[str, int]) -> tuple[BallotData, ...]:
    rows = db.session.execute(
        select(Ballot.receipt, Ballot.choice).where(Ballot.workshop_id == workshop.id)
    ).all()
    ballots = [
        BallotData(receipt, _choice_by_ref(choice, challenge_ref)) for receipt, choice in rows
    ]
    # Storage order is already unrelated to the order of voting; shuffling again means the
    # export never depends on how a database happens to return rows.
    secrets.SystemRandom().shuffle(ballots)
    return tuple(ballots)


def _choice_by_ref(choice: Any, challenge_ref: dict[str, int]) -> Choice:
    if isinstance(choice, dict):
        return {challenge_ref[str(c)]: int(points) for c, points in choice.items()}
    return tuple(challenge_ref[str(c)] for c in choice)


def _results(
    workshop: Workshop,
    outcome: voting.Results,
    challenge_ref: dict[str, int],
    ballots: tuple[BallotData, ...],
) -> ResultsData:
    assert outcome.tally is not None  # exportable_results() refused withheld results
    rows = tuple(
        RankedRow(
            rank=row.rank,
            tied=row.tied,
            challenge=challenge_ref[str(row.challenge.id)],
            score=row.score,
        )
        for row in voting.ranked_challenges(outcome)
    )
    pairwise = {
        (challenge_ref[a], challenge_ref[b]): count
        for (a, b), count in outcome.tally.pairwise.items()
    }
    comparison = None
    if workshop.vote_method in RANKING_METHODS:
        comparison = compare_borda_schulze(
            [str(ref) for ref in challenge_ref.values()],
            [[str(c) for c in b.choice] for b in ballots],
        )
    return ResultsData(
        method=workshop.vote_method, rows=rows, pairwise=pairwise, comparison=comparison
    )
