"""What each screen sees, built once per change rather than once per phone.

A :class:`LiveState` is everything phones and tablets see at one version of a workshop: a part
every screen shares (round, shortlist, results), a part per table (its form, the roles still
free there) and a small personal part per participant (role, home, next table, which notes
they may edit). A push carries one table's view and the personal parts of the people sitting
there, so the server encodes one message per table, not one per phone; a phone assembles its
own screen from it. ``sync`` answers a (re)connecting phone with the same state, assembled here.

The facilitator's snapshot holds everything but the ballots. Results appear only once the vote
is closed; they were tallied once, at close (``voting.stored_results``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import ColumnElement, Row, select

from cocreate.collation import name_sort_key
from cocreate.db import db
from cocreate.i18n import LANGUAGES, _, current_language, ngettext
from cocreate.rotation import PlanScore, score_plan
from cocreate.timeutil import to_epoch_ms, utcnow
from cocreate.voting import codes as voter_codes
from cocreate.voting import services as voting
from cocreate.voting.explain import method_sentence
from cocreate.workshop import services as workshop_services
from cocreate.workshop import similarity
from cocreate.workshop.models import CafeTable, Note, Participant, Seat, Workshop

PHASES_WITH_SHORTLIST = ("consolidation", "voting", "results", "closed")
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
        forms[note.table_id].append(_note_info(note))
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
    holders = _role_holders(people) if tables else {}
    for table_id in tables:
        notes = _note_rows(Note.table_id == table_id)
        note_authors.update({note.id: note.author_id for note in notes})
        table = db.session.get(CafeTable, table_id)
        if table is not None:
            table_parts[table_id] = _table_part(
                workshop, table, [_note_info(n) for n in notes], holders
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
        "workshop": _workshop_info(workshop),
        "round": _round_info(workshop),
        "shortlist": _shortlist(workshop),
        "results": _results_in_every_language(workshop),
        "tables": {str(t.id): _table_brief(t) for t in workshop.tables},
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
        "seat": _table_brief(table),
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


def in_language(results: dict[str, Any] | None, language: str) -> dict[str, Any] | None:
    """Pushed results carry their sentences in every language; a screen shows one."""
    if results is None:
        return None
    texts = results["texts"].get(language) or results["texts"][LANGUAGES[0]]
    shown = {k: v for k, v in results.items() if k != "texts"}
    return shown | texts


# --- the facilitator ------------------------------------------------------------------------


def join_url(workshop: Workshop, public_url: str) -> str | None:
    """The address phones open; None in a push without PUBLIC_URL (the screen keeps its own)."""
    if public_url:
        # Built from the URL map, so it also works in a push outside any request.
        path = current_app.url_map.bind("").build("workshop.join", {"code": workshop.code})
        return public_url.rstrip("/") + path
    if has_request_context():
        return url_for("workshop.join", code=workshop.code, _external=True)
    return None


# The facilitator's state in parts that change for different reasons. A change rebuilds the
# parts it touched and keeps the others from the last state built (publish.py knows which).
PEOPLE = "people"  # who is here, their tables and the board of who sits where
NOTES = "notes"  # the tables' notes, the shortlist and its look-alike hints
FACILITATOR_PARTS = frozenset({PEOPLE, NOTES})


def facilitator_snapshot(
    workshop: Workshop,
    public_url: str,
    *,
    version: int,
    plan_quality: str | None,
    previous: dict[str, Any] | None = None,
    rebuild: frozenset[str] = FACILITATOR_PARTS,
) -> dict[str, Any]:
    """Everything but the ballots, in the current language. With ``previous`` (the state
    built before in this language), only the parts in ``rebuild`` are built again; the small
    rest always is."""
    with_tablet = workshop_services.tablet_links(workshop)
    snapshot: dict[str, Any] = {
        "view": "facilitator",
        "v": version,
        "workshop": _workshop_info(workshop) | {"join_url": join_url(workshop, public_url)},
        "joining_open": workshop.joining_open,
        "rounds": _rounds_info(workshop),
        "round": _round_info(workshop),
        "plan_quality": plan_quality,
        "planning": workshop.plan_applied < workshop.plan_requested,
        "turnout": _turnout_info(workshop),
        "voter_codes": _voter_codes_info(workshop),
        "results": in_language(_results_in_every_language(workshop), current_language()),
        "server_now": to_epoch_ms(utcnow()),
    }
    if previous is None or PEOPLE in rebuild:
        snapshot |= _facilitator_people(workshop, with_tablet)
    else:
        snapshot |= {key: previous[key] for key in ("tables", "participants", "board")}
    if previous is None or NOTES in rebuild:
        snapshot |= _facilitator_notes(workshop)
    else:
        snapshot |= {key: previous[key] for key in ("notes", "challenges", "look_alike")}
    return snapshot


def _facilitator_people(workshop: Workshop, with_tablet: dict[int, int]) -> dict[str, Any]:
    people = workshop.participants
    at_home: defaultdict[int, list[Participant]] = defaultdict(list)
    for person in people:
        at_home[person.home_table_id].append(person)
    return {
        # The id of a table's tablet link (or None), never the link: its key is shown once,
        # to the screen that made it, and is not stored.
        "tables": [
            _table_info(t, at_home[t.id]) | {"tablet_link": with_tablet.get(t.id)}
            for t in workshop.tables
        ],
        "participants": [  # by name, as a reader of the screen's language looks them up
            {
                "id": p.id,
                "name": p.name,
                "home_table_id": p.home_table_id,
                "role": p.role,
                "present": p.present,
                "waiting": not p.admitted,  # joined while joining was closed: Admit button
                "late": p.joined_late,  # joined after the first round started
            }
            for p in sorted(people, key=lambda p: name_sort_key(p.name, current_language()))
        ],
        "board": _board(workshop, {p.id: p.name for p in people}),
    }


def _facilitator_notes(workshop: Workshop) -> dict[str, Any]:
    notes = db.session.scalars(
        db.select(Note).where(Note.workshop_id == workshop.id).order_by(Note.id)
    ).all()
    return {
        "notes": [_note_info(n) for n in notes],
        "challenges": [_challenge_info(c) for c in workshop.challenges],
        "look_alike": _look_alike(workshop, notes),
    }


def plan_quality_key(workshop: Workshop) -> tuple[object, ...]:
    """What the plan line depends on: it is scored again only when one of these changes."""
    present = workshop_services.count_taking_part(workshop)
    return (workshop.id, workshop.phase, workshop.plan_applied, workshop.current_round, present)


def plan_quality(workshop: Workshop) -> str | None:
    """The rotation plan's quality in words, against the best any plan could do here.

    It counts the seats the phones were shown: a round already played as stored (a late
    joiner sat nowhere before they came), the round under way and the coming ones as planned,
    home for anyone the plan does not place yet. The bound treats the played rounds as given,
    as the planner does."""
    if workshop.phase != "rounds":
        return None
    position_of = {t.id: t.position for t in workshop.tables}
    rounds = [
        {
            str(pid): position_of[tid]
            for pid, tid in workshop_services.seating(
                workshop, r, placed_only=r < workshop.current_round
            ).items()
        }
        for r in range(len(workshop.rounds))
    ]
    people = [p for p in workshop.participants if p.takes_part]
    score = score_plan(
        rounds,
        {str(p.id): p.home_table.position for p in people},
        stayers=tuple(str(p.id) for p in people if p.stays_home),
        return_home=True,
        n_tables=len(workshop.tables),
        played=rounds[: workshop.current_round + 1],
    )
    return plan_sentence(score)


def plan_sentence(score: PlanScore) -> str:
    """A plan's score in plain words, singular and plural as the numbers need."""
    if score.repeat_pairs == 0:
        sentence = _("No two people sit together twice.")
    elif score.repeat_pairs <= score.lower_bound_repeats:
        sentence = ngettext(
            "%(num)d time two people sit together again: the fewest possible here, "
            "since hosts and note-takers sit together every round.",
            "%(num)d times two people sit together again: the fewest possible here, "
            "since hosts and note-takers sit together every round.",
            score.repeat_pairs,
        )
    else:
        sentence = ngettext(
            "%(num)d time two people sit together again; the best possible here is %(bound)d.",
            "%(num)d times two people sit together again; the best possible here is %(bound)d.",
            score.repeat_pairs,
            bound=score.lower_bound_repeats,
        )
    if score.revisits:
        sentence += " " + ngettext(
            "%(num)d time someone goes back to a table they already sat at.",
            "%(num)d times someone goes back to a table they already sat at.",
            score.revisits,
        )
    return sentence


# --- parts ------------------------------------------------------------------------------------


def _shortlist(workshop: Workshop) -> list[dict[str, Any]]:
    """The challenges as phones see them, once the room has started agreeing them."""
    if workshop.phase not in PHASES_WITH_SHORTLIST:
        return []
    return [{"id": c.id, "text": c.text} for c in workshop.challenges]


def _workshop_info(workshop: Workshop) -> dict[str, Any]:
    return {
        "id": workshop.id,
        "code": workshop.code,
        "title": workshop.title,
        "language": workshop.language,
        "phase": workshop.phase,
        "fields": workshop.form_fields,
        "challenge_field": workshop.challenge_field,
        "host_label": workshop.host_label,
        "notetaker_label": workshop.notetaker_label,
        "shortlist_size": workshop.shortlist_size,
        "min_ballots": workshop.min_ballots,
        "home_tables": workshop.home_tables,
        "ballot": {
            "type": workshop.ballot_type,
            "method": workshop.vote_method,
            "points_budget": workshop.points_budget,
            "points_per_item": workshop.points_per_item,
            "approvals_max": workshop.approvals_max,
            # The phone asks for a printed one-time code with the ballot.
            "voter_codes": workshop.voter_codes,
        },
    }


def _table_brief(table: CafeTable) -> dict[str, Any]:
    return {"id": table.id, "number": table.number, "name": table.name, "topic": table.topic}


def _table_info(table: CafeTable, here: list[Participant]) -> dict[str, Any]:
    """A table on the facilitator's screen; ``here`` are the people whose home it is."""
    holder = {p.role: p.name for p in here if p.role != "member"}
    return _table_brief(table) | {
        "host": holder.get("host"),
        "notetaker": holder.get("notetaker"),
        "size": len(here),
    }


def _rounds_info(workshop: Workshop) -> list[dict[str, Any]]:
    return [
        {
            "number": r.position + 1,
            "title": r.title,
            "minutes": r.minutes,
            "done": r.ended_at is not None,
            "current": r.position == workshop.current_round and workshop.round_running,
        }
        for r in workshop.rounds
    ]


def _round_info(workshop: Workshop) -> dict[str, Any] | None:
    if workshop.current_round < 0:
        return None
    round_ = workshop.rounds[workshop.current_round]
    following = (
        workshop.rounds[round_.position + 1] if round_.position + 1 < len(workshop.rounds) else None
    )
    return {
        "number": round_.position + 1,
        "total": len(workshop.rounds),
        "title": round_.title,
        "prompt": round_.prompt,
        "minutes": round_.minutes,
        "running": workshop.round_running,
        "deadline": to_epoch_ms(workshop.round_deadline),
        "paused_left": workshop.round_paused_left,
        "last": following is None,
        "next_title": following.title if following else None,
    }


def _board_round(workshop: Workshop) -> int:
    """The round whose seating the room needs to see: the one running, else the next one."""
    if workshop.phase == "lobby":
        return 0
    if workshop.round_running:
        return workshop.current_round
    return min(workshop.current_round + 1, len(workshop.rounds) - 1)


def _board(workshop: Workshop, names: dict[int, str]) -> dict[str, Any] | None:
    if workshop.phase not in ("lobby", "rounds"):
        return None
    all_played = workshop.current_round == len(workshop.rounds) - 1
    if all_played and not workshop.round_running:
        return None  # everyone is home; nobody goes anywhere any more
    position = _board_round(workshop)
    seats = workshop_services.seating(workshop, position)
    language = current_language()
    homes = {p.id: p.home_table_id for p in workshop.participants}
    roles = {p.id: p.role for p in workshop.participants}
    by_table: dict[int, list[int]] = {t.id: [] for t in workshop.tables}
    for pid, tid in seats.items():
        by_table[tid].append(pid)
    tables = []
    for table in workshop.tables:
        seated = sorted(
            by_table[table.id],
            key=lambda pid: (roles[pid] == "member", name_sort_key(names[pid], language)),
        )
        tables.append(
            {
                "id": table.id,
                "people": [
                    {"name": names[pid], "role": roles[pid], "visiting": homes[pid] != table.id}
                    for pid in seated
                ],
            }
        )
    return {"round_number": position + 1, "tables": tables}


def _note_info(note: Any) -> dict[str, Any]:
    return {
        "id": note.id,
        "table_id": note.table_id,
        "round": note.round_position + 1,
        "field": note.field,
        "text": note.text,
    }


def _challenge_info(challenge: Any) -> dict[str, Any]:
    return {
        "id": challenge.id,
        "text": challenge.text,
        "sources": [{"note_id": n.id, "table_name": n.table.name} for n in challenge.sources],
    }


def _look_alike(workshop: Workshop, notes: Sequence[Note]) -> dict[str, Any] | None:
    """While the shortlist is made: groups of challenge notes not yet on it that look alike,
    and for each such note the shortlist item it looks most like (to preselect as the merge
    target). Computed here, on the server, by the pure similarity module."""
    if workshop.phase != "consolidation":
        return None
    listed = {n.id for c in workshop.challenges for n in c.sources}
    candidates = [
        (n.id, n.text) for n in notes if n.field == workshop.challenge_field and n.id not in listed
    ]
    items = [(c.id, c.text) for c in workshop.challenges]
    merge_into = {
        str(note_id): target
        for note_id, text in candidates
        if (target := similarity.closest((note_id, text), items)) is not None
    }
    return {"groups": similarity.similar_groups(candidates), "merge_into": merge_into}


def _turnout_info(workshop: Workshop) -> dict[str, int | None] | None:
    if workshop.phase not in ("voting", "results", "closed"):
        return None
    counted = voting.turnout(workshop)
    # Codes used change with every ballot, like the turnout, so they are pushed with it.
    used = voter_codes.code_counts(workshop).used if workshop.voter_codes else None
    return {
        "voted": counted.voted,
        "eligible": counted.eligible,
        "codes_used": used,
        "paper": counted.paper,  # shown to the room with the turnout, so none go unseen
    }


def _voter_codes_info(workshop: Workshop) -> dict[str, int] | None:
    """How many one-time voter codes were printed, and how many to print next by default."""
    if not workshop.voter_codes:
        return None
    return {
        "printed": workshop.voter_codes_printed,
        "suggested": voter_codes.suggested_count(workshop),
    }


def _results_in_every_language(workshop: Workshop) -> dict[str, Any] | None:
    """The stored results, with their two sentences in every language (see in_language)."""
    stored = voting.stored_results(workshop)
    if stored is None:
        return None
    robustness = stored["robustness"]
    texts = {}
    for language in LANGUAGES:
        texts[language] = {
            "method_sentence": method_sentence(stored["method"], stored["candidates"], language),
            "robustness": robustness.get(language) if robustness else None,
        }
    shown = {k: v for k, v in stored.items() if k not in ("robustness", "candidates")}
    return shown | {"texts": texts}
