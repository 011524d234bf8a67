"""One phone cannot flood the room: each connection's actions pass a token bucket (a burst,
then a steady rate); over the limit the action is refused with a message and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from cocreate.db import db
from cocreate.live import ratelimit
from cocreate.workshop.models import Note
from tests.clients import Phone, act

TOO_FAST = "Too many actions at once. Wait a moment and try again."


class FrozenClock:
    """The bucket's clock, moved by hand: the test says how much time passes."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    frozen = FrozenClock()
    monkeypatch.setattr(ratelimit, "clock", frozen)
    return frozen


def notes_by(phone: Phone) -> int:
    me = phone.snapshot()["me"]["id"]
    return db.session.scalar(select(func.count()).select_from(Note).where(Note.author_id == me))


def test_a_burst_of_notes_from_one_socket_is_cut_at_the_limit(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any, clock: FrozenClock
) -> None:
    flooder, neighbour = join_phone("Flood"), join_phone("Nabo")
    assert act(facilitator, "start_round")["ok"]
    burst = app.config["PHONE_ACTION_BURST"]

    acks = [
        flooder.act("add_note", {"field": "ideas", "text": f"Spam {i}", "client_id": f"s{i}"})
        for i in range(100)
    ]

    accepted = [a for a in acks if a["ok"]]
    refused = [a for a in acks if not a["ok"]]
    assert len(accepted) == burst  # no time passed: no refill
    assert all(a["error"] == TOO_FAST and a["retry_after"] > 0 for a in refused)
    assert len(refused) == 100 - burst
    assert notes_by(flooder) == burst
    # Another phone is unaffected, and the facilitator is never limited.
    assert neighbour.act("add_note", {"field": "ideas", "text": "Min idé"})["ok"]
    assert all(act(facilitator, "extend_round")["ok"] for _ in range(burst + 5))

    clock.now += 1 / app.config["PHONE_ACTION_RATE"]  # one token back
    assert flooder.act("add_note", {"field": "ideas", "text": "Efter pausen"})["ok"]
    assert flooder.act("add_note", {"field": "ideas", "text": "For hurtigt"})["error"] == TOO_FAST
    assert notes_by(flooder) == burst + 1


def test_every_phone_action_spends_from_the_same_bucket(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any, clock: FrozenClock
) -> None:
    phone = join_phone("Flood")
    assert act(facilitator, "start_round")["ok"]
    note_id = phone.act("add_note", {"field": "ideas", "text": "Original"})["note_id"]
    for _ in range(app.config["PHONE_ACTION_BURST"] - 1):
        phone.act("volunteer", {"role": "host"})  # refused by the rules, but still spent
    for event, payload in [
        ("edit_note", {"note_id": note_id, "text": "Ændret"}),
        ("delete_note", {"note_id": note_id}),
        ("volunteer", {"role": "notetaker"}),
        ("cast_ballot", {"choice": []}),
        ("add_note", "not a dict"),
    ]:
        assert phone.act(event, payload) == {
            "ok": False,
            "error": TOO_FAST,
            "retry_after": pytest.approx(1.0),
        }, event
    db.session.expire_all()
    assert db.session.get(Note, note_id).text == "Original"


def test_the_bucket_belongs_to_the_socket(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any, clock: FrozenClock
) -> None:
    """Kept in the connection's session, it goes away with the socket: a second tab has its
    own (more sockets from one address are what the join limit per address is for)."""
    from cocreate.extensions import socketio

    phone = join_phone("To faner")
    assert act(facilitator, "start_round")["ok"]
    for i in range(app.config["PHONE_ACTION_BURST"]):
        assert phone.act("add_note", {"field": "ideas", "text": f"Note {i}"})["ok"]
    assert phone.act("add_note", {"field": "ideas", "text": "En til"})["error"] == TOO_FAST
    second_tab = socketio.test_client(
        app, flask_test_client=phone.http, auth={"code": workshop.code}
    )
    assert second_tab.emit("add_note", {"field": "ideas", "text": "Anden fane"}, callback=True)[
        "ok"
    ]


def test_the_limit_message_is_in_the_phones_language(
    app: Flask, workshop: Any, facilitator: Any, clock: FrozenClock
) -> None:
    phone = Phone(app, workshop.code, "Dansker", language="da")
    assert act(facilitator, "start_round")["ok"]
    acks = [
        phone.act("add_note", {"field": "ideas", "text": f"Note {i}"})
        for i in range(app.config["PHONE_ACTION_BURST"] + 1)
    ]
    assert acks[-1]["ok"] is False and "Vent et øjeblik" in acks[-1]["error"]
