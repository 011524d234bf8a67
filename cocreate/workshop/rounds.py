"""Rounds and seating: starting, timing and ending rounds, where everyone sits, and asking
for a new rotation plan when the people change."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import delete, exists, insert, select

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.timeutil import utcnow
from cocreate.workshop import planning
from cocreate.workshop.locking import lock_workshop
from cocreate.workshop.models import CafeTable, Participant, Round, Seat, Workshop

EXTEND_SECONDS = 60


def start_next_round(workshop: Workshop) -> Round:
    lock_workshop(workshop)  # of two presses at once, the second finds the round running
    if workshop.phase not in ("lobby", "rounds"):
        raise ActionRefused(_("Rounds can only start in the lobby or between rounds."))
    if workshop.round_running:
        raise ActionRefused(_("A round is already running. End it first."))
    position = workshop.current_round + 1
    if position >= len(workshop.rounds):
        raise ActionRefused(_("All rounds have been played. Move on to the shortlist."))
    anyone = select(exists().where(Participant.workshop_id == workshop.id))
    if not db.session.scalar(anyone):  # asked of the database: a room of 1,000 is not loaded
        raise ActionRefused(_("Nobody has joined yet."))
    if position > 0 and planning.plan_pending(workshop):
        dispatch_plan(workshop, True)  # again, in case a restart cut the last search short
        raise ActionRefused(
            _("The seating for the next round is still being worked out. Try again in a moment.")
        )
    if position == 0:
        _fill_empty_roles(workshop)
        _seat_everyone_at_home(workshop)
        planning.request_plan(workshop)
    round_ = workshop.rounds[position]
    now = utcnow()
    round_.started_at = now
    workshop.phase = "rounds"
    workshop.current_round = position
    workshop.round_running = True
    workshop.round_deadline = now + timedelta(minutes=round_.minutes)
    db.session.commit()
    # Round 1 is everyone at home; the rounds after it are planned while it runs.
    dispatch_plan(workshop, position == 0)
    return round_


def extend_round(workshop: Workshop, seconds: int = EXTEND_SECONDS) -> None:
    lock_workshop(workshop)
    if not workshop.round_running:
        raise ActionRefused(_("No round is running."))
    if workshop.round_paused_left is not None:
        workshop.round_paused_left += seconds
    elif workshop.round_deadline is not None:
        workshop.round_deadline = max(workshop.round_deadline, utcnow()) + timedelta(
            seconds=seconds
        )
    db.session.commit()


def pause_round(workshop: Workshop) -> None:
    """Stop the clock: the time left is kept, and every screen shows the round as paused."""
    lock_workshop(workshop)
    if not workshop.round_running or workshop.round_deadline is None:
        raise ActionRefused(_("No round is running."))
    left = (workshop.round_deadline - utcnow()).total_seconds()
    workshop.round_paused_left = max(left, 0.0)
    workshop.round_deadline = None
    db.session.commit()


def resume_round(workshop: Workshop) -> None:
    lock_workshop(workshop)
    if not workshop.round_running or workshop.round_paused_left is None:
        raise ActionRefused(_("The round is not paused."))
    workshop.round_deadline = utcnow() + timedelta(seconds=workshop.round_paused_left)
    workshop.round_paused_left = None
    db.session.commit()


def end_round(workshop: Workshop) -> None:
    lock_workshop(workshop)
    if not workshop.round_running:
        raise ActionRefused(_("No round is running."))
    workshop.rounds[workshop.current_round].ended_at = utcnow()
    workshop.round_running = False
    workshop.round_deadline = None
    workshop.round_paused_left = None
    db.session.commit()


def begin_consolidation(workshop: Workshop) -> None:
    lock_workshop(workshop)
    if workshop.phase != "rounds":
        raise ActionRefused(_("The shortlist comes after the rounds."))
    if workshop.round_running:
        raise ActionRefused(_("End the current round first."))
    workshop.phase = "consolidation"
    # From now on a newcomer waits to be admitted: the vote is for the people in the room.
    workshop.joining_open = False
    db.session.commit()


def seat_table(participant: Participant, round_position: int) -> CafeTable:
    """The table a participant sits at in a round (home when no plan says otherwise)."""
    table_id = db.session.scalar(
        select(Seat.table_id).where(
            Seat.participant_id == participant.id, Seat.round_position == round_position
        )
    )
    if table_id is None:
        return participant.home_table
    return db.session.get(CafeTable, table_id) or participant.home_table


def seating(
    workshop: Workshop, round_position: int, *, placed_only: bool = False
) -> dict[int, int]:
    """participant id -> table id for one round, of everyone taking part: home for anyone the
    plan does not place, or with ``placed_only`` left out (a round played before they came)."""
    placed = planning.stored_seats(workshop.id, round_position)
    people = [p for p in workshop.participants if p.takes_part]
    if placed_only:
        return {p.id: placed[p.id] for p in people if p.id in placed}
    return {p.id: placed.get(p.id, p.home_table_id) for p in people}


def _seat_everyone_at_home(workshop: Workshop) -> None:
    """Round 1: everyone at their home table, stored so later plans see it as played."""
    db.session.execute(delete(Seat).where(Seat.workshop_id == workshop.id))
    rows = [
        {
            "workshop_id": workshop.id,
            "participant_id": p.id,
            "round_position": 0,
            "table_id": p.home_table_id,
        }
        for p in workshop.participants
        if p.takes_part
    ]
    if rows:
        db.session.execute(insert(Seat), rows)


def replan_future_rounds(workshop: Workshop) -> bool:
    """Ask for a new plan of the rounds not yet started (rounds already started never change);
    True if one was asked for. The caller commits, then dispatches."""
    if workshop.current_round < 0:
        return False  # planned when the first round starts
    if workshop.current_round + 1 >= len(workshop.rounds):
        return False
    planning.request_plan(workshop)
    return True


def dispatch_plan(workshop: Workshop, requested: bool) -> None:
    if requested:
        planning.dispatch(workshop.id)


# Roles, but kept here: only the first round fills them, and cocreate.workshop.people already
# imports this module to re-plan.
def _fill_empty_roles(workshop: Workshop) -> None:
    """Every table needs a host and a note-taker who stay; give empty roles to the earliest
    joined members so the method works even when nobody volunteered."""
    at_home: defaultdict[int, list[Participant]] = defaultdict(list)
    for person in workshop.participants:
        if person.takes_part:
            at_home[person.home_table_id].append(person)
    for table in workshop.tables:
        people = at_home[table.id]
        for role in ("host", "notetaker"):
            if any(p.role == role for p in people):
                continue
            # Keep at least one traveller per table where there are enough people.
            members = [p for p in people if p.role == "member"]
            if members and (role == "host" or len(people) >= 3):
                members[0].role = role
