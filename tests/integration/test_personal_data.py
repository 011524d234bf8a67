"""Participants' names, the only personal data: never exported unless asked for, erased on
closing or after the retention time, leaving the results exactly as they were."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import String, Text, inspect, select, text

from cocreate.db import db
from cocreate.organiser.personal_data import (
    erasure_date,
    personal_data_notice,
    purge_expired,
)
from cocreate.plans import parse_plan
from cocreate.voting import services as voting
from cocreate.workshop import services
from cocreate.workshop.models import Participant, Workshop
from tests.clients import SMALL_PLAN, act
from tests.integration.test_organiser import make_organiser, signed_in_client
from tests.integration.test_shortlist_and_vote import through_rounds

NAMES = ["Karla Vestergaard", "Bjørn Ølgaard", "Åse Mikkelsen", "Dennis Holm"]
BOOKED = 'name = "Grete Bookedsen"'
PLAN_WITH_BOOKING = SMALL_PLAN + "\n[[participants]]\n" + BOOKED + '\ntable = "Sundhed"\n'


@pytest.fixture
def workshop(app: Flask) -> Workshop:
    """The conftest workshop, with one name booked in advance in its plan."""
    return services.create_workshop(parse_plan(PLAN_WITH_BOOKING), PLAN_WITH_BOOKING)


@pytest.fixture
def organiser(app: Flask) -> FlaskClient:
    make_organiser("anne@kommune.dk")
    return signed_in_client(app, "anne@kommune.dk")


def run_to_results(workshop: Workshop, join_phone: Any, facilitator: Any) -> None:
    phones = [join_phone(name) for name in NAMES]
    notes = through_rounds(facilitator, phones)
    for note_id in notes:
        assert act(facilitator, "shortlist_add", {"note_id": note_id})["ok"]
    assert act(facilitator, "open_vote")["ok"]
    ids = [c["id"] for c in act(facilitator, "sync")["snapshot"]["challenges"]]
    for shift, phone in enumerate(phones):
        ranking = ids[shift % len(ids) :] + ids[: shift % len(ids)]
        assert phone.act("cast_ballot", {"choice": ranking})["ok"], phone.name
    assert act(facilitator, "close_vote")["ok"]


def every_text_value() -> list[str]:
    """Every value of every text-like column in the whole database, JSON included."""
    values: list[str] = []
    for table in db.metadata.sorted_tables:
        columns = [c.name for c in table.columns if isinstance(c.type, String | Text)]
        columns += [c.name for c in table.columns if c.type.__class__.__name__ == "JSON"]
        for column in columns:
            for (value,) in db.session.execute(select(table.c[column])):
                values.append(
                    value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                )
    return values


def results_of(workshop: Workshop) -> Any:
    outcome = voting.results(workshop)
    return (outcome.ballots, outcome.withheld, [c.text for c in outcome.challenges], outcome.tally)


def test_closing_with_erasure_leaves_no_name_and_the_same_results(
    app: Flask, organiser: FlaskClient, workshop: Workshop, join_phone: Any, facilitator: Any
) -> None:
    run_to_results(workshop, join_phone, facilitator)
    before = results_of(workshop)
    notes_before = db.session.execute(text("SELECT text FROM note ORDER BY id")).all()
    assert any("Karla" in value for value in every_text_value())
    assert any("Grete" in value for value in every_text_value())  # booked in the plan

    response = organiser.post(
        f"/organiser/workshops/{workshop.id}/close", data={"erase_names": "1"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert workshop.phase == "closed" and workshop.names_erased_at is not None
    values = every_text_value()
    for name in [*NAMES, "Grete Bookedsen"]:
        for part in name.split():
            assert not any(part in value for value in values), part
    assert [p.name for p in workshop.participants] == [f"Deltager {n}" for n in range(1, 5)]
    assert results_of(workshop) == before
    assert db.session.execute(text("SELECT text FROM note ORDER BY id")).all() == notes_before
    assert parse_plan(workshop.plan_toml).participants == ()


def test_erased_names_are_gone_from_the_database_file(
    app: Flask, organiser: FlaskClient, workshop: Workshop, join_phone: Any, tmp_path: Path
) -> None:
    for name in NAMES:
        join_phone(name)
    response = organiser.post(
        f"/organiser/workshops/{workshop.id}/erase-names", data={"confirm": "yes"}
    )
    assert response.status_code == 303
    # Read while the app still has the database open: nothing may linger in the write-ahead
    # log or in the file's free space.
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("test.sqlite3*"))
    for name in NAMES:
        assert name.encode() not in raw, name


def test_erasure_needs_a_confirmation(
    organiser: FlaskClient, workshop: Workshop, join_phone: Any
) -> None:
    join_phone("Karla Vestergaard")
    response = organiser.post(f"/organiser/workshops/{workshop.id}/erase-names", data={})
    assert response.status_code == 400
    db.session.expire_all()
    assert workshop.participants[0].name == "Karla Vestergaard"


def test_closing_before_the_results_is_refused(
    organiser: FlaskClient, workshop: Workshop, join_phone: Any
) -> None:
    join_phone("Karla Vestergaard")
    response = organiser.post(
        f"/organiser/workshops/{workshop.id}/close", data={"erase_names": "1"}
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert workshop.phase == "lobby" and workshop.participants[0].name == "Karla Vestergaard"


def test_exports_leave_names_out_unless_ticked(
    organiser: FlaskClient, workshop: Workshop, join_phone: Any, facilitator: Any
) -> None:
    run_to_results(workshop, join_phone, facilitator)
    for fmt in ("csv", "xlsx", "html", "json"):
        response = organiser.get(f"/organiser/workshops/{workshop.id}/export.{fmt}")
        assert response.status_code == 200, fmt
        assert b"Karla" not in response.data, fmt
    with_names = organiser.get(f"/organiser/workshops/{workshop.id}/export.json?include_names=1")
    assert "Karla Vestergaard" in with_names.get_data(as_text=True)
    csv_with_flag = organiser.get(f"/organiser/workshops/{workshop.id}/export.csv?include_names=1")
    assert b"Karla" not in csv_with_flag.data


def test_retention_erases_names_when_due(app: Flask, workshop: Workshop, join_phone: Any) -> None:
    join_phone("Karla Vestergaard")
    workshop.scheduled_on = date(2026, 3, 2)
    workshop.retention_days = 30
    other = services.create_workshop(parse_plan(SMALL_PLAN))
    other.scheduled_on = date(2026, 3, 20)
    db.session.commit()
    assert erasure_date(workshop) == date(2026, 4, 1)

    assert purge_expired(today=date(2026, 3, 31)) == []
    assert workshop.participants[0].name == "Karla Vestergaard"
    assert purge_expired(today=date(2026, 4, 1)) == [workshop]
    db.session.expire_all()
    assert workshop.participants[0].name == "Deltager 1"
    assert other.names_erased_at is None
    assert purge_expired(today=date(2026, 4, 1)) == []  # done once


def test_retention_setting_is_checked(organiser: FlaskClient, workshop: Workshop) -> None:
    url = f"/organiser/workshops/{workshop.id}/settings"
    for bad in ("0", "tredive", "99999"):
        response = organiser.post(url, data={"scheduled_on": "", "retention_days": bad})
        assert response.status_code == 400
        assert "Behold navne i 1 til 3650 dage" in response.get_data(as_text=True)
    ok = organiser.post(url, data={"scheduled_on": "2026-06-01", "retention_days": "14"})
    assert ok.status_code == 303
    db.session.expire_all()
    assert erasure_date(workshop) == date(2026, 6, 15)


def test_join_page_sentence_says_what_is_stored_and_until_when(
    app: Flask, workshop: Workshop
) -> None:
    workshop.scheduled_on = date(2026, 6, 1)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        notice = personal_data_notice(workshop)
    assert "Only your name is stored" in notice and "July 1, 2026" in notice
    assert notice.count(".") == 1  # one sentence


def test_purge_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cocreate import create_app
    from cocreate.commands import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("COCREATE_SECRET_KEY", "test")
    app = create_app()
    with app.app_context():
        old = services.create_workshop(parse_plan(SMALL_PLAN))
        services.join(old, "Karla Vestergaard")
        old.scheduled_on = date.today() - timedelta(days=31)
        db.session.commit()
        code = old.code
    dry = CliRunner().invoke(cli, ["purge", "--dry-run"])
    assert dry.exit_code == 0 and f"Due: {code}" in dry.output
    result = CliRunner().invoke(cli, ["purge"])
    assert result.exit_code == 0, result.output
    assert f"Erased names: {code}" in result.output
    with app.app_context():
        names = db.session.scalars(select(Participant.name)).all()
        assert names == ["Deltager 1"]
        assert inspect(db.engine).has_table("organiser")
