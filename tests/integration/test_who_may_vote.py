"""Who may vote: joining closes when the shortlist begins, a latecomer waits until the
facilitator admits them, and the facilitator marks people gone or present until the vote closes.
Gone and waiting people cannot vote or write."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.voting.models import Ballot, VoterRollEntry
from cocreate.workshop import services
from cocreate.workshop.models import Participant, Workshop
from tests.clients import Phone, act
from tests.integration.test_shortlist_and_vote import open_vote_with_three, through_rounds


@pytest.fixture
def phones(join_phone: Any) -> list[Any]:
    return [join_phone(name) for name in ("Anna", "Bo", "Cecilie", "Dan", "Emil", "Fatima")]


def facilitator_view(facilitator: Any) -> dict[str, Any]:
    return act(facilitator, "sync")["snapshot"]


def person(facilitator: Any, name: str) -> dict[str, Any]:
    return next(p for p in facilitator_view(facilitator)["participants"] if p["name"] == name)


def ballots() -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot)) or 0


def test_someone_joining_during_the_vote_waits_and_cannot_vote(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = open_vote_with_three(facilitator, phones)
    before = facilitator_view(facilitator)["turnout"]

    attacker = Phone(app, workshop.code, "Mallory")  # has the join code from the poster
    refused = attacker.act("cast_ballot", {"choice": ids})

    assert not refused["ok"]
    assert "waiting" in refused["error"] and "facilitator" in refused["error"]
    assert ballots() == 0
    assert db.session.scalar(select(func.count()).select_from(VoterRollEntry)) == 0
    assert facilitator_view(facilitator)["turnout"] == before  # not even counted as eligible
    assert attacker.snapshot()["waiting"] is True
    shown = person(facilitator, "Mallory")
    assert shown["waiting"] is True and shown["late"] is True
    assert person(facilitator, "Anna")["waiting"] is False


def test_the_facilitator_admits_a_latecomer_who_then_votes(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = open_vote_with_three(facilitator, phones)
    latecomer = Phone(app, workshop.code, "Gustav")
    me = latecomer.snapshot()["me"]["id"]

    assert act(facilitator, "admit", {"participant_id": me}) == {"ok": True}

    assert latecomer.snapshot()["waiting"] is False
    cast = latecomer.act("cast_ballot", {"choice": ids})
    assert cast["ok"] and cast["receipt"]
    assert facilitator_view(facilitator)["turnout"] == {
        "voted": 1,
        "eligible": 7,
        "codes_used": None,
        "paper": 0,
    }
    assert person(facilitator, "Gustav")["late"] is True  # still shown as a latecomer


def test_someone_marked_gone_during_the_vote_cannot_vote(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = open_vote_with_three(facilitator, phones)
    gone = phones[0].snapshot()["me"]["id"]

    marked = act(facilitator, "set_present", {"participant_id": gone, "present": False})

    assert marked == {"ok": True}
    refused = phones[0].act("cast_ballot", {"choice": ids})
    assert not refused["ok"] and "marked as gone" in refused["error"]
    assert ballots() == 0
    assert facilitator_view(facilitator)["turnout"] == {
        "voted": 0,
        "eligible": 5,
        "codes_used": None,
        "paper": 0,
    }
    # Marked here again, they vote.
    assert act(facilitator, "set_present", {"participant_id": gone, "present": True})["ok"]
    assert phones[0].act("cast_ballot", {"choice": ids})["ok"]
    assert ballots() == 1


def test_presence_is_fixed_once_the_vote_has_closed(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    open_vote_with_three(facilitator, phones)
    act(facilitator, "close_vote")
    someone = phones[1].snapshot()["me"]["id"]
    refused = act(facilitator, "set_present", {"participant_id": someone, "present": False})
    assert refused == {"ok": False, "error": "Presence can only change until the vote closes."}


def test_the_ballot_checks_presence_in_its_own_transaction(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    """Marked gone after the voter's row was read (a concurrent facilitator): still refused."""
    from cocreate.voting import services as voting

    ids = open_vote_with_three(facilitator, phones)
    voter = db.session.get(Participant, phones[2].snapshot()["me"]["id"])
    assert voter is not None and voter.present
    with db.engine.begin() as other:  # the facilitator's commit, behind this session's back
        other.execute(
            db.update(Participant).where(Participant.id == voter.id).values(present=False)
        )
    assert voter.present  # what this session read before

    with pytest.raises(ActionRefused, match="marked as gone"):
        voting.cast_ballot(voter, [str(i) for i in ids])
    assert ballots() == 0


def test_joining_closes_at_the_shortlist_and_the_facilitator_reopens_it(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    assert facilitator_view(facilitator)["joining_open"] is True
    through_rounds(facilitator, phones)
    assert facilitator_view(facilitator)["joining_open"] is False
    assert Phone(app, workshop.code, "Waits").snapshot()["waiting"] is True

    assert act(facilitator, "set_joining", {"open": True}) == {"ok": True}
    assert facilitator_view(facilitator)["joining_open"] is True
    welcome = Phone(app, workshop.code, "Welcome")
    assert welcome.snapshot()["waiting"] is False
    assert person(facilitator, "Welcome")["late"] is True
    assert person(facilitator, "Waits")["waiting"] is True  # reopening admits nobody by itself

    assert act(facilitator, "set_joining", {"open": False})["ok"]
    assert Phone(app, workshop.code, "Waits too").snapshot()["waiting"] is True


def test_a_waiting_person_cannot_write_and_sees_no_table_form(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    through_rounds(facilitator, phones)  # each of three phones wrote a note at home
    waiting = Phone(app, workshop.code, "Venter")
    snap = waiting.snapshot()
    assert snap["waiting"] is True and snap["notes"] == [] and snap["shortlist"] == []

    refused = waiting.act("add_note", {"field": "challenges", "text": "Stemmefiskeri"})

    assert not refused["ok"] and "waiting" in refused["error"]
    assert "Stemmefiskeri" not in {n["text"] for n in facilitator_view(facilitator)["notes"]}


def test_late_joiners_during_the_rounds_take_part_as_before(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    assert act(facilitator, "start_round")["ok"]
    late = Phone(app, workshop.code, "Sen Ankomst")
    snap = late.snapshot()
    assert snap["waiting"] is False and snap["seat"]["at_home"]
    assert late.act("add_note", {"field": "ideas", "text": "Kom ind"})["ok"]
    assert person(facilitator, "Sen Ankomst")["late"] is True
    assert person(facilitator, "Anna")["late"] is False


def test_a_waiting_person_is_not_seated_until_admitted(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    assert act(facilitator, "set_joining", {"open": False})["ok"]  # the lobby, closed early
    waiting = Phone(app, workshop.code, "Venter")
    pid = waiting.snapshot()["me"]["id"]
    assert waiting.act("volunteer", {"role": "host"})["ok"] is False
    assert act(facilitator, "start_round")["ok"]
    ws = db.session.get(Workshop, workshop.id)
    assert pid not in services.seating(ws, 0)

    assert act(facilitator, "admit", {"participant_id": pid})["ok"]
    db.session.expire_all()
    ws = db.session.get(Workshop, workshop.id)
    assert services.seating(ws, 0)[pid] == db.session.get(Participant, pid).home_table_id
    assert pid in services.seating(ws, 1)  # re-planned into the rotation
    assert waiting.act("add_note", {"field": "ideas", "text": "Nu er jeg med"})["ok"]


def test_bad_admit_and_joining_requests_change_nothing(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    for payload in (
        {},
        {"participant_id": "1"},
        {"participant_id": 10**30},
        {"participant_id": True},
    ):
        ack = act(facilitator, "admit", payload)
        assert ack == {"ok": False, "error": "No such participant in this workshop."}, payload
    for payload in ({}, {"open": "yes"}, {"open": 1}):
        ack = act(facilitator, "set_joining", payload)
        assert ack == {"ok": False, "error": "Say whether joining is open."}, payload
    assert phones[0].act("admit", {"participant_id": 1}) == {
        "ok": False,
        "error": "Only the facilitator can do that.",
    }
    assert phones[0].act("set_joining", {"open": False})["ok"] is False
    assert facilitator_view(facilitator)["joining_open"] is True


def test_admit_and_joining_refused_after_the_vote(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    open_vote_with_three(facilitator, phones)
    waiting = Phone(app, workshop.code, "For sent")
    pid = waiting.snapshot()["me"]["id"]
    act(facilitator, "close_vote")
    assert not act(facilitator, "admit", {"participant_id": pid})["ok"]
    assert not act(facilitator, "set_joining", {"open": True})["ok"]


def test_the_waiting_message_is_in_the_phones_language(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = open_vote_with_three(facilitator, phones)
    danish = Phone(app, workshop.code, "Dansker", language="da")
    refused = danish.act("cast_ballot", {"choice": ids})
    assert not refused["ok"] and "venter" in refused["error"]
