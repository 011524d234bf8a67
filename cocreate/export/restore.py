"""Recreate a workshop from its JSON archive (cocreate/export/archive.py), under a new join
code and facilitator key.

The archive is read and checked in full before anything is written, so a damaged file
changes nothing. Results are not read back: they are counted again from the ballots.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cocreate.db import db
from cocreate.export.archive import ARCHIVE_FORMAT, ARCHIVE_VERSION
from cocreate.export.texts import texts_for
from cocreate.plans import (
    FieldPlan,
    ParticipantPlan,
    Plan,
    Roles,
    RoundPlan,
    TablePlan,
    VotePlan,
    validate_plan,
)
from cocreate.voting.models import Ballot, VoterRollEntry
from cocreate.workshop import services
from cocreate.workshop.models import PHASES, ROLES, Challenge, Note, Participant, Seat, Workshop


class ArchiveError(ValueError):
    """The data is not a workshop archive this version can import; nothing was written."""


def import_workshop_json(data: Mapping[str, Any]) -> Workshop:
    """A new workshop holding everything the archive holds, with a new join code and key."""
    if not isinstance(data, Mapping) or data.get("format") != ARCHIVE_FORMAT:
        raise ArchiveError("This is not a cocreate workshop archive.")
    if data.get("version") != ARCHIVE_VERSION:
        raise ArchiveError(
            f"This archive has version {data.get('version')!r}; "
            f"this cocreate imports version {ARCHIVE_VERSION}."
        )
    try:
        plan = _plan(data)
        _check_references(data)
    except KeyError as missing:
        raise ArchiveError(f"The archive is incomplete: {missing} is missing.") from None
    except (TypeError, ValueError, IndexError, AttributeError) as error:
        raise ArchiveError(f"The archive is damaged: {error}") from None
    workshop = services.create_workshop(plan, data["workshop"]["plan_toml"])
    try:
        _restore_state(workshop, data)
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.delete(workshop)
        db.session.commit()
        raise
    return workshop


def _plan(data: Mapping[str, Any]) -> Plan:
    about = data["workshop"]
    vote = data["vote"]
    plan = Plan(
        title=_text(about["title"]),
        language=_text(about["language"]),
        description=_text(about["description"]),
        roles=Roles(host=_text(about["host_label"]), notetaker=_text(about["notetaker_label"])),
        tables=tuple(TablePlan(_text(t["name"]), _text(t["topic"])) for t in data["tables"]),
        rounds=tuple(
            RoundPlan(_text(r["title"]), _text(r["prompt"]), float(r["minutes"]))
            for r in data["rounds"]
        ),
        fields=tuple(
            FieldPlan(_text(f["key"]), _text(f["label"]), _text(f["help"])) for f in data["fields"]
        ),
        vote=VotePlan(
            shortlist_size=int(vote["shortlist_size"]),
            method=_text(vote["method"]),
            ballot=_text(vote["ballot"]),
            min_ballots=int(vote["min_ballots"]),
            challenge_field=_text(vote["challenge_field"]),
            # Archives written before voter codes existed were all one ballot per phone.
            voter_codes=vote.get("voter_codes", False),
        ),
        home_tables=_text(about["home_tables"]),
        participants=tuple(
            ParticipantPlan(_text(r["name"]), int(r["table"]) - 1, _text(r["role"]))
            for r in data["roster"] or ()
        ),
    )
    validate_plan(plan, source="archive")
    return plan


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {value!r}")
    return value


def _check_references(data: Mapping[str, Any]) -> None:
    """Every number the archive uses must point at something it holds."""
    tables = range(1, len(data["tables"]) + 1)
    rounds = range(1, len(data["rounds"]) + 1)
    people = _ids(data["participants"], "participants")
    notes = _ids(data["notes"], "notes")
    challenges = _ids(data["challenges"], "challenges")
    fields = {f["key"] for f in data["fields"]}
    if data["workshop"]["phase"] not in PHASES:
        raise ValueError(f"unknown phase {data['workshop']['phase']!r}")
    for person in data["participants"]:
        _member(person["home_table"], tables, "participants[].home_table")
        _member(person["role"], ROLES, "participants[].role")
        if not isinstance(person["present"], bool):
            raise TypeError(f"participants[].present must be true or false: {person['present']!r}")
    for seat in data["seats"]:
        _member(seat["round"], rounds, "seats[].round")
        _member(seat["participant"], people, "seats[].participant")
        _member(seat["table"], tables, "seats[].table")
    for note in data["notes"]:
        _member(note["table"], tables, "notes[].table")
        _member(note["round"], rounds, "notes[].round")
        _member(note["field"], fields, "notes[].field")
        if note["author"] is not None:
            _member(note["author"], people, "notes[].author")
        _text(note["text"])
    for challenge in data["challenges"]:
        _text(challenge["text"])
        for source in challenge["sources"]:
            _member(source, notes, "challenges[].sources")
    for ballot in data["ballots"]:
        _text(ballot["receipt"])
        for challenge_id in ballot["choice"]:
            _member(int(challenge_id), challenges, "ballots[].choice")
    voted = data["turnout"]["voted"]
    paper = _count(data["turnout"].get("paper_ballots"))
    if not isinstance(voted, int) or not paper <= voted <= len(people) + paper:
        raise ValueError(f"turnout.voted must be {paper} to {len(people) + paper}, found {voted!r}")
    _count(data["turnout"].get("codes_printed"))
    _count(data["turnout"].get("codes_used"))


def _count(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a count of voter codes, found {value!r}")
    return value


def _ids(entries: Sequence[Mapping[str, Any]], what: str) -> list[int]:
    ids = [e["id"] for e in entries]
    if ids != list(range(1, len(ids) + 1)):
        raise ValueError(f"{what} must be numbered 1, 2, 3 … in order")
    return ids


def _member(value: object, allowed: Sequence[Any] | set[Any] | range, where: str) -> None:
    if value not in allowed:
        raise ValueError(f"{where}: {value!r} is not in the archive")


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=None) if moment.tzinfo else moment  # stored as naive UTC


def _restore_state(workshop: Workshop, data: Mapping[str, Any]) -> None:
    about, vote = data["workshop"], data["vote"]
    workshop.phase = about["phase"]
    current = about["current_round"]
    workshop.current_round = current - 1 if current else -1
    workshop.round_running = False  # an archive is never imported mid-round
    workshop.created_at = _time(about["created_at"]) or workshop.created_at
    workshop.points_budget = int(vote["points_budget"])
    workshop.points_per_item = int(vote["points_per_item"])
    workshop.approvals_max = int(vote["approvals_max"])
    # The codes themselves were deleted when the vote closed; their counts are restored.
    workshop.voter_codes_printed = _count(data["turnout"].get("codes_printed"))
    workshop.voter_codes_used = _count(data["turnout"].get("codes_used"))
    workshop.paper_ballots = _count(data["turnout"].get("paper_ballots"))
    for round_, archived in zip(workshop.rounds, data["rounds"], strict=True):
        round_.started_at = _time(archived["started_at"])
        round_.ended_at = _time(archived["ended_at"])

    tables = workshop.tables
    placeholder = texts_for(workshop.language)["participant"]
    people = [
        Participant(
            workshop=workshop,
            # Nobody holds a token for an archived participant: nobody can sign in as one.
            token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
            name=p.get("name") or placeholder.format(number=p["id"]),
            home_table=tables[p["home_table"] - 1],
            role=p["role"],
            present=p["present"],
        )
        for p in data["participants"]
    ]
    db.session.add_all(people)
    db.session.flush()  # ids, in archive order
    db.session.add_all(
        Seat(
            workshop_id=workshop.id,
            participant_id=people[s["participant"] - 1].id,
            round_position=s["round"] - 1,
            table_id=tables[s["table"] - 1].id,
        )
        for s in data["seats"]
    )
    notes = [
        Note(
            workshop_id=workshop.id,
            table_id=tables[n["table"] - 1].id,
            round_position=n["round"] - 1,
            field=n["field"],
            text=n["text"],
            author_id=people[n["author"] - 1].id if n["author"] is not None else None,
            created_at=_time(n["created_at"]),
        )
        for n in data["notes"]
    ]
    db.session.add_all(notes)
    db.session.flush()
    challenges = [
        Challenge(
            workshop_id=workshop.id,
            position=position,
            text=c["text"],
            sources=[notes[source - 1] for source in c["sources"]],
        )
        for position, c in enumerate(data["challenges"])
    ]
    workshop.challenges.extend(challenges)
    db.session.flush()
    db_id = {position: str(c.id) for position, c in enumerate(challenges, start=1)}
    db.session.add_all(
        Ballot(
            id=secrets.token_hex(16),
            workshop_id=workshop.id,
            choice=_stored_choice(b["choice"], db_id),
            receipt=b["receipt"],
        )
        for b in data["ballots"]
    )
    # The archive keeps how many voted, never who: the roll is refilled with people drawn at
    # random (present ones first), so turnout counts right and says nothing about anyone.
    # Paper ballots stand for people who joined no list: only the phones' voters are on it.
    voted = data["turnout"]["voted"] - _count(data["turnout"].get("paper_ballots"))
    present = [p for p in people if p.present]
    voters = secrets.SystemRandom().sample(present if voted <= len(present) else people, voted)
    db.session.add_all(VoterRollEntry(workshop_id=workshop.id, participant_id=p.id) for p in voters)


def _stored_choice(choice: Any, db_id: dict[int, str]) -> Any:
    if isinstance(choice, dict):
        return {db_id[int(challenge)]: int(points) for challenge, points in choice.items()}
    return [db_id[int(challenge)] for challenge in choice]
