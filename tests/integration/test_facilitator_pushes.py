"""The facilitator's pushed state is built in parts, each rebuilt only when a change touched it
(cocreate/live/publish.py). Whatever the chain of changes, what was pushed must equal the
state built afresh from the database."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import force_locale
from flask_socketio import SocketIOTestClient
from sqlalchemy import update

from cocreate.db import db
from cocreate.live import facilitator as screens
from cocreate.workshop.models import Workshop
from tests.clients import Phone, act


def last_pushed(facilitator: SocketIOTestClient) -> dict[str, Any]:
    pushes = [e["args"][0] for e in facilitator.get_received() if e["name"] == "facilitator_state"]
    assert pushes, "the facilitator heard nothing"
    return pushes[-1]["snapshot"]


def assert_pushed_is_fresh(
    app: Flask, workshop: Workshop, facilitator: Any, step: str
) -> dict[str, Any]:
    """The last pushed state, after checking it against a fresh build."""
    pushed = last_pushed(facilitator)
    db.session.expire_all()
    with force_locale("en"):
        fresh = screens.facilitator_snapshot(
            workshop,
            str(app.config["PUBLIC_URL"]),
            version=pushed["v"],
            plan_quality=screens.plan_quality(workshop),
        )
    different = sorted(k for k in fresh if k != "server_now" and fresh[k] != pushed.get(k))
    assert not different, f"after {step}: pushed {different} differ from the database"
    return pushed


def test_every_push_in_a_whole_workshop_equals_a_fresh_build(
    app: Flask, workshop: Workshop, join_phone: Any, facilitator: SocketIOTestClient
) -> None:
    def check(step: str) -> dict[str, Any]:
        return assert_pushed_is_fresh(app, workshop, facilitator, step)

    phones: list[Phone] = []
    for name in ("Åse Ødegård", "Bo", "Cecilie", "Dorthe", "Erik", "Frida"):
        phones.append(join_phone(name))
        check(f"{name} joined")
    assert phones[0].act("volunteer", {"role": "notetaker"})["ok"]
    check("a volunteer")
    assert act(facilitator, "create_tablet_link", {"table_id": workshop.tables[0].id})["ok"]
    check("a tablet link")

    for number in range(3):
        assert act(facilitator, "start_round")["ok"]
        check(f"round {number + 1} started")
        for i, phone in enumerate(phones):
            field = "challenges" if i % 2 else "ideas"
            text = f"Udfordring {number}-{i}: flere bænke ved søerne"
            ack = phone.act(
                "add_note", {"client_id": f"{number}-{i}", "field": field, "text": text}
            )
            assert ack["ok"], ack
            check(f"a note in round {number + 1}")
            if number == 0 and i == 1:
                assert phone.act("edit_note", {"note_id": ack["note_id"], "text": "Læ"})["ok"]
                check("an edited note")
            if number == 1 and i == 2:
                assert phone.act("delete_note", {"note_id": ack["note_id"]})["ok"]
                check("a deleted note")
        assert act(facilitator, "end_round")["ok"]
        check(f"round {number + 1} ended")

    assert act(facilitator, "begin_consolidation")["ok"]
    board = check("the shortlist began")
    challenges = [n for n in board["notes"] if n["field"] == "challenges"]
    assert act(facilitator, "shortlist_add", {"note_id": challenges[0]["id"]})["ok"]
    item = check("a shortlist item")["challenges"][0]["id"]
    merged = act(
        facilitator, "shortlist_merge", {"note_id": challenges[1]["id"], "challenge_id": item}
    )
    assert merged["ok"], merged
    check("a merge")
    for note in challenges[2:4]:
        assert act(facilitator, "shortlist_add", {"note_id": note["id"]})["ok"]
    check("more items")

    assert act(facilitator, "open_vote")["ok"]
    ids = [c["id"] for c in check("the vote opened")["challenges"]]
    for phone in phones[:4]:
        assert phone.act("cast_ballot", {"choice": ids})["ok"]
        check("a ballot")
    assert act(facilitator, "close_vote")["ok"]
    check("the vote closed")


def test_a_change_by_another_worker_rebuilds_every_part(
    app: Flask, workshop: Workshop, join_phone: Any, facilitator: SocketIOTestClient
) -> None:
    phones = [join_phone(name) for name in ("Anna", "Bo", "Cecilie")]
    assert act(facilitator, "start_round")["ok"]
    facilitator.get_received()
    # Another worker renamed someone and bumped the version; this process knows nothing.
    db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(state_version=Workshop.state_version + 1)
    )
    workshop.participants[1].name = "Bodil"
    db.session.commit()
    assert phones[0].act("add_note", {"client_id": "x", "field": "ideas", "text": "Læ"})["ok"]
    pushed = assert_pushed_is_fresh(app, workshop, facilitator, "another worker's change")
    assert "Bodil" in {p["name"] for p in pushed["participants"]}
