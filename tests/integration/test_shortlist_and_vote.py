"""The shortlist, the anonymous vote cast exactly once, the results and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select

from cocreate.db import db
from cocreate.voting.models import Ballot, VoterRollEntry
from cocreate.workshop.models import Participant, Workshop
from tests.clients import act

CHALLENGES = [
    "Medlemssammensætningen af teamet skal gøres klarere",
    "Afklaring af arbejdsfelt og ressourcer",
    "Et tydeligere mandat",
]


def through_rounds(facilitator: Any, phones: list[Any]) -> list[int]:
    """Play every round; each of the first three phones writes one challenge note."""
    assert act(facilitator, "start_round")["ok"]
    note_ids = [
        phone.act("add_note", {"field": "challenges", "text": text})["note_id"]
        for phone, text in zip(phones, CHALLENGES, strict=False)
    ]
    for _ in range(2):
        act(facilitator, "end_round")
        act(facilitator, "start_round")
    act(facilitator, "end_round")
    assert act(facilitator, "begin_consolidation")["ok"]
    return note_ids


@pytest.fixture
def phones(join_phone: Any) -> list[Any]:
    return [join_phone(name) for name in ("Anna", "Bo", "Cecilie", "Dan", "Emil", "Fatima")]


def shortlist(facilitator: Any) -> list[dict[str, Any]]:
    return act(facilitator, "sync")["snapshot"]["challenges"]


def test_shortlist_add_merge_edit_remove(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    notes = through_rounds(facilitator, phones)
    assert act(facilitator, "shortlist_add", {"note_id": notes[0]})["ok"]
    assert act(facilitator, "shortlist_add", {"note_id": notes[1]})["ok"]
    first = shortlist(facilitator)[0]
    assert act(facilitator, "shortlist_merge", {"note_id": notes[2], "challenge_id": first["id"]})[
        "ok"
    ]
    again = act(facilitator, "shortlist_add", {"note_id": notes[2]})
    assert again == {"ok": False, "error": "That note is already on the shortlist."}
    assert act(
        facilitator, "shortlist_edit", {"challenge_id": first["id"], "text": "Klarere team"}
    )["ok"]
    listed = shortlist(facilitator)
    assert listed[0]["text"] == "Klarere team"
    assert [s["note_id"] for s in listed[0]["sources"]] == [notes[0], notes[2]]
    assert act(facilitator, "shortlist_remove", {"challenge_id": first["id"]})["ok"]
    assert [c["text"] for c in shortlist(facilitator)] == [CHALLENGES[1]]
    # Phones see the shortlist forming.
    assert [c["text"] for c in phones[0].snapshot()["shortlist"]] == [CHALLENGES[1]]


def test_shortlist_is_capped_by_the_plan(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    through_rounds(facilitator, phones)
    for i in range(4):
        assert act(facilitator, "shortlist_add", {"text": f"Udfordring {i}"})["ok"]
    full = act(facilitator, "shortlist_add", {"text": "Én for meget"})
    assert not full["ok"] and "full (4)" in full["error"]
    assert len(shortlist(facilitator)) == 4
    assert not act(facilitator, "shortlist_add", {"text": "   "})["ok"]


def open_vote_with_three(facilitator: Any, phones: list[Any]) -> list[int]:
    through_rounds(facilitator, phones)
    for text in CHALLENGES:
        act(facilitator, "shortlist_add", {"text": text})
    assert act(facilitator, "open_vote")["ok"]
    return [c["id"] for c in shortlist(facilitator)]


def test_vote_needs_two_challenges(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    through_rounds(facilitator, phones)
    act(facilitator, "shortlist_add", {"text": "Kun én"})
    assert "at least two" in act(facilitator, "open_vote")["error"]


def test_one_anonymous_ballot_per_participant(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = open_vote_with_three(facilitator, phones)
    first = phones[0].act("cast_ballot", {"choice": ids})
    assert first["ok"] and not first["already_counted"] and len(first["receipt"]) == 8
    second = phones[0].act("cast_ballot", {"choice": list(reversed(ids))})
    assert second == {"ok": True, "already_counted": True, "receipt": None}
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(select(func.count()).select_from(VoterRollEntry)) == 1
    assert phones[0].snapshot()["has_voted"] is True

    columns = {c["name"] for c in inspect(db.engine).get_columns("ballot")}
    assert columns == {"id", "workshop_id", "choice", "receipt"}  # nothing that points back


def test_ballots_cannot_be_lined_up_with_the_order_of_voting(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    from sqlalchemy.exc import OperationalError

    from cocreate.voting import services as voting
    from cocreate.workshop.models import Participant

    crowd = [join_phone(f"Vælger {i}") for i in range(3)]
    ids = open_vote_with_three(facilitator, crowd)
    home = db.session.get(Workshop, workshop.id).tables[0].id
    cast_order = []
    for i in range(50):  # a known order of casting; receipts tell the ballots apart
        voter = Participant(
            workshop_id=workshop.id, token_hash=f"h{i}", name=f"Ekstra {i}", home_table_id=home
        )
        db.session.add(voter)
        db.session.commit()
        cast_order.append(voting.cast_ballot(voter, ids).receipt)

    read_back = [r for (r,) in db.session.execute(db.text("SELECT receipt FROM ballot"))]

    assert sorted(read_back) == sorted(cast_order)
    position = {receipt: i for i, receipt in enumerate(cast_order)}
    ranks = [position[r] for r in read_back]
    n = len(ranks)
    spearman = 1 - 6 * sum((i - r) ** 2 for i, r in enumerate(ranks)) / (n * (n * n - 1))
    assert abs(spearman) < 0.6, spearman  # chance of failing by accident: about 1 in 30,000
    with pytest.raises(OperationalError):  # no hidden insertion-ordered rowid either
        db.session.execute(db.text("SELECT rowid FROM ballot"))


def test_bad_ballots_are_refused_and_nothing_stored(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = open_vote_with_three(facilitator, phones)
    for ranking, message in [
        (ids[:2], "every challenge"),
        ([ids[0], ids[0], ids[1]], "more than once"),
        ([*ids[:2], 99999], "99999"),
        ("first", "must be a list"),
    ]:
        ack = phones[1].act("cast_ballot", {"choice": ranking})
        assert not ack["ok"] and message in ack["error"], (ranking, ack)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
    assert db.session.scalar(select(func.count()).select_from(VoterRollEntry)) == 0


def test_turnout_only_while_voting_then_ranked_result_with_ties(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    a, b, c = open_vote_with_three(facilitator, phones)
    phones[0].act("cast_ballot", {"choice": [a, b, c]})
    phones[1].act("cast_ballot", {"choice": [b, a, c]})
    phones[2].act("cast_ballot", {"choice": [c, a, b]})
    during = act(facilitator, "sync")["snapshot"]
    assert during["turnout"] == {"voted": 3, "eligible": 6, "codes_used": None, "paper": 0}
    assert during["results"] is None and phones[3].snapshot()["results"] is None

    assert act(facilitator, "close_vote")["ok"]
    late = phones[4].act("cast_ballot", {"choice": [a, b, c]})
    assert not late["ok"] and late["error"] == "The vote is not open."
    results = act(facilitator, "sync")["snapshot"]["results"]
    # Borda, 3 candidates: a = 3+2+2 = 7, b = 2+3+1 = 6, c = 1+1+3 = 5.
    assert [(r["rank"], r["id"], r["score"]) for r in results["rows"]] == [
        (1, a, 7),
        (2, b, 6),
        (3, c, 5),
    ]
    assert "Borda" in results["method_sentence"]
    assert "Schulze" in results["robustness"]  # counted both ways: does the order hold?
    assert phones[5].snapshot()["results"]["rows"][0]["id"] == a


def test_tied_challenges_share_a_rank(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    a, b, c = open_vote_with_three(facilitator, phones)
    for phone, order in zip(phones, [[a, b, c], [b, a, c], [a, b, c], [b, a, c]], strict=False):
        phone.act("cast_ballot", {"choice": order})
    act(facilitator, "close_vote")
    rows = act(facilitator, "sync")["snapshot"]["results"]["rows"]
    assert [(r["rank"], r["tied"]) for r in rows] == [(1, True), (1, True), (3, False)]


def test_results_withheld_below_the_minimum_and_refused_before_closing(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    from cocreate.errors import ActionRefused
    from cocreate.voting import services as voting

    ids = open_vote_with_three(facilitator, phones)
    phones[0].act("cast_ballot", {"choice": ids})
    with pytest.raises(ActionRefused):
        voting.results(db.session.get(Workshop, workshop.id))
    act(facilitator, "close_vote")
    results = act(facilitator, "sync")["snapshot"]["results"]
    assert results["withheld"] and results["rows"] == []
    csv_url = f"/w/{workshop.code}/facilitate/{facilitator_key}/results.csv"
    assert app.test_client().get(csv_url).status_code == 409


def test_csv_download_ranks_challenges_with_their_tables(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    through_rounds(facilitator, phones)
    wall = act(facilitator, "sync")["snapshot"]["notes"]
    for note in wall:
        act(facilitator, "shortlist_add", {"note_id": note["id"]})
    act(facilitator, "open_vote")
    ids = [c["id"] for c in shortlist(facilitator)]
    for phone in phones[:3]:
        phone.act("cast_ballot", {"choice": ids})
    client = app.test_client()
    url = f"/w/{workshop.code}/facilitate/{facilitator_key}/results.csv"
    assert client.get(url).status_code == 409  # not before closing
    act(facilitator, "close_vote")
    assert client.get(url.replace(facilitator_key, "wrong")).status_code == 403

    response = client.get(url)

    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["rank", "challenge", "score", "tables", "score_unit"]
    assert [r[1] for r in rows[1:]] == CHALLENGES
    assert [r[2] for r in rows[1:]] == ["9", "6", "3"]
    tables = {t.name for t in db.session.get(Workshop, workshop.id).tables}
    assert all(r[3] in tables for r in rows[1:])


def test_no_log_line_or_socket_event_puts_a_voter_next_to_a_ballot(
    app: Flask,
    workshop: Any,
    phones: list[Any],
    facilitator: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = open_vote_with_three(facilitator, phones)
    before = [e for e in facilitator.get_received() if e["name"] == "facilitator_state"][-1]
    before = before["args"][0]["snapshot"]
    for phone in phones[1:]:
        phone.socket.get_received()
    caplog.set_level("DEBUG")

    receipt = phones[0].act("cast_ballot", {"choice": list(reversed(ids))})["receipt"]

    # Other phones hear nothing; the facilitator hears the turnout, never who voted or how.
    assert all(p.socket.get_received() == [] for p in phones[1:])
    pushed = facilitator.get_received()
    assert [event["name"] for event in pushed] == ["facilitator_state"]
    text = json.dumps(pushed)
    assert pushed[0]["args"][0]["snapshot"]["turnout"]["voted"] == 1
    assert receipt not in text
    # The facilitator's state changes in the turnout alone: nothing says who voted.
    after = pushed[0]["args"][0]["snapshot"]
    unchanged = {k: v for k, v in after.items() if k not in ("v", "turnout", "server_now")}
    assert unchanged == {k: before[k] for k in unchanged}
    logged = caplog.text
    assert receipt not in logged and phones[0].name not in logged
    assert str(list(reversed(ids))) not in logged


def test_closing_rewrites_the_ballots_so_storage_keeps_no_trace_of_the_casting_order(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    from pathlib import Path

    ids = open_vote_with_three(facilitator, phones)
    receipts = {phone.act("cast_ballot", {"choice": ids})["receipt"] for phone in phones[:4]}
    keys_while_open = set(db.session.scalars(select(Ballot.id)))
    wal = Path(db.engine.url.database + "-wal")
    # Each ballot's commit sits in the write-ahead log, in casting order.
    assert all(receipt.encode() in wal.read_bytes() for receipt in receipts)

    assert act(facilitator, "close_vote")["ok"]

    db.session.expire_all()
    assert set(db.session.scalars(select(Ballot.receipt))) == receipts  # receipts still check
    assert keys_while_open.isdisjoint(db.session.scalars(select(Ballot.id)))  # new keys
    # The log with the commit-by-commit history is emptied; what is written after the close
    # (the pushed state's version) holds no ballot.
    log = wal.read_bytes()
    assert not any(receipt.encode() in log for receipt in receipts)


def test_someone_marked_gone_cannot_vote(
    app: Flask, workshop: Any, phones: list[Any], facilitator: Any
) -> None:
    ids = open_vote_with_three(facilitator, phones)
    gone = phones[0].snapshot()["me"]["id"]
    db.session.get(Participant, gone).present = False
    db.session.commit()
    refused = phones[0].act("cast_ballot", {"choice": ids})
    assert not refused["ok"] and "marked as gone" in refused["error"]
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
