"""What each screen sees, built once per change rather than once per phone.

A :class:`LiveState` is everything phones and tablets see at one version of a workshop: a part
every screen shares (round, shortlist, results), a part per table (its form, the roles still
free there) and a small personal part per participant (role, home, next table, which notes
they may edit). A push carries one table's view and the personal parts of the people sitting
there, so the server encodes one message per table, not one per phone; a phone assembles its
own screen from it. ``sync`` answers a (re)connecting phone with the same state, assembled here.

The facilitator's screen is built in cocreate/live/facilitator.py. Results appear only once the vote
is closed; they were tallied once, at close (``voting.stored_results``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Row, select

from cocreate.db import db
from cocreate.live.parts import (
    in_language,
    note_info,
    results_in_every_language,
    round_info,
    shortlist_info,
    table_brief,
    workshop_info,
)
from cocreate.timeutil import to_epoch_ms, utcnow
from cocreate.workshop.models import CafeTable, Note, Participant, Seat, Workshop

# Parts of the shared view a push leaves out when the previous version's push carried them.
OMITTED_WHEN_UNCHANGED = frozenset({"tables", "workshop"})
SEATED_ROLES = ("host", "notetaker")


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str
    home: int
    present: bool
    admitted: bool = True  # False while waiting for the facilitator: sits at no table


@dataclass(frozen=True)
class LiveState:
    """What phones and tablets see at one version of a workshop. Never changed in place: a
    change makes a new state that shares the unchanged parts."""

    workshop_id: int
    version: int
    shared: dict[str, Any]
    table_parts: dict[int, dict[str, Any]]
    people: dict[int, Person]
    personal: dict[int, dict[str, Any]]
    # participant id -> the table whose form they write on now; nobody waiting sits anywhere,
    # so no table's form or push reaches them before the facilitator admits them.
    sitting_at: dict[int, int]
    next_table: dict[int, int] = field(default_factory=dict)  # only between rounds
    note_authors: dict[int, int | None] = field(default_factory=dict)
    # The parts of the shared view that pushes leave out: every table's brief (10 KB at 60
    # tables, in each of 1,000 messages) and the workshop's settings, whenever they are what
    # the version before pushed. A screen keeps those of its last sync or push. They are sent
    # again when they changed, or when this state was not built from the version just before.
    unchanged: frozenset[str] = frozenset()

    def sitters(self, table_id: int) -> list[int]:
        return self._sitters_by_table.get(table_id, [])

    @functools.cached_property
    def _sitters_by_table(self) -> dict[int, list[int]]:
        by_table: defaultdict[int, list[int]] = defaultdict(list)
        for pid, table_id in self.sitting_at.items():
            by_table[table_id].append(pid)
        return by_table

    @functools.cached_property
    def notes_by_author(self) -> dict[tuple[int, int | None], list[int]]:
        """(table id, author id) -> the ids of their notes on that table's form, in its order."""
        by_author: defaultdict[tuple[int, int | None], list[int]] = defaultdict(list)
        for table_id, part in self.table_parts.items():
            for note in part["notes"]:
                by_author[(table_id, self.note_authors.get(note["id"]))].append(note["id"])
        return by_author

    def table_payload(self, table_id: int) -> dict[str, Any]:
        """The push for one table: its view, and the personal parts of whoever sits there."""
        shared = self.shared
        if self.unchanged:
            shared = {key: value for key, value in shared.items() if key not in self.unchanged}
        return {
            "v": self.version,
            "view": shared | self.table_parts[table_id],
            "people": {str(pid): self.personal[pid] for pid in self.sitters(table_id)},
        }


# --- building ---------------------------------------------------------------------------


def build_state(workshop: Workshop, version: int) -> LiveState:
    """The whole state from the database: a handful of queries whatever the number of phones."""
    people = _people(Participant.workshop_id == workshop.id)
    now_round, next_round = _seat_rounds(workshop)
    seats = _seats(workshop.id, [r for r in (now_round, next_round) if r is not None])
    seated = {pid: person for pid, person in people.items() if person.admitted}
    sitting_at = {
        pid: seats.get((pid, now_round), person.home) if now_round is not None else person.home
        for pid, person in seated.items()
    }
    next_table = (
        {pid: seats.get((pid, next_round), person.home) for pid, person in seated.items()}
        if next_round is not None
        else {}
    )
    notes = _note_rows(Note.workshop_id == workshop.id)
    state = LiveState(
        workshop_id=workshop.id,
        version=version,
        shared=_shared_view(workshop, next_round),
        table_parts={},
        people=people,
        personal={},
        sitting_at=sitting_at,
        next_table=next_table,
        note_authors={note.id: note.author_id for note in notes},
    )
    forms: dict[int, list[dict[str, Any]]] = {t.id: [] for t in workshop.tables}
    for note in notes:
        forms[note.table_id].append(note_info(note))
    holders = _role_holders(people)
    for table in workshop.tables:
        state.table_parts[table.id] = _table_part(workshop, table, forms[table.id], holders)
    for pid in people:
        state.personal[pid] = _personal(workshop, state, pid)
    return state


def refresh(
    state: LiveState,
    workshop: Workshop,
    version: int,
    *,
    tables: set[int] = frozenset(),  # type: ignore[assignment]
    participants: set[int] = frozenset(),  # type: ignore[assignment]
) -> LiveState:
    """The state after a change that touched only these tables' forms and these people (a
    note, a volunteer, a join), built from the previous state instead of from scratch."""
    people = dict(state.people)
    sitting_at = dict(state.sitting_at)
    next_table = dict(state.next_table)
    now_round, next_round = _seat_rounds(workshop)
    if participants:
        people.update(_people(Participant.id.in_(participants)))
        seats = _seats(workshop.id, [r for r in (now_round, next_round) if r is not None])
        for pid in participants & people.keys():
            home = people[pid].home
            if not people[pid].admitted:
                sitting_at.pop(pid, None)
                next_table.pop(pid, None)
                continue
            sitting_at[pid] = seats.get((pid, now_round), home) if now_round is not None else home
            if next_round is not None:
                next_table[pid] = seats.get((pid, next_round), home)
            tables = set(tables) | {home, sitting_at[pid]}
    table_parts = dict(state.table_parts)
    note_authors = dict(state.note_authors)
    # Only the touched tables' people: a note must not sort the whole room.
    holders = _role_holders({pid: p for pid, p in people.items() if p.home in tables})
    for table_id in tables:
        notes = _note_rows(Note.table_id == table_id)
        note_authors.update({note.id: note.author_id for note in notes})
        table = db.session.get(CafeTable, table_id)
        if table is not None:
            table_parts[table_id] = _table_part(
                workshop, table, [note_info(n) for n in notes], holders
            )
    new = dataclasses.replace(
        state,
        version=version,
        shared=state.shared | {"server_now": to_epoch_ms(utcnow())},
        unchanged=OMITTED_WHEN_UNCHANGED,  # changing a table or a setting rebuilds the state
        table_parts=table_parts,
        people=people,
        personal=dict(state.personal),
        sitting_at=sitting_at,
        next_table=next_table,
        note_authors=note_authors,
    )
    touched = set(participants) | {pid for pid, tid in sitting_at.items() if tid in tables}
    for pid in touched & people.keys():
        new.personal[pid] = _personal(workshop, new, pid)
    return new


def _people(condition: ColumnElement[bool]) -> dict[int, Person]:
    rows = db.session.execute(
        select(
            Participant.id,
            Participant.name,
            Participant.role,
            Participant.home_table_id,
            Participant.present,
            Participant.admitted,
        ).where(condition)
    )
    return {row.id: Person(*row) for row in rows}


def _note_rows(condition: ColumnElement[bool]) -> list[Row[Any]]:
    """The notes a screen shows, in form order, without loading Note objects."""
    return list(
        db.session.execute(
            select(
                Note.id, Note.table_id, Note.round_position, Note.field, Note.text, Note.author_id
            )
            .where(condition)
            .order_by(Note.round_position, Note.id)
        )
    )


def _seat_rounds(workshop: Workshop) -> tuple[int | None, int | None]:
    """The round whose seats say where people sit now (None: at home), and the coming round
    whose seat a phone shows between rounds (None: nothing to show)."""
    now = (
        workshop.current_round
        if workshop.phase == "rounds" and workshop.current_round >= 0
        else None
    )
    upcoming = workshop.current_round + 1
    shows_next = (
        workshop.phase in ("lobby", "rounds")
        and not workshop.round_running
        and upcoming < len(workshop.rounds)
    )
    return now, upcoming if shows_next else None


def _seats(workshop_id: int, rounds: list[int]) -> dict[tuple[int, int | None], int]:
    if not rounds:
        return {}
    rows = db.session.execute(
        select(Seat.participant_id, Seat.round_position, Seat.table_id).where(
            Seat.workshop_id == workshop_id, Seat.round_position.in_(rounds)
        )
    )
    return {(pid, position): tid for pid, position, tid in rows}


def _shared_view(workshop: Workshop, next_round: int | None) -> dict[str, Any]:
    return {
        "view": "participant",
        "workshop": workshop_info(workshop),
        "round": round_info(workshop),
        "shortlist": shortlist_info(workshop),
        "results": results_in_every_language(workshop),
        "tables": {str(t.id): table_brief(t) for t in workshop.tables},
        "next_round_number": next_round + 1 if next_round is not None else None,
        "server_now": to_epoch_ms(utcnow()),
    }


def _role_holders(people: dict[int, Person]) -> dict[int, dict[str, str]]:
    """table id -> seated role -> the name of its holder (the first to have joined, should
    two hold it), for every table at once rather than a pass over everyone per table."""
    holders: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for pid in sorted(people):
        person = people[pid]
        if person.role in SEATED_ROLES:
            holders[person.home].setdefault(person.role, person.name)
    return holders


def _table_part(
    workshop: Workshop,
    table: CafeTable,
    notes: list[dict[str, Any]],
    holders_by_table: dict[int, dict[str, str]],
) -> dict[str, Any]:
    # Who holds each seated role here, so every phone at the table shows it and stops
    # offering a role as soon as someone takes it.
    holders: dict[str, str | None] = dict.fromkeys(SEATED_ROLES)
    holders.update(holders_by_table.get(table.id, {}))
    free_roles: list[str] = []
    if workshop.phase == "lobby":
        free_roles = [r for r in SEATED_ROLES if holders[r] is None]
    return {
        "seat": table_brief(table),
        "notes": notes,
        "roles": holders,
        "free_roles": free_roles,
    }


def _personal(workshop: Workshop, state: LiveState, pid: int) -> dict[str, Any]:
    """What only this participant's phone needs: small, and nothing about anyone else."""
    person = state.people[pid]
    table_id = state.sitting_at.get(pid)
    keeps_form = person.role == "notetaker" and table_id == person.home
    if table_id is None:
        mine: list[int] = []
    elif keeps_form:
        mine = [note["id"] for note in state.table_parts[table_id]["notes"]]
    else:
        mine = state.notes_by_author.get((table_id, pid), [])
    return {
        "role": person.role,
        "role_label": workshop.role_label(person.role),
        "home": person.home,
        "next": state.next_table.get(pid),
        "mine": mine,
        "waiting": not person.admitted,
    }


# --- assembling a screen (sync) -----------------------------------------------------------
# The same assembly runs in the browser for pushes (assembleTableState in common.js).


def participant_screen(
    state: LiveState, pid: int, *, has_voted: bool, language: str
) -> dict[str, Any]:
    person = state.people[pid]
    personal = state.personal[pid]
    if personal["waiting"]:
        return _waiting_screen(state, pid)
    view = state.shared | state.table_parts[state.sitting_at[pid]]
    tables = view["tables"]
    home = tables[str(person.home)]
    next_id = personal["next"]
    return {
        "view": "participant",
        "v": state.version,
        "workshop": view["workshop"],
        "me": {
            "id": pid,
            "name": person.name,
            "role": personal["role"],
            "role_label": personal["role_label"],
            "home": home,
        },
        "round": view["round"],
        "seat": view["seat"] | {"at_home": view["seat"]["id"] == person.home},
        "next_seat": (
            tables[str(next_id)]
            | {"at_home": next_id == person.home, "round_number": view["next_round_number"]}
            if next_id is not None
            else None
        ),
        "free_roles": view["free_roles"] if personal["role"] == "member" else [],
        "table_roles": view["roles"],
        "notes": [note | {"mine": note["id"] in personal["mine"]} for note in view["notes"]],
        "shortlist": view["shortlist"],
        "has_voted": has_voted,
        "results": in_language(view["results"], language),
        "waiting": False,
        "tables": tables,
        "server_now": to_epoch_ms(utcnow()),
    }


def _waiting_screen(state: LiveState, pid: int) -> dict[str, Any]:
    """Someone waiting for the facilitator sees that they wait, and nothing of the room's
    notes, shortlist or results; admitted, their table's next push brings them in."""
    person = state.people[pid]
    personal = state.personal[pid]
    home = state.shared["tables"][str(person.home)]
    return {
        "view": "participant",
        "v": state.version,
        "workshop": state.shared["workshop"],
        "me": {
            "id": pid,
            "name": person.name,
            "role": personal["role"],
            "role_label": personal["role_label"],
            "home": home,
        },
        "round": state.shared["round"],
        "seat": home | {"at_home": True},
        "next_seat": None,
        "free_roles": [],
        "table_roles": dict.fromkeys(SEATED_ROLES),
        "notes": [],
        "shortlist": [],
        "has_voted": False,
        "results": None,
        "waiting": True,
        "tables": state.shared["tables"],
        "server_now": to_epoch_ms(utcnow()),
    }


def tablet_screen(state: LiveState, table_id: int, *, language: str) -> dict[str, Any]:
    """A shared tablet keeps its table's form: every round's notes, all editable."""
    view = state.shared | state.table_parts[table_id]
    return {
        "view": "tablet",
        "v": state.version,
        "workshop": view["workshop"],
        "me": {
            "id": None,
            "name": view["seat"]["name"],
            "role": "tablet",
            "role_label": "",
            "home": view["seat"],
        },
        "round": view["round"],
        "seat": view["seat"] | {"at_home": True},
        "next_seat": None,
        "free_roles": [],
        "table_roles": view["roles"],
        "notes": [note | {"mine": True} for note in view["notes"]],
        "shortlist": view["shortlist"],
        "has_voted": False,
        "results": in_language(view["results"], language),
        "waiting": False,
        "tables": view["tables"],
        "server_now": to_epoch_ms(utcnow()),
    }
