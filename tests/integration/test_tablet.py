"""A shared tablet keeps one table's form for people without a phone."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_socketio import SocketIOTestClient

from cocreate.db import db
from cocreate.extensions import socketio
from cocreate.workshop import services
from cocreate.workshop.models import Note, Workshop
from tests.clients import act


def tablet_client(app: Flask, workshop: Any, table_id: int, key: str) -> SocketIOTestClient:
    http = app.test_client()
    http.set_cookie("cocreate_lang", "en")
    return socketio.test_client(
        app, flask_test_client=http, auth={"code": workshop.code, "table": table_id, "key": key}
    )


def tablet_key(workshop: Any, table_id: int) -> str:
    """A new tablet link for the table, as the facilitator makes one; returns its key."""
    _table, key, _replaced = services.create_tablet_link(workshop, table_id)
    return key


def test_tablet_link_opens_the_tables_form_and_adds_notes_there(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(f"Person {i}") for i in range(6)]
    ws = db.session.get(Workshop, workshop.id)
    table = ws.tables[1]
    made = act(facilitator, "create_tablet_link", {"table_id": table.id})
    assert made["ok"] and made["table_id"] == table.id, made
    path = made["path"]
    assert path.startswith(f"/w/{workshop.code}/table/{table.id}/")
    assert app.test_client().get(path).status_code == 200
    tables = {t["id"]: t for t in act(facilitator, "sync")["snapshot"]["tables"]}
    assert tables[table.id]["tablet_link"] == made["link_id"]
    assert tables[ws.tables[0].id]["tablet_link"] is None
    key = path.rsplit("/", 1)[1]
    tablet = tablet_client(app, workshop, table.id, key)
    assert tablet.is_connected()
    act(facilitator, "start_round")

    ack = tablet.emit(
        "add_note", {"field": "ideas", "text": "Skrevet på bordets tablet"}, callback=True
    )

    assert ack["ok"], ack
    note = db.session.get(Note, ack["note_id"])
    assert note.table_id == table.id and note.author_id is None
    snap = tablet.emit("sync", {}, callback=True)["snapshot"]
    assert snap["view"] == "tablet" and snap["notes"][0]["mine"] is True
    # the table's note-taker sees it on the form; the tablet may tidy the form
    assert tablet.emit("edit_note", {"note_id": note.id, "text": "Renskrevet"}, callback=True)["ok"]
    seated = [p for p in phones if p.snapshot()["seat"]["id"] == table.id]
    assert any("Renskrevet" in [n["text"] for n in p.snapshot()["notes"]] for p in seated)


def test_a_tablet_is_no_facilitator_and_cannot_vote(
    app: Flask, workshop: Any, join_phone: Any
) -> None:
    ws = db.session.get(Workshop, workshop.id)
    table = ws.tables[0]
    tablet = tablet_client(app, workshop, table.id, tablet_key(ws, table.id))
    assert tablet.is_connected()
    for event in ("start_round", "open_vote", "shortlist_add", "set_role"):
        assert tablet.emit(event, {}, callback=True)["error"] == "Only the facilitator can do that."
    refused = tablet.emit("cast_ballot", {"choice": []}, callback=True)
    assert not refused["ok"]


def test_wrong_or_foreign_table_keys_are_refused(app: Flask, workshop: Any) -> None:
    ws = db.session.get(Workshop, workshop.id)
    first, second = ws.tables[0], ws.tables[1]
    assert not tablet_client(app, workshop, first.id, "guess").is_connected()
    # a key is bound to its table: the first table's key does not open the second
    assert not tablet_client(app, workshop, second.id, tablet_key(ws, first.id)).is_connected()
    assert app.test_client().get(f"/w/{workshop.code}/table/{first.id}/guess").status_code == 403
