"""One person, one ballot: printed one-time voter codes, spent by the ballot that uses them.

Each test plays the attack the mode exists for (a code used twice, guessed, left out, sent
twice at once) or checks that a closed vote keeps nothing that links a code to a ballot."""

from __future__ import annotations

import io
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.voting.models import Ballot, VoterCode, VoterRollEntry
from cocreate.workshop.models import Participant, Workshop
from tests.clients import SMALL_PLAN, Phone, act
from tests.integration.test_shortlist_and_vote import CHALLENGES, shortlist, through_rounds

SYMBOL = "[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]"  # no 0/O, no 1/I
CODE_SHAPE = re.compile(f"^{SYMBOL}{{4}}-{SYMBOL}{{4}}$")


@pytest.fixture
def phones(join_phone: Any) -> list[Any]:
    return [join_phone(name) for name in ("Anna", "Bo", "Cecilie", "Dan", "Emil", "Fatima")]


def print_codes(app: Flask, workshop: Workshop, key: str, count: object) -> Any:
    client = app.test_client()
    client.set_cookie("cocreate_lang", "en")
    return client.post(
        f"/w/{workshop.code}/facilitate/{key}/voter-codes",
        data={"count": str(count)},
    )


def codes_on_sheet(page: Any) -> list[str]:
    return re.findall(r'<p class="voter-code">([^<]*)</p>', page.get_data(as_text=True))


def open_vote_with_codes(
    app: Flask, workshop: Workshop, key: str, facilitator: Any, phones: list[Any], count: int = 8
) -> tuple[list[int], list[str]]:
    """Rounds, a shortlist of three, voter codes switched on and printed, the vote open."""
    through_rounds(facilitator, phones)
    for text in CHALLENGES:
        act(facilitator, "shortlist_add", {"text": text})
    assert act(facilitator, "set_voter_codes", {"on": True})["ok"]
    codes = codes_on_sheet(print_codes(app, workshop, key, count))
    assert act(facilitator, "open_vote")["ok"]
    return [c["id"] for c in shortlist(facilitator)], codes


def counts() -> tuple[int, int, int]:
    """Ballots, voter-roll entries, spent codes."""
    ballots = db.session.scalar(select(func.count()).select_from(Ballot))
    roll = db.session.scalar(select(func.count()).select_from(VoterRollEntry))
    spent = db.session.scalar(
        select(func.count()).select_from(VoterCode).where(VoterCode.spent.is_(True))
    )
    return ballots or 0, roll or 0, spent or 0


# --- choosing the mode ------------------------------------------------------------------------


def test_the_plan_can_ask_for_voter_codes(app: Flask) -> None:
    from cocreate.plans import parse_plan
    from cocreate.workshop import services

    plan = parse_plan(SMALL_PLAN.replace("[vote]\n", "[vote]\nvoter_codes = true\n"))
    assert services.create_workshop(plan).voter_codes is True


def test_the_facilitator_switches_codes_on_before_the_vote_and_phones_are_told(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any
) -> None:
    through_rounds(facilitator, phones)
    assert phones[0].snapshot()["workshop"]["ballot"]["voter_codes"] is False
    assert act(facilitator, "set_voter_codes", {"on": True})["ok"]
    assert phones[0].snapshot()["workshop"]["ballot"]["voter_codes"] is True
    assert act(facilitator, "sync")["snapshot"]["voter_codes"] == {"printed": 0, "suggested": 11}

    refused = act(facilitator, "set_voter_codes", {"on": "yes"})
    assert not refused["ok"] and "not understood" in refused["error"]
    assert not phones[0].act("set_voter_codes", {"on": False})["ok"]  # facilitator only
    assert db.session.get(Workshop, workshop.id).voter_codes is True


def test_the_vote_does_not_open_before_codes_are_printed_nor_switch_after(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    through_rounds(facilitator, phones)
    for text in CHALLENGES:
        act(facilitator, "shortlist_add", {"text": text})
    act(facilitator, "set_voter_codes", {"on": True})
    refused = act(facilitator, "open_vote")
    assert not refused["ok"] and "Print the voter codes" in refused["error"]

    print_codes(app, workshop, facilitator_key, 3)
    assert act(facilitator, "open_vote")["ok"]
    late = act(facilitator, "set_voter_codes", {"on": False})
    assert not late["ok"] and "before the vote opens" in late["error"]


# --- the printed sheet ------------------------------------------------------------------------


def test_printable_sheet_lists_n_distinct_codes_and_only_their_hashes_are_stored(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    through_rounds(facilitator, phones)
    act(facilitator, "set_voter_codes", {"on": True})

    page = print_codes(app, workshop, facilitator_key, 25)

    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    codes = codes_on_sheet(page)
    assert len(codes) == 25 and len(set(codes)) == 25
    assert all(CODE_SHAPE.match(code) for code in codes), codes
    stored = list(db.session.scalars(select(VoterCode.code_hash)))
    assert len(stored) == 25
    everything = " ".join(stored)
    assert not any(code.replace("-", "") in everything for code in codes)
    assert {c["name"] for c in inspect(db.engine).get_columns("voter_code")} == {
        "workshop_id",
        "code_hash",
        "spent",
    }  # no name, no participant, no time, no ballot
    assert act(facilitator, "sync")["snapshot"]["voter_codes"]["printed"] == 25

    more = codes_on_sheet(
        print_codes(app, workshop, facilitator_key, 4)
    )  # latecomers: more slips, new codes
    assert len(more) == 4 and not set(more) & set(codes)
    assert act(facilitator, "sync")["snapshot"]["voter_codes"]["printed"] == 29


def test_the_sheet_refuses_a_wrong_key_a_bad_count_and_codes_switched_off(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    through_rounds(facilitator, phones)
    off = print_codes(app, workshop, facilitator_key, 5)
    assert off.status_code == 400 and "Switch voter codes on" in off.get_data(as_text=True)
    act(facilitator, "set_voter_codes", {"on": True})
    for bad in ("0", "lots", "1001", "-3"):
        page = print_codes(app, workshop, facilitator_key, bad)
        assert page.status_code == 400, bad
        assert "from 1 to 1000" in page.get_data(as_text=True)
    wrong_key = app.test_client().post(
        f"/w/{workshop.code}/facilitate/wrong/voter-codes", data={"count": "5"}
    )
    assert wrong_key.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(VoterCode)) == 0


# --- casting with a code --------------------------------------------------------------------


def test_a_ballot_spends_its_code_and_a_reused_code_is_refused(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones)
    first = phones[0].act("cast_ballot", {"choice": ids, "voter_code": codes[0].lower()})
    assert first["ok"] and not first["already_counted"] and first["receipt"]

    reused = phones[1].act("cast_ballot", {"choice": ids, "voter_code": codes[0]})

    assert not reused["ok"]
    assert reused["error"] == (
        "This voter code has already been used. Each code works once; ask the facilitator."
    )
    assert counts() == (1, 1, 1)
    assert phones[1].snapshot()["has_voted"] is False
    # With a fresh code the same person votes after all: the refusal changed nothing.
    typed = " " + codes[1].replace("-", " ") + " "
    assert phones[1].act("cast_ballot", {"choice": ids, "voter_code": typed})["ok"]
    assert counts() == (2, 2, 2)
    assert act(facilitator, "sync")["snapshot"]["turnout"]["codes_used"] == 2


def test_a_wrong_code_is_refused_in_the_phones_language_and_changes_nothing(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    danish = Phone(app, workshop.code, "Gitte", language="da")  # in the room before joining closes
    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones)
    guessed = "ABCD-EFGH" if "ABCD-EFGH" not in codes else "HGFE-DCBA"

    english = phones[0].act("cast_ballot", {"choice": ids, "voter_code": guessed})
    dansk = danish.act("cast_ballot", {"choice": ids, "voter_code": guessed})

    assert english == {
        "ok": False,
        "error": "This voter code is not valid. Check the code on your slip and type it again.",
    }
    assert not dansk["ok"] and dansk["error"].startswith("Stemmekoden er ikke gyldig.")
    assert counts() == (0, 0, 0)
    assert phones[0].snapshot()["has_voted"] is False


@pytest.mark.parametrize("payload", [{}, {"voter_code": ""}, {"voter_code": 12345678}])
def test_no_code_is_refused_when_the_mode_is_on(
    app: Flask,
    workshop: Workshop,
    phones: list[Any],
    facilitator: Any,
    payload: dict[str, Any],
    facilitator_key: str,
) -> None:
    ids, _codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones)
    refused = phones[0].act("cast_ballot", {"choice": ids} | payload)
    assert refused == {"ok": False, "error": "Type the voter code from your paper slip."}
    assert counts() == (0, 0, 0)


def test_with_codes_on_a_phone_that_voted_cannot_vote_again_with_a_second_code(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones)
    assert phones[0].act("cast_ballot", {"choice": ids, "voter_code": codes[0]})["ok"]
    again = phones[0].act("cast_ballot", {"choice": ids, "voter_code": codes[1]})
    assert again == {"ok": True, "already_counted": True, "receipt": None}
    assert counts() == (1, 1, 1)  # the second code is still unspent, for someone else
    assert phones[1].act("cast_ballot", {"choice": ids, "voter_code": codes[1]})["ok"]


def test_a_bad_ballot_does_not_spend_the_code(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones)
    incomplete = phones[0].act("cast_ballot", {"choice": ids[:1], "voter_code": codes[0]})
    assert not incomplete["ok"] and "every challenge" in incomplete["error"]
    assert counts() == (0, 0, 0)
    assert phones[0].act("cast_ballot", {"choice": ids, "voter_code": codes[0]})["ok"]


def _cast_at_once(
    app: Flask, voters: list[int], ids: list[int], codes: list[str]
) -> list[str | None]:
    """Every voter casts at the same moment, each in its own thread, session and connection;
    returns each one's receipt, or the refusal (in the workshop's language, Danish)."""
    from cocreate.voting import services as voting

    start = threading.Barrier(len(voters))
    outcomes: list[str | None] = [None] * len(voters)

    def cast(index: int) -> None:
        with app.app_context():
            voter = db.session.get(Participant, voters[index])
            assert voter is not None
            start.wait()
            try:
                outcome = voting.cast_ballot(voter, ids, codes[index])
                outcomes[index] = outcome.receipt or "already counted"
            except ActionRefused as refused:
                outcomes[index] = refused.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cast, args=(i,)) for i in range(len(voters))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_one_code_sent_by_many_phones_at_once_is_counted_once(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones)
    voters = [p.snapshot()["me"]["id"] for p in phones]
    db.session.remove()  # the test's own session holds no transaction while the threads run

    outcomes = _cast_at_once(app, voters, ids, [codes[0]] * len(voters))

    receipts = [o for o in outcomes if o and len(o) == 8]
    assert len(receipts) == 1, outcomes
    refusals = {str(o) for o in outcomes if o not in receipts}
    assert refusals == {
        "Stemmekoden er allerede brugt. Hver kode virker én gang; spørg facilitatoren."
    }
    assert counts() == (1, 1, 1)


def test_one_phone_sending_two_codes_at_once_is_counted_once_and_keeps_one_code(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones)
    voter = phones[0].snapshot()["me"]["id"]
    db.session.remove()

    outcomes = _cast_at_once(app, [voter, voter], ids, codes[:2])

    assert sorted(len(str(o)) for o in outcomes) == [8, len("already counted")], outcomes
    assert counts() == (1, 1, 1)  # the other code was rolled back: still unspent


# --- after the close --------------------------------------------------------------------------


def test_after_the_close_the_database_holds_no_link_between_codes_and_ballots(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones, count=10)
    for phone, code in zip(phones[:4], codes, strict=False):
        assert phone.act("cast_ballot", {"choice": ids, "voter_code": code})["ok"]
    hashes = [h.encode() for h in db.session.scalars(select(VoterCode.code_hash))]
    files = [Path(db.engine.url.database), Path(db.engine.url.database + "-wal")]
    assert any(h in files[1].read_bytes() for h in hashes)  # while open, the log has them

    assert act(facilitator, "close_vote")["ok"]

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(VoterCode)) == 0
    closed = db.session.get(Workshop, workshop.id)
    assert (closed.voter_codes_printed, closed.voter_codes_used) == (10, 4)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 4
    for path in files:  # not a trace in the database file or its write-ahead log
        stored = path.read_bytes() if path.exists() else b""
        assert not any(h in stored for h in hashes), path
    foreign = [fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("voter_code")]
    assert foreign == ["workshop"]
    assert act(facilitator, "sync")["snapshot"]["turnout"]["codes_used"] == 4


def test_the_report_and_exports_name_the_mode_and_count_the_codes(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    from openpyxl import load_workbook

    from cocreate.export.formats import export_file

    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones, count=10)
    for phone, code in zip(phones[:4], codes, strict=False):
        phone.act("cast_ballot", {"choice": ids, "voter_code": code})
    act(facilitator, "close_vote")
    closed = db.session.get(Workshop, workshop.id)

    report = export_file(closed, "html").decode("utf-8")
    archive = json.loads(export_file(closed, "json"))
    book = load_workbook(io.BytesIO(export_file(closed, "xlsx")))

    sentence = "Én stemmeseddel pr. trykt stemmekode: 10 koder blev trykt, 4 blev brugt."
    assert sentence in report  # the workshop speaks Danish
    assert archive["vote"]["voter_codes"] is True
    assert (archive["turnout"]["codes_printed"], archive["turnout"]["codes_used"]) == (10, 4)
    rows = {r[0]: r[1] for r in book["Turnout"].iter_rows(values_only=True)}
    assert rows["Stemmeafgivning"] == sentence
    assert (rows["Stemmekoder trykt"], rows["Stemmekoder brugt"]) == (10, 4)


def test_the_report_says_one_ballot_per_phone_without_codes(app: Flask) -> None:
    from cocreate.export.formats import export_file
    from cocreate.plans import parse_plan
    from cocreate.workshop import services
    from tests.integration.test_export import run_workshop

    english = parse_plan(SMALL_PLAN.replace('language = "da"', 'language = "en"'))
    played = run_workshop(services.create_workshop(english))
    report = export_file(played.workshop, "html").decode("utf-8")
    assert "One ballot per joined phone." in report
    assert "voter code" not in report


def test_an_archive_keeps_the_mode_and_counts_when_imported_again(
    app: Flask, workshop: Workshop, phones: list[Any], facilitator: Any, facilitator_key: str
) -> None:
    from cocreate.export.formats import export_file
    from cocreate.export.restore import import_workshop_json

    ids, codes = open_vote_with_codes(app, workshop, facilitator_key, facilitator, phones, count=6)
    for phone, code in zip(phones[:3], codes, strict=False):
        phone.act("cast_ballot", {"choice": ids, "voter_code": code})
    act(facilitator, "close_vote")
    data = json.loads(export_file(db.session.get(Workshop, workshop.id), "json"))

    imported = import_workshop_json(data)

    assert (imported.voter_codes, imported.voter_codes_printed, imported.voter_codes_used) == (
        True,
        6,
        3,
    )
    older = json.loads(json.dumps(data))  # an archive from before voter codes existed
    del older["vote"]["voter_codes"], older["turnout"]["codes_printed"]
    del older["turnout"]["codes_used"]
    assert import_workshop_json(older).voter_codes is False
