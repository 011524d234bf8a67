"""The facilitator's tools for a shortlist made from many notes: look-alike hints computed on
the server, and look-alike notes added as one shortlist item."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.clients import act

NOTES = [
    "For få frivillige i Maglehøj",
    "Mandatet i indsatsteamene er uklart",
    "Der er for få frivillige i Maglehøj-området",
    "Skolerne mangler tid til samarbejdet med familierne",
    "Uklart mandat for indsatsteamene",
    "Mangel på frivillige, især i Maglehøj",
]


def to_shortlist(facilitator: Any, phones: list[Any]) -> list[int]:
    assert act(facilitator, "start_round")["ok"]
    ids = [
        phones[i % len(phones)].act("add_note", {"field": "challenges", "text": text})["note_id"]
        for i, text in enumerate(NOTES)
    ]
    act(facilitator, "end_round")
    assert act(facilitator, "begin_consolidation")["ok"]
    return ids


def snapshot(facilitator: Any) -> dict[str, Any]:
    return act(facilitator, "sync")["snapshot"]


def test_look_alike_notes_are_hinted_and_added_as_one_item(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(name) for name in ("Anna", "Bo", "Cecilie")]
    ids = to_shortlist(facilitator, phones)
    alike = snapshot(facilitator)["look_alike"]
    assert alike["groups"] == [[ids[0], ids[2], ids[5]], [ids[1], ids[4]]]
    assert alike["merge_into"] == {}

    ack = act(facilitator, "shortlist_add_alike", {"note_ids": [ids[0], ids[2], ids[5]]})
    assert ack["ok"], ack
    after = snapshot(facilitator)
    [challenge] = after["challenges"]
    assert challenge["text"] == NOTES[0]
    assert [s["note_id"] for s in challenge["sources"]] == [ids[0], ids[2], ids[5]]
    # The listed notes leave the hints; an item that one of the others looks like is named.
    assert after["look_alike"]["groups"] == [[ids[1], ids[4]]]
    assert act(facilitator, "shortlist_add", {"text": "Tydeligt mandat til indsatsteamene"})["ok"]
    second = snapshot(facilitator)["challenges"][1]["id"]
    assert snapshot(facilitator)["look_alike"]["merge_into"] == {
        str(ids[1]): second,
        str(ids[4]): second,
    }


def test_a_refused_look_alike_group_changes_nothing(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(name) for name in ("Anna", "Bo")]
    ids = to_shortlist(facilitator, phones)
    assert act(facilitator, "shortlist_add", {"note_id": ids[2]})["ok"]
    refused = act(facilitator, "shortlist_add_alike", {"note_ids": [ids[0], ids[2]]})
    assert refused == {"ok": False, "error": "That note is already on the shortlist."}
    assert len(snapshot(facilitator)["challenges"]) == 1
    for bad in (None, "1,2", [ids[0]], [ids[0], ids[0]], [ids[0], "x"], [ids[0], 10**9]):
        answer = act(facilitator, "shortlist_add_alike", {"note_ids": bad})
        assert answer["ok"] is False and answer["error"], bad
    assert len(snapshot(facilitator)["challenges"]) == 1
    # A phone cannot do it.
    assert phones[0].act("shortlist_add_alike", {"note_ids": [ids[0], ids[1]]})["ok"] is False


def test_no_hints_outside_the_shortlist(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    assert snapshot(facilitator)["look_alike"] is None
