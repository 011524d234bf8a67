"""Joining, home tables and roles: who takes part, where they belong, who hosts and who
takes notes. Each public function checks, changes and commits, or raises ActionRefused."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.workshop.identity import NoteWriter, get_row, hash_token, new_key
from cocreate.workshop.locking import lock_workshop
from cocreate.workshop.models import ROLES, CafeTable, Participant, Seat, Workshop
from cocreate.workshop.rounds import dispatch_plan, replan_future_rounds
from cocreate.workshop.text import clean_text

NAME_MAX = 40

PHASES_OPEN_TO_JOIN = ("lobby", "rounds", "consolidation", "voting")
# Until the vote closes the facilitator decides who takes part: admits, marks gone or present.
PHASES_WHO_TAKES_PART = PHASES_OPEN_TO_JOIN
# While the rounds still come, roles and homes matter and presence re-plans the seating.
PHASES_WITH_SEATING = ("lobby", "rounds")


def join(workshop: Workshop, name: object, table_id: object = None) -> tuple[Participant, str]:
    """Add a participant; returns it with the bearer token for the phone's cookie. While
    joining is closed they wait, unseated and without a vote, until the facilitator admits
    them."""
    clean_name = clean_text(name, what="name", max_length=NAME_MAX)
    # One join at a time per workshop: the balance counts everyone who joined before, a
    # booked role is still free, and joining has not closed meanwhile.
    lock_workshop(workshop)
    if workshop.phase not in PHASES_OPEN_TO_JOIN:
        raise ActionRefused(_("This workshop is no longer open for joining."))
    home, role = _home_for(workshop, clean_name, table_id)
    admitted = workshop.joining_open
    token = new_key()
    participant = Participant(
        workshop=workshop,
        token_hash=hash_token(token),
        name=clean_name,
        home_table=home,
        role=role if admitted else "member",  # a role is for someone who takes part
        admitted=admitted,
        joined_late=workshop.current_round >= 0,
    )
    db.session.add(participant)
    db.session.flush()
    replanned = _seat_latecomer(workshop, participant) if admitted else False
    db.session.commit()
    dispatch_plan(workshop, replanned)
    return participant, token


def _seat_latecomer(workshop: Workshop, participant: Participant) -> bool:
    """A latecomer sits at home in the round under way, then joins the rotation; True if the
    coming rounds are re-planned. The caller commits, then dispatches."""
    if workshop.phase != "rounds":
        return False  # no more rounds: nowhere to sit
    if workshop.current_round >= 0:
        db.session.execute(
            delete(Seat).where(
                Seat.participant_id == participant.id,
                Seat.round_position == workshop.current_round,
            )
        )
        db.session.add(
            Seat(
                workshop_id=workshop.id,
                participant_id=participant.id,
                round_position=workshop.current_round,
                table_id=participant.home_table_id,
            )
        )
    return replan_future_rounds(workshop)


def admit(workshop: Workshop, participant_id: object) -> Participant:
    """The facilitator lets in someone who joined while joining was closed."""
    lock_workshop(workshop)
    participant = _participant_in(workshop, participant_id)
    if workshop.phase not in PHASES_WHO_TAKES_PART:
        raise ActionRefused(_("People can only be admitted until the vote closes."))
    if participant.admitted:
        return participant
    participant.admitted = True
    db.session.flush()
    replanned = _seat_latecomer(workshop, participant)
    db.session.commit()
    dispatch_plan(workshop, replanned)
    return participant


def set_joining(workshop: Workshop, joining_open: object) -> None:
    """Open or close joining: while closed, newcomers wait for the facilitator to admit them."""
    if not isinstance(joining_open, bool):
        raise ActionRefused(_("Say whether joining is open."))
    lock_workshop(workshop)
    if workshop.phase not in PHASES_OPEN_TO_JOIN:
        raise ActionRefused(_("This workshop is no longer open for joining."))
    workshop.joining_open = joining_open
    db.session.commit()


def _home_for(workshop: Workshop, name: str, table_id: object) -> tuple[CafeTable, str]:
    tables = workshop.tables
    booked = next((r for r in workshop.roster if r["name"].casefold() == name.casefold()), None)
    if booked is not None:
        table = tables[booked["table"]]
        role = booked["role"]
        if role != "member" and _role_holder(table, role) is not None:
            role = "member"
        return table, role
    if workshop.home_tables == "choose":
        chosen = next((t for t in tables if str(t.id) == str(table_id)), None)
        if chosen is None:
            raise ActionRefused(_("Please choose your table."))
        return chosen, "member"
    # Counted in the database: loading everyone on every join made 1,000 joins quadratic.
    rows = db.session.execute(
        select(Participant.home_table_id, func.count())
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.home_table_id)
    )
    sizes = Counter({table_id: count for table_id, count in rows})
    return min(tables, key=lambda t: (sizes[t.id], t.position)), "member"


def _role_holder(table: CafeTable, role: str) -> Participant | None:
    return db.session.scalar(
        select(Participant).where(Participant.home_table_id == table.id, Participant.role == role)
    )


def set_role(workshop: Workshop, participant_id: object, role: object) -> Participant:
    """The facilitator gives someone a role; a previous holder at that table becomes a member."""
    lock_workshop(workshop)
    if workshop.phase not in ("lobby", "rounds"):
        raise ActionRefused(_("Roles can only change before the shortlist is made."))
    if role not in ROLES:
        raise ActionRefused(_("Unknown role."))
    participant = _participant_in(workshop, participant_id)
    if role != "member":
        previous = _role_holder(participant.home_table, str(role))
        if previous is not None and previous.id != participant.id:
            previous.role = "member"
    participant.role = str(role)
    db.session.flush()
    replanned = replan_future_rounds(workshop)
    db.session.commit()
    dispatch_plan(workshop, replanned)
    return participant


def volunteer(participant: Participant, role: object) -> None:
    """A participant takes a free seated role at their own table from the phone."""
    workshop = participant.workshop
    # One holder per role and table: of two volunteers at once the second sees the first,
    # and none slips in beside the roles the first round fills.
    lock_workshop(workshop)
    require_admitted(participant)
    if workshop.phase != "lobby":
        raise ActionRefused(_("Roles are settled once the rounds have started."))
    if role not in ("host", "notetaker"):
        raise ActionRefused(_("Unknown role."))
    holder = _role_holder(participant.home_table, str(role))
    if holder is not None and holder.id != participant.id:
        raise ActionRefused(
            _("Your table already has a %(role)s.", role=workshop.role_label(str(role)))
        )
    participant.role = str(role)
    db.session.commit()


def move_home(workshop: Workshop, participant_id: object, table_id: object) -> Participant:
    """The facilitator moves someone to another home table; coming rounds are re-planned."""
    lock_workshop(workshop)
    if workshop.phase not in ("lobby", "rounds"):
        raise ActionRefused(_("People can only move before the shortlist is made."))
    participant = _participant_in(workshop, participant_id)
    table = next((t for t in workshop.tables if t.id == table_id), None)
    if table is None:
        raise ActionRefused(_("No such table in this workshop."))
    if table.id == participant.home_table_id:
        return participant  # already there: nothing to move, no role to give up
    if participant.role != "member" and _role_holder(table, participant.role) is not None:
        participant.role = "member"  # the new table already has someone in that role
    participant.home_table = table
    db.session.flush()
    replanned = replan_future_rounds(workshop)
    db.session.commit()
    dispatch_plan(workshop, replanned)
    return participant


def set_present(workshop: Workshop, participant_id: object, present: object) -> Participant:
    """Mark someone as gone (or back) until the vote closes: gone people cannot vote, and
    during the rounds the coming rounds are re-planned without (with) them."""
    if workshop.phase not in PHASES_WHO_TAKES_PART:
        raise ActionRefused(_("Presence can only change until the vote closes."))
    if not isinstance(present, bool):
        raise ActionRefused(_("Say whether the person is present."))
    lock_workshop(workshop)
    participant = _participant_in(workshop, participant_id)
    participant.present = present
    if workshop.phase not in PHASES_WITH_SEATING:
        db.session.commit()  # the rounds are over: roles and seats stay as they were played
        return participant
    if not present and participant.role != "member":
        participant.role = "member"  # a table cannot be hosted by someone who left
    db.session.flush()
    replanned = replan_future_rounds(workshop)
    db.session.commit()
    dispatch_plan(workshop, replanned)
    return participant


def count_taking_part(workshop: Workshop) -> int:
    """How many people take part (``Participant.takes_part``), counted in the database rather
    than by loading all of them: hot paths ask this of a room of 1,000."""
    count = db.session.scalar(
        select(func.count())
        .select_from(Participant)
        .where(
            Participant.workshop_id == workshop.id,
            Participant.present.is_(True),
            Participant.admitted.is_(True),
        )
    )
    return int(count or 0)


def _participant_in(workshop: Workshop, participant_id: object) -> Participant:
    participant = get_row(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id:
        raise ActionRefused(_("No such participant in this workshop."))
    return participant


def require_admitted(writer: NoteWriter) -> None:
    """Someone waiting for the facilitator neither writes nor votes."""
    if isinstance(writer, Participant) and not writer.admitted:
        raise ActionRefused(
            _("You are waiting for the facilitator to let you in. Ask them to admit you.")
        )
