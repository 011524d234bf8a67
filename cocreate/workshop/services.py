"""The rules of a workshop. Each public function checks what it may do, changes the database
and commits, or raises ActionRefused having changed nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from flask import current_app
from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.plans import Plan, plan_to_toml
from cocreate.timeutil import utcnow
from cocreate.workshop import planning
from cocreate.workshop.models import (
    ROLES,
    CafeTable,
    Challenge,
    ChallengeSource,
    CoFacilitatorLink,
    Note,
    Participant,
    Round,
    Seat,
    TabletLink,
    Workshop,
)
from cocreate.workshop.text import clean_text

NAME_MAX = 40
NOTE_MAX = 1000
CHALLENGE_MAX = 300
CLIENT_ID_MAX = 64
EXTEND_SECONDS = 60

# Join codes avoid look-alike characters (0/O, 1/I) so they can be read off a projector.
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6

PHASES_OPEN_TO_JOIN = ("lobby", "rounds", "consolidation", "voting")
# Until the vote closes the facilitator decides who takes part: admits, marks gone or present.
PHASES_WHO_TAKES_PART = PHASES_OPEN_TO_JOIN
# While the rounds still come, roles and homes matter and presence re-plans the seating.
PHASES_WITH_SEATING = ("lobby", "rounds")
PHASES_WITH_NOTES = ("rounds", "consolidation")


# --- one change at a time ---------------------------------------------------------------------


def lock_workshop(workshop: Workshop, *, shared: bool = False) -> None:
    """Hold the workshop's row until this transaction ends and read every row afresh from
    here, before a service checks its rules: on PostgreSQL, handlers on several workers run
    at once, and a phase or role read before another worker's commit would be acted on after
    it. FOR UPDATE makes such changes of one workshop wait for each other; ``shared`` (FOR
    SHARE) lets actions that leave the workshop row alone (ballots) run side by side, yet
    wait for a change of phase under way, and it for them. On SQLite it does nothing: it
    writes one transaction at a time anyway. Called before the service changes anything."""
    if db.session.get_bind().dialect.name == "sqlite":
        # Nothing to wait for, and rereading every row cost each of 1,000 ballots in 10 s
        # more than the ballot itself. The writes that matter check their rule themselves
        # (the voter roll's tick, conditional updates).
        return
    workshop_id = workshop.id  # read before expiring: reading it after would load the row
    db.session.flush()  # expiring drops changes not yet written
    db.session.expire_all()
    db.session.execute(
        select(Workshop)
        .where(Workshop.id == workshop_id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).scalar_one()


# --- creating and finding workshops ---------------------------------------------------------


def create_workshop(plan: Plan, plan_toml: str | None = None) -> Workshop:
    workshop = Workshop(
        code=_unused_join_code(),
        # A key nobody is shown: the organiser opens the view from their page, and whoever
        # needs a link to hand on makes one (rotate_facilitator_key).
        facilitator_key_hash=hash_token(new_key()),
        title=plan.title,
        language=plan.language,
        description=plan.description,
        plan_toml=plan_toml if plan_toml is not None else plan_to_toml(plan),
        host_label=plan.roles.host,
        notetaker_label=plan.roles.notetaker,
        form_fields=[{"key": f.key, "label": f.label, "help": f.help} for f in plan.fields],
        challenge_field=plan.vote.challenge_field,
        home_tables=plan.home_tables,
        roster=[{"name": p.name, "table": p.table, "role": p.role} for p in plan.participants],
        shortlist_size=plan.vote.shortlist_size,
        vote_method=plan.vote.method,
        ballot_type=plan.vote.ballot,
        min_ballots=plan.vote.min_ballots,
        voter_codes=plan.vote.voter_codes,
        phase="lobby",
    )
    workshop.tables = [
        CafeTable(position=i, name=t.name, topic=t.topic) for i, t in enumerate(plan.tables)
    ]
    workshop.rounds = [
        Round(position=i, title=r.title, prompt=r.prompt, minutes=r.minutes)
        for i, r in enumerate(plan.rounds)
    ]
    db.session.add(workshop)
    db.session.commit()
    return workshop


def normalize_join_code(raw: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()


def workshop_by_code(raw_code: str) -> Workshop | None:
    code = normalize_join_code(raw_code)
    if not code:
        return None
    return db.session.scalar(select(Workshop).where(Workshop.code == code))


# A key is a URL path segment; anything longer is no key of ours and is not even hashed.
KEY_MAX = 200


@dataclass(frozen=True)
class FacilitatorAccess:
    """Which facilitator link a key belongs to: the workshop's own (``link_id`` None; also
    the organiser's, see organiser_facilitator_key) or a co-facilitator link."""

    link_id: int | None


def facilitator_access(workshop: Workshop, key: object) -> FacilitatorAccess | None:
    """The link this key opens, or None: the workshop's own key (or the organiser's), or the
    key of a co-facilitator link not revoked."""
    if not isinstance(key, str) or not 0 < len(key) <= KEY_MAX:
        return None
    own = hmac.compare_digest(workshop.facilitator_key_hash.encode(), hash_token(key).encode())
    if own or hmac.compare_digest(organiser_facilitator_key(workshop).encode(), key.encode()):
        return FacilitatorAccess(link_id=None)
    link_id = db.session.scalar(
        select(CoFacilitatorLink.id).where(
            CoFacilitatorLink.workshop_id == workshop.id,
            CoFacilitatorLink.key_hash == hash_token(key),
            CoFacilitatorLink.revoked_at.is_(None),
        )
    )
    return FacilitatorAccess(link_id=link_id) if link_id is not None else None


def facilitator_key_matches(workshop: Workshop, key: object) -> bool:
    return facilitator_access(workshop, key) is not None


def rotate_facilitator_key(workshop: Workshop) -> str:
    """A new facilitator key, returned once: the old one (and the organiser's link made from
    it) stops opening anything at once. Screens still connected with it are the caller's to
    disconnect (cocreate.live.end_facilitator_screens). Co-facilitator links stay."""
    key = new_key()
    workshop.facilitator_key_hash = hash_token(key)
    db.session.commit()
    return key


def organiser_facilitator_key(workshop: Workshop) -> str:
    """The key behind the organiser's "Open the facilitator view": made from the server's
    secret and the stored hash, so the organiser's page can always open the view although
    the key itself is not kept. It is never stored, cannot be made from the database alone,
    and changes when the key is rotated. (The server's secret already signs the organisers'
    login cookies, so whoever holds it gains nothing new.)"""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = b"organiser-facilitator-link:" + workshop.facilitator_key_hash.encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def participant_by_token(workshop: Workshop, token: object) -> Participant | None:
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalar(
        select(Participant).where(
            Participant.workshop_id == workshop.id, Participant.token_hash == hash_token(token)
        )
    )


def _unused_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if db.session.scalar(select(Workshop.id).where(Workshop.code == code)) is None:
            return code


def new_key() -> str:
    """A secret for a link or a phone's cookie: 192 random bits."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """What is stored of a key or token: a leaked database cannot open anything with it."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- joining, home tables and roles ---------------------------------------------------------


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
    _dispatch_plan(workshop, replanned)
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
    return _replan_future_rounds(workshop)


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
    _dispatch_plan(workshop, replanned)
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
    replanned = _replan_future_rounds(workshop)
    db.session.commit()
    _dispatch_plan(workshop, replanned)
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
    replanned = _replan_future_rounds(workshop)
    db.session.commit()
    _dispatch_plan(workshop, replanned)
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
    replanned = _replan_future_rounds(workshop)
    db.session.commit()
    _dispatch_plan(workshop, replanned)
    return participant


# The largest id a database column holds; Python's ints are unbounded.
MAX_ROW_ID = 2**63 - 1


Row = TypeVar("Row")


def _get(model: type[Row], raw_id: object) -> Row | None:
    """The row with an id a client sent, or None for anything that is not a usable id (a
    bool is an int in Python; a huge int would overflow the database driver)."""
    if type(raw_id) is not int or not 0 < raw_id <= MAX_ROW_ID:
        return None
    return db.session.get(model, raw_id)


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
    participant = _get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id:
        raise ActionRefused(_("No such participant in this workshop."))
    return participant


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


# --- rounds and seating ---------------------------------------------------------------------


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
        _dispatch_plan(workshop, True)  # again, in case a restart cut the last search short
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
    _dispatch_plan(workshop, position == 0)
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
    rows = db.session.execute(
        select(Seat.participant_id, Seat.table_id).where(
            Seat.workshop_id == workshop.id, Seat.round_position == round_position
        )
    )
    placed = {pid: tid for pid, tid in rows}
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


def _replan_future_rounds(workshop: Workshop) -> bool:
    """Ask for a new plan of the rounds not yet started (rounds already started never change);
    True if one was asked for. The caller commits, then dispatches."""
    if workshop.current_round < 0:
        return False  # planned when the first round starts
    if workshop.current_round + 1 >= len(workshop.rounds):
        return False
    planning.request_plan(workshop)
    return True


def _dispatch_plan(workshop: Workshop, requested: bool) -> None:
    if requested:
        planning.dispatch(workshop.id)


# --- notes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableDevice:
    """A shared tablet that keeps one table's form for people without a phone. It proves
    itself with the key of a tablet link the facilitator made for that table."""

    workshop: Workshop
    table: CafeTable
    link_id: int


# Who writes on a table's form: a participant's phone, or the table's shared tablet.
NoteWriter = Participant | TableDevice


def create_tablet_link(workshop: Workshop, table_id: object) -> tuple[TabletLink, str, list[int]]:
    """A new tablet link for a table: returns it, its key (shown once, not stored) and the
    ids of the links it replaces (a table has one at a time), whose tablets are to be
    disconnected."""
    table = _table_in(workshop, table_id)
    replaced = _revoke_tablet_links(workshop, table)
    key = new_key()
    link = TabletLink(workshop_id=workshop.id, table_id=table.id, key_hash=hash_token(key))
    db.session.add(link)
    db.session.commit()
    return link, key, replaced


def revoke_tablet_link(workshop: Workshop, table_id: object) -> list[int]:
    """Revoke a table's tablet link; returns the ids revoked (their tablets are to be
    disconnected)."""
    table = _table_in(workshop, table_id)
    revoked = _revoke_tablet_links(workshop, table)
    if not revoked:
        raise ActionRefused(_("This table has no tablet link."))
    db.session.commit()
    return revoked


def _revoke_tablet_links(workshop: Workshop, table: CafeTable) -> list[int]:
    ids = list(
        db.session.scalars(
            update(TabletLink)
            .where(
                TabletLink.workshop_id == workshop.id,
                TabletLink.table_id == table.id,
                TabletLink.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
            .returning(TabletLink.id)
        )
    )
    return ids


def tablet_links(workshop: Workshop) -> dict[int, int]:
    """table id -> the id of its tablet link, for the tables that have one."""
    rows = db.session.execute(
        select(TabletLink.table_id, TabletLink.id).where(
            TabletLink.workshop_id == workshop.id, TabletLink.revoked_at.is_(None)
        )
    )
    return {table_id: link_id for table_id, link_id in rows}


def tablet_for(workshop: Workshop, table_id: object, key: object) -> TableDevice | None:
    """The tablet a table link opens, or None for a wrong, foreign or revoked key."""
    table = next((t for t in workshop.tables if str(t.id) == str(table_id)), None)
    if table is None or not isinstance(key, str) or not 0 < len(key) <= KEY_MAX:
        return None
    link_id = db.session.scalar(
        select(TabletLink.id).where(
            TabletLink.workshop_id == workshop.id,
            TabletLink.table_id == table.id,
            TabletLink.key_hash == hash_token(key),
            TabletLink.revoked_at.is_(None),
        )
    )
    return TableDevice(workshop, table, link_id) if link_id is not None else None


def tablet_link_active(link_id: int, table_id: int) -> bool:
    """Whether a connected tablet's link still holds (it is checked again at every action)."""
    found = db.session.scalar(
        select(TabletLink.id).where(
            TabletLink.id == link_id,
            TabletLink.table_id == table_id,
            TabletLink.revoked_at.is_(None),
        )
    )
    return found is not None


def _table_in(workshop: Workshop, table_id: object) -> CafeTable:
    table = _get(CafeTable, table_id)
    if table is None or table.workshop_id != workshop.id:
        raise ActionRefused(_("No such table in this workshop."))
    return table


def current_table(writer: NoteWriter) -> CafeTable:
    """The table whose form the writer adds to now: a tablet's own, a phone's seat."""
    if isinstance(writer, TableDevice):
        return writer.table
    workshop = writer.workshop
    if workshop.phase == "rounds" and workshop.current_round >= 0:
        return seat_table(writer, workshop.current_round)
    return writer.home_table


def require_admitted(writer: NoteWriter) -> None:
    """Someone waiting for the facilitator neither writes nor votes."""
    if isinstance(writer, Participant) and not writer.admitted:
        raise ActionRefused(
            _("You are waiting for the facilitator to let you in. Ask them to admit you.")
        )


def add_note(writer: NoteWriter, field: object, text: object, client_id: object) -> Note:
    workshop = writer.workshop
    require_admitted(writer)
    if workshop.phase not in PHASES_WITH_NOTES:
        raise ActionRefused(_("Notes can be added during the rounds and the shortlist only."))
    if not any(f["key"] == field for f in workshop.form_fields):
        raise ActionRefused(_("Unknown form field."))
    if client_id is not None and (
        not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_MAX
    ):
        raise ActionRefused(_("Invalid note id."))
    clean = clean_text(text, what="note", max_length=NOTE_MAX, multiline=True)
    if client_id is not None:
        already = _note_sent_before(workshop, client_id)
        if already is not None:
            return already  # the phone re-sent a note it had no answer for
    note = Note(
        workshop_id=workshop.id,
        table_id=current_table(writer).id,
        round_position=max(workshop.current_round, 0),
        field=str(field),
        text=clean,
        author_id=writer.id if isinstance(writer, Participant) else None,
        client_id=client_id,
    )
    db.session.add(note)
    try:
        db.session.commit()
    except IntegrityError:
        # Sent again while the first was being stored (a phone's outbox after it reconnected
        # to another worker): the unique client id let the first through.
        db.session.rollback()
        already = _note_sent_before(workshop, client_id) if client_id is not None else None
        if already is None:
            raise
        return already
    return note


def _note_sent_before(workshop: Workshop, client_id: object) -> Note | None:
    return db.session.scalar(
        select(Note).where(Note.workshop_id == workshop.id, Note.client_id == client_id)
    )


def may_edit_note(writer: NoteWriter, note: Note) -> bool:
    """Authors keep their notes; the note-taker (or the table's tablet) keeps the form."""
    if isinstance(writer, TableDevice):
        return note.table_id == writer.table.id
    return note.author_id == writer.id or (
        writer.role == "notetaker" and note.table_id == writer.home_table_id
    )


def edit_note(writer: NoteWriter, note_id: object, text: object) -> Note:
    note = _editable_note(writer, note_id)
    note.text = clean_text(text, what="note", max_length=NOTE_MAX, multiline=True)
    db.session.commit()
    return note


def delete_note(writer: NoteWriter, note_id: object) -> int:
    """Remove a note; returns the id of the table whose form changed."""
    note = _editable_note(writer, note_id)
    table_id = note.table_id
    db.session.delete(note)
    db.session.commit()
    return table_id


def _editable_note(writer: NoteWriter, note_id: object) -> Note:
    workshop = writer.workshop
    require_admitted(writer)
    if workshop.phase not in PHASES_WITH_NOTES:
        raise ActionRefused(_("Notes can no longer be changed."))
    note = _get(Note, note_id)
    if note is None or note.workshop_id != workshop.id:
        raise ActionRefused(_("That note no longer exists."))
    if not may_edit_note(writer, note):
        raise ActionRefused(_("Only the note's author or the table's note-taker can change it."))
    return note


# --- the shortlist --------------------------------------------------------------------------


def add_challenge(
    workshop: Workshop, *, note_id: object = None, text: object = None, commit: bool = True
) -> Challenge:
    """Put a challenge note (or a typed text) on the shortlist."""
    _require_consolidation(workshop)
    if len(workshop.challenges) >= workshop.shortlist_size:
        raise ActionRefused(
            _(
                "The shortlist is full (%(size)d). Merge or remove one first.",
                size=workshop.shortlist_size,
            )
        )
    sources: list[Note] = []
    if note_id is not None:
        note = _unlisted_note(workshop, note_id)
        sources.append(note)
        text = note.text if text is None else text
    challenge = Challenge(
        workshop_id=workshop.id,
        position=len(workshop.challenges),
        text=clean_text(text, what="challenge", max_length=NOTE_MAX, multiline=False),
        sources=sources,
    )
    workshop.challenges.append(challenge)
    if commit:
        db.session.commit()
    return challenge


def add_alike_notes(workshop: Workshop, note_ids: object) -> Challenge:
    """Notes that say the same thing become one shortlist item, worded as the first (the
    facilitator can edit it), in one transaction: all of them or, if any is refused, none."""
    if (
        not isinstance(note_ids, list)
        or len(note_ids) < 2
        or len(set(map(str, note_ids))) != len(note_ids)
    ):
        raise ActionRefused(_("That request was not understood. Please reload the page."))
    first, *others = note_ids
    challenge = add_challenge(workshop, note_id=first, commit=False)
    for note_id in others:
        challenge.sources.append(_unlisted_note(workshop, note_id))
    db.session.commit()
    return challenge


def merge_note(workshop: Workshop, note_id: object, challenge_id: object) -> Challenge:
    """A duplicate: the note becomes one more source of an existing challenge."""
    _require_consolidation(workshop)
    challenge = _challenge_in(workshop, challenge_id)
    challenge.sources.append(_unlisted_note(workshop, note_id))
    db.session.commit()
    return challenge


def edit_challenge(workshop: Workshop, challenge_id: object, text: object) -> Challenge:
    _require_consolidation(workshop)
    challenge = _challenge_in(workshop, challenge_id)
    challenge.text = clean_text(text, what="challenge", max_length=CHALLENGE_MAX)
    db.session.commit()
    return challenge


def remove_challenge(workshop: Workshop, challenge_id: object) -> None:
    _require_consolidation(workshop)
    challenge = _challenge_in(workshop, challenge_id)
    workshop.challenges.remove(challenge)
    db.session.flush()
    for position, remaining in enumerate(workshop.challenges):
        remaining.position = position
    db.session.commit()


def _require_consolidation(workshop: Workshop) -> None:
    # The shortlist changes one at a time (positions, its size) and not beside the vote
    # opening, which counts it.
    lock_workshop(workshop)
    if workshop.phase != "consolidation":
        raise ActionRefused(_("The shortlist can only change before the vote opens."))


def _challenge_in(workshop: Workshop, challenge_id: object) -> Challenge:
    challenge = _get(Challenge, challenge_id)
    if challenge is None or challenge.workshop_id != workshop.id:
        raise ActionRefused(_("That challenge is no longer on the shortlist."))
    return challenge


def _unlisted_note(workshop: Workshop, note_id: object) -> Note:
    note = _get(Note, note_id)
    if note is None or note.workshop_id != workshop.id:
        raise ActionRefused(_("That note no longer exists."))
    listed = db.session.scalar(
        select(func.count()).select_from(ChallengeSource).where(ChallengeSource.note_id == note.id)
    )
    if listed:
        raise ActionRefused(_("That note is already on the shortlist."))
    return note
