"""Notes on the table forms: who may add, edit and remove, and who sees them."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from cocreate.db import db
from cocreate.workshop.models import Note
from tests.clients import act


def note_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Note)) or 0


def started(join_phone: Any, facilitator: Any, n: int = 9) -> list[Any]:
    phones = [join_phone(f"Person {i}") for i in range(n)]
    assert act(facilitator, "start_round")["ok"]
    return phones


def test_notes_only_during_rounds(app: Flask, workshop: Any, join_phone: Any) -> None:
    phone = join_phone("Tidlig")
    ack = phone.act("add_note", {"field": "ideas", "text": "Hej"})
    assert not ack["ok"] and "during the rounds" in ack["error"]
    assert note_count() == 0


def test_note_goes_to_the_table_you_sit_at_and_tablemates_see_it(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = started(join_phone, facilitator)
    author = phones[0]
    seat = author.snapshot()["seat"]
    ack = author.act("add_note", {"field": "challenges", "text": "Mandatet er uklart æøå 🙂"})
    assert ack["ok"]
    note = db.session.get(Note, ack["note_id"])
    assert note.table_id == seat["id"] and note.round_position == 0

    for phone in phones[1:]:
        texts = [n["text"] for n in phone.snapshot()["notes"]]
        sits_there = phone.snapshot()["seat"]["id"] == seat["id"]
        assert ("Mandatet er uklart æøå 🙂" in texts) == sits_there
    wall = act(facilitator, "sync")["snapshot"]["notes"]
    assert [n["text"] for n in wall] == ["Mandatet er uklart æøå 🙂"]


def test_bad_notes_are_refused_with_a_message_and_nothing_stored(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phone = started(join_phone, facilitator)[0]
    cases = [
        ({"field": "ideas", "text": "   "}, "note is empty"),
        ({"field": "ideas", "text": "x" * 1001}, "too long"),
        ({"field": "nonsense", "text": "Hej"}, "Unknown form field"),
        ({"field": "ideas", "text": 42}, "not text"),
        ({"field": "ideas", "text": "Hej", "client_id": "x" * 65}, "Invalid note id"),
    ]
    for payload, message in cases:
        ack = phone.act("add_note", payload)
        assert not ack["ok"] and message in ack["error"], payload
    assert phone.socket.emit("add_note", "not a dict", callback=True)["ok"] is False
    assert note_count() == 0


def test_a_resent_note_is_stored_once(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phone = started(join_phone, facilitator)[0]
    payload = {"field": "ideas", "text": "Fælles nyhedsbrev", "client_id": "c-123"}
    first = phone.act("add_note", payload)
    again = phone.act("add_note", payload)
    assert first["ok"] and again["ok"] and first["note_id"] == again["note_id"]
    assert note_count() == 1


def test_notetaker_edits_and_removes_notes_at_their_table_others_cannot(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = started(join_phone, facilitator, n=12)
    snaps = [p.snapshot() for p in phones]
    notetaker = next(
        p for p, s in zip(phones, snaps, strict=True) if s["me"]["role"] == "notetaker"
    )
    table = notetaker.snapshot()["me"]["home"]["id"]
    author = next(
        p
        for p, s in zip(phones, snaps, strict=True)
        if s["me"]["role"] == "member" and s["seat"]["id"] == table
    )
    stranger = next(
        p
        for p, s in zip(phones, snaps, strict=True)
        if s["me"]["role"] == "member" and s["seat"]["id"] != table
    )
    note_id = author.act("add_note", {"field": "ideas", "text": "Første udkast"})["note_id"]

    refused = stranger.act("edit_note", {"note_id": note_id, "text": "Hærværk"})
    assert not refused["ok"] and "note-taker" in refused["error"]
    assert notetaker.act("edit_note", {"note_id": note_id, "text": "Renskrevet"})["ok"]
    db.session.expire_all()
    assert db.session.get(Note, note_id).text == "Renskrevet"
    assert notetaker.act("delete_note", {"note_id": note_id})["ok"]
    assert note_count() == 0


def test_the_table_form_shows_every_round_to_hosts_and_visitors(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = started(join_phone, facilitator, n=12)
    host = next(p for p in phones if p.snapshot()["me"]["role"] == "host")
    home = host.snapshot()["me"]["home"]["id"]
    writer = next(
        p
        for p in phones
        if p.snapshot()["me"]["role"] == "member" and p.snapshot()["seat"]["id"] == home
    )
    writer.act("add_note", {"field": "ideas", "text": "Idé fra runde 1"})
    act(facilitator, "end_round")
    act(facilitator, "start_round")

    assert "Idé fra runde 1" in [n["text"] for n in host.snapshot()["notes"]]
    assert writer.snapshot()["seat"]["id"] != home  # the writer has moved on ...
    assert "Idé fra runde 1" not in [n["text"] for n in writer.snapshot()["notes"]]
    visitors = [p for p in phones if p.snapshot()["seat"]["id"] == home and p is not host]
    for visitor in visitors:  # ... and whoever sits there now reads what round 1 wrote
        notes = visitor.snapshot()["notes"]
        assert [(n["text"], n["round"]) for n in notes] == [("Idé fra runde 1", 1)]
        assert notes[0]["mine"] is False or visitor.snapshot()["me"]["role"] == "notetaker"
