"""Rotation plans made outside the request that asked for them.

A change that calls for a new plan (the first round starting, a late joiner, a move, someone
marked gone) only numbers a request in the workshop row. A planner then takes the newest
request as a :class:`PlanJob`, searches (in a separate process when the app is served; see
``cocreate.live.planner``), and :func:`apply_plan` writes the seats only if that request is
still the newest and no planned round has started meanwhile. Until then the coming rounds keep
their previous seats, and anyone without one sits at home.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, insert, select, update

from cocreate.db import db
from cocreate.rotation.worker import plan_from_json
from cocreate.timeutil import utcnow
from cocreate.workshop.models import Seat, Workshop

# Search time for the planner. The first plan of a workshop may search longer: round 1 is
# everyone at home, so it has the whole first round to arrive.
FIRST_PLAN_BUDGET = 1.0
REPLAN_BUDGET = 0.3
# The app's planner runner, called with a workshop id after a request is committed.
RUNNER_KEY = "cocreate.plan_runner"


@dataclass(frozen=True)
class PlanJob:
    workshop_id: int
    request: int
    first_unplayed: int
    table_ids: tuple[int, ...]
    # The keyword arguments of plan_rotation, as JSON (see cocreate.rotation.worker).
    arguments: dict[str, Any]


def request_plan(workshop: Workshop) -> None:
    """Ask for a new plan of the rounds not yet started; the caller commits."""
    # Counted up in the database, not from the value this session read: two joins on two
    # workers make two requests, and the planner that took the first cannot apply it as the
    # second (it would leave the second joiner out).
    db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(plan_requested=Workshop.plan_requested + 1, plan_requested_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(workshop, ["plan_requested", "plan_requested_at"])


def plan_pending(workshop: Workshop) -> bool:
    return workshop.plan_applied < workshop.plan_requested


def dispatch(workshop_id: int) -> None:
    """Hand a committed request to the app's runner (in-process unless the app set another)."""
    runner: Callable[[int], None] = current_app.extensions.get(RUNNER_KEY, run_now)
    runner(workshop_id)


def run_now(workshop_id: int) -> None:
    """Plan in this process, until the newest request is applied."""
    while (job := pending_job(workshop_id)) is not None:
        apply_plan(job, plan_from_json(job.arguments))


def pending_job(workshop_id: int) -> PlanJob | None:
    """The job for the newest request, or None when there is nothing (left) to plan."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not plan_pending(workshop):
        return None
    first_unplayed = workshop.current_round + 1
    if first_unplayed >= len(workshop.rounds):
        workshop.plan_applied = workshop.plan_requested  # every round has started
        db.session.commit()
        return None
    people = [p for p in workshop.participants if p.takes_part]
    position_of = {t.id: t.position for t in workshop.tables}
    played = [
        {str(pid): position_of[tid] for pid, tid in stored_seats(workshop_id, r).items()}
        for r in range(first_unplayed)
    ]
    arguments = {
        "homes": {str(p.id): p.home_table.position for p in people},
        "n_tables": len(workshop.tables),
        "n_rounds": len(workshop.rounds),
        "stayers": [str(p.id) for p in people if p.stays_home],
        "return_home": True,
        "played": played,
        "seed": workshop.id,
        "time_budget": FIRST_PLAN_BUDGET if first_unplayed == 1 else REPLAN_BUDGET,
    }
    job = PlanJob(
        workshop_id=workshop_id,
        request=workshop.plan_requested,
        first_unplayed=first_unplayed,
        table_ids=tuple(t.id for t in workshop.tables),
        arguments=arguments,
    )
    db.session.rollback()  # end the read transaction: a plan may take a while
    return job


def apply_plan(job: PlanJob, plan: list[dict[str, int]]) -> bool:
    """Write the plan's seats if the job still answers the newest request; False if a newer
    request or a round start overtook it (the caller then plans again)."""
    # Locked (PostgreSQL): two workers that planned the same request apply it once, the
    # second finds it applied. SQLite with one process runs one write at a time anyway.
    workshop = db.session.get(
        Workshop, job.workshop_id, with_for_update=True, populate_existing=True
    )
    if (
        workshop is None
        or workshop.plan_requested != job.request
        or workshop.plan_applied >= job.request
        or workshop.current_round + 1 != job.first_unplayed
    ):
        db.session.rollback()
        return False
    present = {str(p.id) for p in workshop.participants if p.takes_part}
    db.session.execute(
        delete(Seat).where(
            Seat.workshop_id == workshop.id, Seat.round_position >= job.first_unplayed
        )
    )
    rows = [
        {
            "workshop_id": workshop.id,
            "participant_id": int(pid),
            "round_position": round_position,
            "table_id": job.table_ids[table],
        }
        for round_position in range(job.first_unplayed, len(plan))
        for pid, table in plan[round_position].items()
        if pid in present
    ]
    if rows:
        db.session.execute(insert(Seat), rows)  # one statement, not one per seat
    workshop.plan_applied = job.request
    db.session.commit()
    return True


def stored_seats(workshop_id: int, round_position: int) -> dict[int, int]:
    """participant id -> table id of the seats stored for one round (also read by
    cocreate.workshop.rounds.seating)."""
    rows = db.session.execute(
        select(Seat.participant_id, Seat.table_id).where(
            Seat.workshop_id == workshop_id, Seat.round_position == round_position
        )
    )
    return {pid: tid for pid, tid in rows}
