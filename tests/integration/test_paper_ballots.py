"""Paper ballots (issue 13, item 12): the facilitator enters the ballot of someone without a
phone, during the vote only. It is stored like a phone's ballot, counts in the turnout, and the
room, the report and the exports say how many were entered on paper. Also item 4: every export
names what the score counts under the method."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from cocreate.db import db
from cocreate.export.restore import import_workshop_json
from cocreate.voting import services as voting
from cocreate.voting.models import Ballot, VoterRollEntry
from cocreate.workshop.models import Workshop
from tests.clients import act
from tests.integration.test_shortlist_and_vote import CHALLENGES, shortlist, through_rounds
from tests.integration.test_voter_codes import codes_on_sheet, print_codes


@pytest.fixture
def phones(join_phone: Any) -> list[Any]:
    return [join_phone(name) for name in ("Anna", "Bo", "Cecilie", "Dan")]


def open_vote(facilitator: Any, phones: list[Any], method: str = "borda") -> list[int]:
    through_rounds(facilitator, phones)
    for text in CHALLENGES:
        act(facilitator, "shortlist_add", {"text": text})
    assert act(facilitator, "set_ballot", {"ballot_type": "ranking", "method": method})["ok"]
    assert act(facilitator, "open_vote")["ok"]
    return [c["id"] for c in shortlist(facilitator)]


def turnout(facilitator: Any) -> dict[str, Any]:
    return act(facilitator, "sync")["snapshot"]["turnout"]


def stored() -> tuple[int, int]:
    ballots = db.session.scalar(select(func.count()).select_from(Ballot)) or 0
    roll = db.session.scalar(select(func.count()).select_from(VoterRollEntry)) or 0
    return ballots, roll


def test_a_paper_ballot_counts_in_turnout_and_is_stored_like_any_other(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any
) -> None:
    a, b, c = open_vote(facilitator, phones)
    before = turnout(facilitator)
    assert before == {"voted": 0, "eligible": 4, "codes_used": None, "paper": 0}

    ack = act(facilitator, "cast_paper_ballot", {"choice": [b, a, c]})

    assert ack["ok"] and len(ack["receipt"]) == 8, ack
    assert turnout(facilitator) == {"voted": 1, "eligible": 5, "codes_used": None, "paper": 1}
    assert stored() == (1, 0)  # a ballot, and nobody on the voter roll
    # The same columns as a phone's ballot, and nothing in them says "paper".
    assert {col.name for col in inspect(Ballot).columns} == {
        "id",
        "workshop_id",
        "choice",
        "receipt",
    }
    ballot = db.session.scalars(select(Ballot)).one()
    assert ballot.choice == [str(b), str(a), str(c)] and ballot.receipt == ack["receipt"]
    assert phones[0].act("cast_ballot", {"choice": [a, b, c]})["ok"]
    assert turnout(facilitator) == {"voted": 2, "eligible": 5, "codes_used": None, "paper": 1}


def test_only_the_facilitator_only_during_the_vote_and_only_a_valid_ballot(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any
) -> None:
    through_rounds(facilitator, phones)
    for text in CHALLENGES:
        act(facilitator, "shortlist_add", {"text": text})
    ids = [c["id"] for c in shortlist(facilitator)]
    early = act(facilitator, "cast_paper_ballot", {"choice": ids})
    assert early == {
        "ok": False,
        "error": "Paper ballots can be entered only while the vote is open.",
    }
    assert act(facilitator, "open_vote")["ok"]
    # A phone may not enter ballots for others.
    refused = phones[0].act("cast_paper_ballot", {"choice": ids})
    assert refused["ok"] is False
    for bad in (None, "1,2,3", ids[:2], [*ids, ids[0]], [ids[0], ids[1], 10**9], {"x": 1}):
        answer = act(facilitator, "cast_paper_ballot", {"choice": bad})
        assert answer["ok"] is False and answer["error"], bad
    assert stored() == (0, 0)
    assert turnout(facilitator)["paper"] == 0
    for phone in phones[:3]:
        assert phone.act("cast_ballot", {"choice": ids})["ok"]
    assert act(facilitator, "close_vote")["ok"]
    late = act(facilitator, "cast_paper_ballot", {"choice": ids})
    assert late["ok"] is False and "only while the vote is open" in late["error"]
    assert stored() == (3, 3)


def test_the_refusal_speaks_danish_to_a_danish_facilitator(
    app: Flask, workshop: Workshop, facilitator_key: str, phones: list[Any], facilitator: Any
) -> None:
    from cocreate.extensions import socketio

    http = app.test_client()
    http.set_cookie("cocreate_lang", "da")
    danish = socketio.test_client(
        app, flask_test_client=http, auth={"code": workshop.code, "key": facilitator_key}
    )
    answer = danish.emit("cast_paper_ballot", {"choice": []}, callback=True)
    assert answer == {
        "ok": False,
        "error": "Papirstemmesedler kan kun indtastes, mens afstemningen er åben.",
    }


def test_with_voter_codes_a_paper_ballot_spends_the_persons_slip(
    app: Flask, workshop: Workshop, facilitator_key: str, phones: list[Any], facilitator: Any
) -> None:
    through_rounds(facilitator, phones)
    for text in CHALLENGES:
        act(facilitator, "shortlist_add", {"text": text})
    assert act(facilitator, "set_voter_codes", {"on": True})["ok"]
    codes = codes_on_sheet(print_codes(app, workshop, facilitator_key, 3))
    assert act(facilitator, "open_vote")["ok"]
    ids = [c["id"] for c in shortlist(facilitator)]
    without = act(facilitator, "cast_paper_ballot", {"choice": ids})
    assert without["ok"] is False and "voter code" in without["error"]
    assert act(facilitator, "cast_paper_ballot", {"choice": ids, "voter_code": codes[0]})["ok"]
    again = act(facilitator, "cast_paper_ballot", {"choice": ids, "voter_code": codes[0]})
    assert again["ok"] is False and "already been used" in again["error"]
    assert turnout(facilitator) == {"voted": 1, "eligible": 5, "codes_used": 1, "paper": 1}


def stored_roll(workshop: Workshop) -> int:
    query = select(func.count()).select_from(VoterRollEntry)
    return db.session.scalar(query.where(VoterRollEntry.workshop_id == workshop.id)) or 0


def exported(app: Flask, workshop: Workshop, key: str, ext: str) -> bytes:
    response = app.test_client().get(f"/w/{workshop.code}/facilitate/{key}/results.{ext}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


def test_report_and_exports_say_how_many_were_on_paper_and_what_the_score_counts(
    app: Flask, workshop: Workshop, facilitator_key: str, phones: list[Any], facilitator: Any
) -> None:
    a, b, c = open_vote(facilitator, phones, method="schulze")
    for phone in phones[:2]:
        assert phone.act("cast_ballot", {"choice": [a, b, c]})["ok"]
    for _ in range(2):
        assert act(facilitator, "cast_paper_ballot", {"choice": [b, a, c]})["ok"]
    assert act(facilitator, "close_vote")["ok"]
    results = act(facilitator, "sync")["snapshot"]
    assert results["turnout"] == {"voted": 4, "eligible": 6, "codes_used": None, "paper": 2}
    assert "pairwise wins" in results["results"]["method_sentence"]

    # The workshop speaks Danish: the exports do too.
    rows = list(
        csv.reader(io.StringIO(exported(app, workshop, facilitator_key, "csv").decode("utf-8-sig")))
    )
    assert rows[0] == ["rank", "challenge", "score", "tables", "score_unit"]
    assert {row[4] for row in rows[1:]} == {"Schulze: parvise sejre"}

    book = load_workbook(io.BytesIO(exported(app, workshop, facilitator_key, "xlsx")))
    assert book["Ranking"]["C1"].value == "Schulze: parvise sejre"
    sheet = {r[0]: r[1] for r in book["Turnout"].iter_rows(values_only=True)}
    assert sheet["Heraf indtastet fra papir"] == 2
    assert sheet["Har stemt"] == 4 and sheet["Stemmesedler"] == 4

    archive = json.loads(exported(app, workshop, facilitator_key, "json"))
    assert archive["turnout"]["paper_ballots"] == 2 and archive["turnout"]["voted"] == 4
    assert archive["results"]["score_unit"] == "Schulze: parvise sejre"
    # Imported again, the turnout reads the same: the roll holds only the phones' voters.
    imported = import_workshop_json(archive)
    assert voting.turnout(imported) == voting.Turnout(voted=4, eligible=6, paper=2)
    assert stored_roll(imported) == 2

    report = exported(app, workshop, facilitator_key, "html").decode()
    assert '<th class="score">Schulze: parvise sejre</th>' in report
    assert "2 af stemmesedlerne blev indtastet af facilitatoren fra papirstemmesedler" in report
    assert "slået" not in report
