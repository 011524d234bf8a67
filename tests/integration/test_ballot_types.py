"""Dots and approval ballots, the facilitator's ballot settings, and the public ballot box."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from cocreate.db import db
from cocreate.voting.models import Ballot
from tests.clients import act

SHORTLIST = ["Tydeligere mandat", "Klarere ressourcer", "Fælles ledelse"]


@pytest.fixture
def phones(join_phone: Any) -> list[Any]:
    return [join_phone(name) for name in ("Anna", "Bo", "Cecilie", "Dan")]


def to_shortlist(facilitator: Any) -> list[int]:
    act(facilitator, "start_round")
    act(facilitator, "end_round")
    act(facilitator, "start_round")
    act(facilitator, "end_round")
    act(facilitator, "start_round")
    act(facilitator, "end_round")
    assert act(facilitator, "begin_consolidation")["ok"]
    for text in SHORTLIST:
        act(facilitator, "shortlist_add", {"text": text})
    return [c["id"] for c in act(facilitator, "sync")["snapshot"]["challenges"]]


def ballot_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot)) or 0


def test_dots_ballot_within_limits(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    a, b, c = to_shortlist(facilitator)
    ack = act(
        facilitator, "set_ballot", {"ballot_type": "dots", "points_budget": 4, "points_per_item": 2}
    )
    assert ack["ok"], ack
    assert phones[0].snapshot()["workshop"]["ballot"]["type"] == "dots"
    act(facilitator, "open_vote")

    too_many = phones[0].act("cast_ballot", {"choice": {str(a): 2, str(b): 2, str(c): 1}})
    assert not too_many["ok"] and "5" in too_many["error"]
    too_much_on_one = phones[0].act("cast_ballot", {"choice": {str(a): 3}})
    assert not too_much_on_one["ok"]
    nothing = phones[0].act("cast_ballot", {"choice": {}})
    assert not nothing["ok"] and "at least one point" in nothing["error"]
    assert ballot_count() == 0

    assert phones[0].act("cast_ballot", {"choice": {str(a): 2, str(b): 2}})["ok"]
    assert phones[1].act("cast_ballot", {"choice": {str(b): 2, str(c): 1}})["ok"]
    assert phones[2].act("cast_ballot", {"choice": {str(b): 1}})["ok"]
    act(facilitator, "close_vote")
    rows = act(facilitator, "sync")["snapshot"]["results"]["rows"]
    assert [(r["id"], r["score"]) for r in rows] == [(b, 5), (a, 2), (c, 1)]


def test_approval_ballot_limits_the_picks(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    a, b, c = to_shortlist(facilitator)
    assert act(facilitator, "set_ballot", {"ballot_type": "approval", "approvals_max": 2})["ok"]
    act(facilitator, "open_vote")
    refused = phones[0].act("cast_ballot", {"choice": [a, b, c]})
    assert not refused["ok"] and "2" in refused["error"]
    assert not phones[0].act("cast_ballot", {"choice": []})["ok"]
    for phone, picks in zip(phones, [[a, b], [b], [b, c]], strict=False):
        assert phone.act("cast_ballot", {"choice": picks})["ok"]
    act(facilitator, "close_vote")
    rows = act(facilitator, "sync")["snapshot"]["results"]["rows"]
    assert [(r["rank"], r["id"], r["score"]) for r in rows] == [(1, b, 3), (2, a, 1), (2, c, 1)]


def test_ballot_settings_are_checked_and_frozen_once_the_vote_opens(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    to_shortlist(facilitator)
    assert not act(facilitator, "set_ballot", {"ballot_type": "stars"})["ok"]
    mismatch = act(facilitator, "set_ballot", {"ballot_type": "ranking", "method": "points"})
    assert not mismatch["ok"]
    bad_limit = act(facilitator, "set_ballot", {"ballot_type": "dots", "points_budget": 0})
    assert not bad_limit["ok"] and "1 to 100" in bad_limit["error"]
    over = act(
        facilitator, "set_ballot", {"ballot_type": "dots", "points_budget": 2, "points_per_item": 3}
    )
    assert not over["ok"]
    assert act(facilitator, "set_ballot", {"ballot_type": "ranking", "method": "schulze"})["ok"]
    assert phones[0].act("set_ballot", {"ballot_type": "dots"})["ok"] is False
    act(facilitator, "open_vote")
    late = act(facilitator, "set_ballot", {"ballot_type": "dots"})
    assert not late["ok"] and "before the vote opens" in late["error"]
    assert phones[0].snapshot()["workshop"]["ballot"] == {
        "type": "ranking",
        "method": "schulze",
        "points_budget": 5,
        "points_per_item": 3,
        "approvals_max": 3,
        "voter_codes": False,
    }


def test_ballot_box_lists_every_receipt_only_after_closing(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = to_shortlist(facilitator)
    act(facilitator, "open_vote")
    receipts = [phone.act("cast_ballot", {"choice": ids})["receipt"] for phone in phones[:3]]
    client = app.test_client()
    before = client.get(f"/w/{workshop.code}/ballot-box")
    assert before.status_code == 409
    assert "opens when the vote has closed" in before.get_data(as_text=True)
    assert all(r not in before.get_data(as_text=True) for r in receipts)

    act(facilitator, "close_vote")
    page = client.get(f"/w/{workshop.code}/ballot-box").get_data(as_text=True)

    assert all(r in page for r in receipts)
    assert f"1. {SHORTLIST[0]}" in page
    for phone in phones:  # no voter's name is on the ballot box
        assert not re.search(rf"\b{phone.name}\b", page), phone.name


def test_ballot_box_stays_shut_below_the_minimum(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = to_shortlist(facilitator)
    act(facilitator, "open_vote")
    receipt = phones[0].act("cast_ballot", {"choice": ids})["receipt"]
    act(facilitator, "close_vote")
    page = app.test_client().get(f"/w/{workshop.code}/ballot-box")
    assert page.status_code == 409 and receipt not in page.get_data(as_text=True)
