"""The facilitator's screen: everything but the ballots, built in parts that change for
different reasons (cocreate/live/publish.py rebuilds only the parts a change touched)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from flask import current_app, has_request_context, url_for

from cocreate.collation import name_sort_key
from cocreate.db import db
from cocreate.i18n import _, current_language, ngettext
from cocreate.live.parts import (
    in_language,
    note_info,
    results_in_every_language,
    round_info,
    table_brief,
    workshop_info,
)
from cocreate.rotation import PlanScore, score_plan
from cocreate.timeutil import to_epoch_ms, utcnow
from cocreate.voting import codes as voter_codes
from cocreate.voting import services as voting
from cocreate.workshop import services as workshop_services
from cocreate.workshop import similarity
from cocreate.workshop.models import CafeTable, Note, Participant, Workshop

# The facilitator's state in parts that change for different reasons. A change rebuilds the
# parts it touched and keeps the others from the last state built (publish.py knows which).
PEOPLE = "people"  # who is here, their tables and the board of who sits where
NOTES = "notes"  # the tables' notes, the shortlist and its look-alike hints
FACILITATOR_PARTS = frozenset({PEOPLE, NOTES})


def join_url(workshop: Workshop, public_url: str) -> str | None:
    """The address phones open; None in a push without PUBLIC_URL (the screen keeps its own)."""
    if public_url:
        # Built from the URL map, so it also works in a push outside any request.
        path = current_app.url_map.bind("").build("workshop.join", {"code": workshop.code})
        return public_url.rstrip("/") + path
    if has_request_context():
        return url_for("workshop.join", code=workshop.code, _external=True)
    return None


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
    snapshot: dict[str, Any] = {
        "view": "facilitator",
        "v": version,
        "workshop": workshop_info(workshop) | {"join_url": join_url(workshop, public_url)},
        "joining_open": workshop.joining_open,
        "rounds": _rounds_info(workshop),
        "round": round_info(workshop),
        "plan_quality": plan_quality,
        "planning": workshop.plan_applied < workshop.plan_requested,
        "turnout": _turnout_info(workshop),
        "voter_codes": _voter_codes_info(workshop),
        "results": in_language(results_in_every_language(workshop), current_language()),
        "server_now": to_epoch_ms(utcnow()),
    }
    if previous is None or PEOPLE in rebuild:
        snapshot |= _facilitator_people(workshop)
    else:
        snapshot |= {key: previous[key] for key in ("tables", "participants", "board")}
    if previous is None or NOTES in rebuild:
        snapshot |= _facilitator_notes(workshop)
    else:
        snapshot |= {key: previous[key] for key in ("notes", "challenges", "look_alike")}
    return snapshot


def _facilitator_people(workshop: Workshop) -> dict[str, Any]:
    with_tablet = workshop_services.tablet_links(workshop)
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
        "notes": [note_info(n) for n in notes],
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


def _table_info(table: CafeTable, here: list[Participant]) -> dict[str, Any]:
    """A table on the facilitator's screen; ``here`` are the people whose home it is."""
    holder = {p.role: p.name for p in here if p.role != "member"}
    return table_brief(table) | {
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
