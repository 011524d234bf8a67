"""What each screen may see, built fresh from the database on every sync.

The facilitator's snapshot holds everything but the ballots; a phone's holds its own seat,
its table's notes and the shortlist. Results appear only once the vote is closed."""

from __future__ import annotations

from typing import Any

from flask import url_for

from cocreate.collation import name_sort_key
from cocreate.db import db
from cocreate.i18n import _, current_language
from cocreate.rotation import score_plan
from cocreate.timeutil import to_epoch_ms, utcnow
from cocreate.voting import services as voting
from cocreate.voting.explain import method_sentence
from cocreate.workshop import services as workshop_services
from cocreate.workshop.models import CafeTable, Note, Participant, Workshop


def join_url(workshop: Workshop, public_url: str) -> str:
    path = url_for("workshop.join", code=workshop.code)
    return (
        public_url.rstrip("/") + path
        if public_url
        else url_for("workshop.join", code=workshop.code, _external=True)
    )


def facilitator_snapshot(workshop: Workshop, public_url: str) -> dict[str, Any]:
    people = workshop.participants
    names = {p.id: p.name for p in people}
    notes = db.session.scalars(
        db.select(Note).where(Note.workshop_id == workshop.id).order_by(Note.id)
    ).all()
    return {
        "view": "facilitator",
        "workshop": _workshop_info(workshop) | {"join_url": join_url(workshop, public_url)},
        "tables": [
            _table_info(t, people)
            | {
                "tablet_path": f"/w/{workshop.code}/table/{t.id}/"
                f"{workshop_services.table_key(workshop, t)}"
            }
            for t in workshop.tables
        ],
        "participants": [  # by name, as a reader of the screen's language looks them up
            {
                "id": p.id,
                "name": p.name,
                "home_table_id": p.home_table_id,
                "role": p.role,
                "present": p.present,
            }
            for p in sorted(people, key=lambda p: name_sort_key(p.name, current_language()))
        ],
        "rounds": _rounds_info(workshop),
        "round": _round_info(workshop),
        "board": _board(workshop, names),
        "plan_quality": _plan_quality(workshop),
        "notes": [_note_info(n) for n in notes],
        "challenges": [_challenge_info(c) for c in workshop.challenges],
        "turnout": _turnout_info(workshop),
        "results": _results_info(workshop),
        "server_now": to_epoch_ms(utcnow()),
    }


def participant_snapshot(participant: Participant) -> dict[str, Any]:
    workshop = participant.workshop
    table_now = workshop_services.current_table(participant)
    snapshot: dict[str, Any] = {
        "view": "participant",
        "workshop": _workshop_info(workshop),
        "me": {
            "id": participant.id,
            "name": participant.name,
            "role": participant.role,
            "role_label": workshop.role_label(participant.role),
            "home": _table_brief(participant.home_table),
        },
        "round": _round_info(workshop),
        "seat": _table_brief(table_now) | {"at_home": table_now.id == participant.home_table_id},
        "next_seat": _next_seat(participant),
        "free_roles": _free_roles(participant),
        "notes": [
            _note_info(n) | {"mine": workshop_services.may_edit_note(participant, n)}
            for n in _table_form(table_now)
        ],
        "shortlist": _shortlist(workshop),
        "has_voted": voting.has_voted(participant),
        "results": _results_info(workshop),
        "server_now": to_epoch_ms(utcnow()),
    }
    return snapshot


def tablet_snapshot(tablet: workshop_services.TableDevice) -> dict[str, Any]:
    """A shared tablet keeps its table's form: every round's notes, all editable."""
    workshop, table = tablet.workshop, tablet.table
    return {
        "view": "tablet",
        "workshop": _workshop_info(workshop),
        "me": {
            "id": None,
            "name": table.name,
            "role": "tablet",
            "role_label": "",
            "home": _table_brief(table),
        },
        "round": _round_info(workshop),
        "seat": _table_brief(table) | {"at_home": True},
        "next_seat": None,
        "free_roles": [],
        "notes": [_note_info(n) | {"mine": True} for n in _table_form(table)],
        "shortlist": _shortlist(workshop),
        "has_voted": False,
        "results": _results_info(workshop),
        "server_now": to_epoch_ms(utcnow()),
    }


def _shortlist(workshop: Workshop) -> list[dict[str, Any]]:
    """The challenges as phones see them, once the room has started agreeing them."""
    if workshop.phase not in ("consolidation", "voting", "results", "closed"):
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
        },
    }


def _table_brief(table: CafeTable) -> dict[str, Any]:
    return {"id": table.id, "number": table.number, "name": table.name, "topic": table.topic}


def _table_info(table: CafeTable, people: list[Participant]) -> dict[str, Any]:
    here = [p for p in people if p.home_table_id == table.id]
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
    tables = []
    for table in workshop.tables:
        seated = sorted(
            (pid for pid, tid in seats.items() if tid == table.id),
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


def _plan_quality(workshop: Workshop) -> str | None:
    """The rotation plan's quality in words, against the best any plan could do here."""
    if workshop.phase != "rounds":
        return None
    position_of = {t.id: t.position for t in workshop.tables}
    rounds = [
        {str(pid): position_of[tid] for pid, tid in workshop_services.seating(workshop, r).items()}
        for r in range(len(workshop.rounds))
    ]
    people = [p for p in workshop.participants if p.present]
    score = score_plan(
        rounds,
        {str(p.id): p.home_table.position for p in people},
        stayers=tuple(str(p.id) for p in people if p.stays_home),
        return_home=True,
    )
    if score.repeat_pairs == 0:
        sentence = _("No one meets anyone twice.")
    elif score.repeat_pairs <= score.lower_bound_repeats:
        sentence = _(
            "%(repeats)d repeated meetings, the fewest possible here "
            "(hosts and note-takers sit together every round).",
            repeats=score.repeat_pairs,
        )
    else:
        sentence = _(
            "%(repeats)d repeated meetings; the minimum possible here is %(bound)d.",
            repeats=score.repeat_pairs,
            bound=score.lower_bound_repeats,
        )
    if score.revisits:
        sentence += " " + _(
            "%(visits)d visits to a table someone already sat at.", visits=score.revisits
        )
    return sentence


def _next_seat(participant: Participant) -> dict[str, Any] | None:
    workshop = participant.workshop
    if workshop.phase not in ("lobby", "rounds") or workshop.round_running:
        return None
    upcoming = workshop.current_round + 1
    if upcoming >= len(workshop.rounds):
        return None
    table = workshop_services.seat_table(participant, upcoming)
    return _table_brief(table) | {
        "at_home": table.id == participant.home_table_id,
        "round_number": upcoming + 1,
    }


def _free_roles(participant: Participant) -> list[str]:
    if participant.workshop.phase != "lobby" or participant.role != "member":
        return []
    taken = {
        p.role
        for p in participant.workshop.participants
        if p.home_table_id == participant.home_table_id
    }
    return [r for r in ("host", "notetaker") if r not in taken]


def _table_form(table: CafeTable) -> list[Note]:
    """A table's form, every round's notes: hosts brief newcomers from it, visitors read what
    earlier rounds wrote before adding theirs, a shared tablet keeps it."""
    query = db.select(Note).where(Note.table_id == table.id)
    return list(db.session.scalars(query.order_by(Note.round_position, Note.id)))


def _note_info(note: Note) -> dict[str, Any]:
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


def _turnout_info(workshop: Workshop) -> dict[str, int] | None:
    if workshop.phase not in ("voting", "results", "closed"):
        return None
    counted = voting.turnout(workshop)
    return {"voted": counted.voted, "eligible": counted.eligible}


def _results_info(workshop: Workshop) -> dict[str, Any] | None:
    if workshop.phase not in ("results", "closed"):
        return None
    outcome = voting.results(workshop)
    n = len(outcome.challenges)
    return {
        "ballots": outcome.ballots,
        "withheld": outcome.withheld,
        "min_ballots": workshop.min_ballots,
        "method": workshop.vote_method,
        "method_sentence": method_sentence(workshop.vote_method, n, current_language()),
        "robustness": outcome.robustness,
        "rows": [
            {
                "rank": row.rank,
                "tied": row.tied,
                "id": row.challenge.id,
                "text": row.challenge.text,
                "score": row.score,
                "tables": row.table_names,
            }
            for row in voting.ranked_challenges(outcome)
        ],
    }
