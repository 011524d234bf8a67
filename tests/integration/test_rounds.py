"""Rounds: only the facilitator drives them; seating keeps the World Café rules."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Flask
from sqlalchemy import select

from cocreate.db import db
from cocreate.timeutil import to_epoch_ms, utcnow
from cocreate.workshop import services
from cocreate.workshop.models import Participant, Workshop
from tests.clients import act


def seats_by_person(workshop: Workshop) -> dict[int, list[int]]:
    seats: dict[int, list[int]] = defaultdict(list)
    for position in range(len(workshop.rounds)):
        for pid, table in services.seating(workshop, position).items():
            seats[pid].append(table)
    return seats


def test_a_participant_cannot_send_facilitator_events(
    app: Flask, workshop: Any, join_phone: Any
) -> None:
    phone = join_phone("Freja")
    for event in (
        "start_round",
        "end_round",
        "begin_consolidation",
        "open_vote",
        "close_vote",
        "set_role",
        "shortlist_add",
    ):
        ack = phone.act(event, {"participant_id": 1, "role": "host", "text": "x"})
        assert ack == {"ok": False, "error": "Only the facilitator can do that."}, event
    db.session.expire_all()
    assert db.session.get(Workshop, workshop.id).phase == "lobby"


def test_start_extend_end_rounds_with_a_server_deadline(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(f"Person {i}") for i in range(9)]

    assert act(facilitator, "start_round")["ok"]
    snap = phones[0].snapshot()
    deadline = snap["round"]["deadline"]
    assert snap["workshop"]["phase"] == "rounds" and snap["round"]["number"] == 1
    assert abs(deadline - (to_epoch_ms(utcnow()) + 10 * 60_000)) < 5_000

    assert act(facilitator, "start_round")["error"].startswith("A round is already running")
    assert act(facilitator, "extend_round")["ok"]
    assert phones[1].snapshot()["round"]["deadline"] == deadline + 60_000

    assert act(facilitator, "end_round")["ok"]
    between = phones[0].snapshot()
    assert between["round"]["running"] is False and between["next_seat"]["round_number"] == 2
    assert not act(facilitator, "end_round")["ok"]
    assert act(facilitator, "start_round")["ok"]
    assert act(facilitator, "begin_consolidation")["error"] == "End the current round first."
    assert act(facilitator, "end_round")["ok"]
    assert act(facilitator, "start_round")["ok"]
    assert act(facilitator, "end_round")["ok"]
    assert act(facilitator, "start_round")["error"].startswith("All rounds have been played")
    assert act(facilitator, "begin_consolidation")["ok"]


def test_seating_keeps_hosts_home_rotates_travellers_and_returns_home(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    for i in range(12):
        join_phone(f"Person {i}")
    assert act(facilitator, "start_round")["ok"]
    db.session.expire_all()
    ws = db.session.get(Workshop, workshop.id)
    people = {p.id: p for p in ws.participants}
    seats = seats_by_person(ws)

    for table in ws.tables:  # every table got a host and a note-taker who stay
        roles = {p.role for p in people.values() if p.home_table_id == table.id}
        assert {"host", "notetaker"} <= roles
    for pid, tables in seats.items():
        home = people[pid].home_table_id
        assert tables[0] == home and tables[-1] == home
        if people[pid].stays_home:
            assert set(tables) == {home}
        else:
            away = tables[1:-1]
            assert home not in away and len(set(away)) == len(away)
    sizes = [list(services.seating(ws, 1).values()).count(t.id) for t in ws.tables]
    assert max(sizes) - min(sizes) <= 1


def test_phone_is_told_where_to_go_with_the_prompt(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(f"Person {i}") for i in range(9)]
    act(facilitator, "start_round")
    act(facilitator, "end_round")
    act(facilitator, "start_round")
    for phone in phones:
        snap = phone.snapshot()
        participant = db.session.get(Participant, snap["me"]["id"])
        table = services.seat_table(participant, 1)
        assert snap["seat"]["name"] == table.name
        assert snap["round"]["prompt"] == "Hvilke resultater har vi opnået?"
        assert snap["seat"]["at_home"] == (table.id == participant.home_table_id)


def test_late_joiner_sits_home_now_and_joins_the_rotation(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    for i in range(9):
        join_phone(f"Person {i}")
    act(facilitator, "start_round")
    before = seats_by_person(db.session.get(Workshop, workshop.id))

    late = join_phone("Sen Ankomst")
    me = late.snapshot()["me"]
    db.session.expire_all()
    ws = db.session.get(Workshop, workshop.id)
    after = seats_by_person(ws)

    assert after[me["id"]][0] == me["home"]["id"]
    assert after[me["id"]][-1] == me["home"]["id"]
    for pid, tables in before.items():  # the round under way did not change for anyone
        assert after[pid][0] == tables[0]


def test_facilitator_sets_roles_and_previous_holder_becomes_member(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(f"Person {i}") for i in range(6)]
    ids = [p.snapshot()["me"] for p in phones]
    same_table = [m["id"] for m in ids if m["home"]["id"] == ids[0]["home"]["id"]]
    assert act(facilitator, "set_role", {"participant_id": same_table[0], "role": "host"})["ok"]
    assert act(facilitator, "set_role", {"participant_id": same_table[1], "role": "host"})["ok"]
    db.session.expire_all()
    roles = {pid: db.session.get(Participant, pid).role for pid in same_table}
    assert roles[same_table[0]] == "member" and roles[same_table[1]] == "host"
    assert not act(facilitator, "set_role", {"participant_id": 999, "role": "host"})["ok"]
    assert not act(facilitator, "set_role", {"participant_id": same_table[0], "role": "boss"})["ok"]
    assert db.session.scalar(select(Participant.role).where(Participant.id == 999)) is None


def test_moving_someone_replans_only_the_coming_rounds(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(f"Person {i}") for i in range(12)]
    act(facilitator, "start_round")
    db.session.expire_all()
    ws = db.session.get(Workshop, workshop.id)
    traveller = next(p for p in ws.participants if p.role == "member")
    other_table = next(t for t in ws.tables if t.id != traveller.home_table_id)
    round_one = services.seating(ws, 0)

    ack = act(
        facilitator, "move_home", {"participant_id": traveller.id, "table_id": other_table.id}
    )

    assert ack["ok"], ack
    db.session.expire_all()
    ws = db.session.get(Workshop, workshop.id)
    assert services.seating(ws, 0) == round_one  # the round under way is untouched
    seats = seats_by_person(ws)
    assert seats[traveller.id][-1] == other_table.id  # home is now the new table
    assert not act(facilitator, "move_home", {"participant_id": traveller.id, "table_id": 999})[
        "ok"
    ]
    assert phones[0].act("move_home", {"participant_id": traveller.id, "table_id": 1})["ok"] is (
        False
    )


def test_someone_who_left_is_not_seated_in_coming_rounds(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    for i in range(12):
        join_phone(f"Person {i}")
    act(facilitator, "start_round")
    db.session.expire_all()
    ws = db.session.get(Workshop, workshop.id)
    host = next(p for p in ws.participants if p.role == "host")

    assert act(facilitator, "set_present", {"participant_id": host.id, "present": False})["ok"]
    db.session.expire_all()
    ws = db.session.get(Workshop, workshop.id)
    assert all(host.id not in services.seating(ws, r) for r in range(3))
    assert db.session.get(Participant, host.id).role == "member"
    assert not act(facilitator, "set_present", {"participant_id": host.id, "present": "no"})["ok"]
    act(facilitator, "end_round")
    assert act(facilitator, "start_round")["ok"]

    assert act(facilitator, "set_present", {"participant_id": host.id, "present": True})["ok"]
    db.session.expire_all()
    ws = db.session.get(Workshop, workshop.id)
    assert host.id in services.seating(ws, 2)


def test_pausing_keeps_the_time_left_and_resuming_gives_it_back(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phone = join_phone("Pause Person")
    assert not act(facilitator, "pause_round")["ok"]  # nothing to pause yet
    act(facilitator, "start_round")

    assert act(facilitator, "pause_round")["ok"]
    paused = phone.snapshot()["round"]
    assert paused["deadline"] is None and 595 <= paused["paused_left"] <= 600
    assert not act(facilitator, "pause_round")["ok"]
    assert act(facilitator, "extend_round")["ok"]  # a minute more while paused
    assert phone.snapshot()["round"]["paused_left"] >= 655
    assert phone.act("resume_round")["ok"] is False  # not a participant's to do

    assert act(facilitator, "resume_round")["ok"]
    resumed = phone.snapshot()["round"]
    assert resumed["paused_left"] is None
    left_ms = resumed["deadline"] - to_epoch_ms(utcnow())
    assert 650_000 <= left_ms <= 661_000
    assert not act(facilitator, "resume_round")["ok"]
    assert act(facilitator, "pause_round")["ok"] and act(facilitator, "end_round")["ok"]
    assert phone.snapshot()["round"]["paused_left"] is None


def test_ids_that_are_not_row_ids_are_refused_not_crashed_on(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(f"Person {i}") for i in range(6)]
    for bad in (2**70, True, -1, "1", 1.0, None, [1], {"id": 1}):
        for event, payload in [
            ("set_role", {"participant_id": bad, "role": "host"}),
            ("move_home", {"participant_id": bad, "table_id": 1}),
            ("set_present", {"participant_id": bad, "present": False}),
        ]:
            ack = act(facilitator, event, payload)
            assert ack["ok"] is False and ack["error"], (event, bad)
    act(facilitator, "start_round")
    for bad in (2**70, True):
        assert phones[0].act("edit_note", {"note_id": bad, "text": "x"})["ok"] is False


def test_moving_someone_to_their_own_table_keeps_their_role(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phone = join_phone("Referent Rita")
    me = phone.snapshot()["me"]
    assert act(facilitator, "set_role", {"participant_id": me["id"], "role": "notetaker"})["ok"]
    ack = act(facilitator, "move_home", {"participant_id": me["id"], "table_id": me["home"]["id"]})
    assert ack["ok"]
    assert phone.snapshot()["me"]["role"] == "notetaker"
