"""The plan editor: the same rules and messages as the plan-file parser, the TOML round trip,
and only safe edits once the workshop has started."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from cocreate.db import db
from cocreate.organiser.plan_editor import plan_from_form, plan_from_workshop
from cocreate.plans import Plan, PlanError, parse_plan, plan_to_toml
from cocreate.workshop.models import Workshop
from tests.clients import SMALL_PLAN, act
from tests.integration.test_organiser import create_from_template, make_organiser, signed_in_client


def form_of(plan: Plan) -> MultiDict[str, str]:
    """What the editor page posts for a plan, field by field."""
    form: MultiDict[str, str] = MultiDict(
        {
            "title": plan.title,
            "language": plan.language,
            "description": plan.description,
            "home_tables": plan.home_tables,
            "role_host": plan.roles.host,
            "role_notetaker": plan.roles.notetaker,
            "shortlist_size": str(plan.vote.shortlist_size),
            "method": plan.vote.method,
            "ballot": plan.vote.ballot,
            "min_ballots": str(plan.vote.min_ballots),
            "challenge_field": plan.vote.challenge_field,
        }
    )
    if plan.vote.voter_codes:
        form["voter_codes"] = "on"  # a ticked checkbox; an unticked one sends nothing
    for table in plan.tables:
        form.add("table_name", table.name)
        form.add("table_topic", table.topic)
    for round_plan in plan.rounds:
        form.add("round_title", round_plan.title)
        form.add("round_prompt", round_plan.prompt)
        form.add("round_minutes", f"{round_plan.minutes:g}")
    for field in plan.fields:
        form.add("field_key", field.key)
        form.add("field_label", field.label)
        form.add("field_help", field.help)
    return form


@pytest.fixture
def organiser(app: Flask) -> FlaskClient:
    make_organiser("anne@kommune.dk")
    return signed_in_client(app, "anne@kommune.dk")


@pytest.fixture
def owned(app: Flask, organiser: FlaskClient, workshop: Workshop) -> Workshop:
    """The conftest workshop (3 tables), unowned and so the first organiser's."""
    return workshop


def post_plan(client: FlaskClient, workshop: Workshop, form: MultiDict[str, str]) -> Any:
    return client.post(f"/organiser/workshops/{workshop.id}/plan", data=form)


def test_the_form_of_a_plan_reads_back_as_that_plan(plan: Plan) -> None:
    assert plan_from_form(form_of(plan), plan.participants) == plan


# The same broken value through the file parser and through the editor.
BROKEN = [
    ("round_minutes", 1, "ti", "minutes = 10\n", 'minutes = "ti"\n', "rounds[2].minutes"),
    ("round_minutes", 0, "0", "minutes = 10\n", "minutes = 0\n", "rounds[1].minutes"),
    (
        "table_name",
        1,
        "udsatte grupper",
        'name = "Børn og unge"',
        'name = "udsatte grupper"',
        "tables[2].name",
    ),
    ("field_key", 0, "Idéer", 'key = "ideas"', 'key = "Idéer"', "fields[1].key"),
    ("method", 0, "points", 'method = "borda"', 'method = "points"', "vote.ballot"),
    ("shortlist_size", 0, "1", "shortlist_size = 4", "shortlist_size = 1", "vote.shortlist_size"),
]


@pytest.mark.parametrize(("name", "index", "value", "old", "new", "path"), BROKEN)
def test_editor_refuses_with_the_parsers_message_next_to_the_field(
    organiser: FlaskClient,
    owned: Workshop,
    plan: Plan,
    name: str,
    index: int,
    value: str,
    old: str,
    new: str,
    path: str,
) -> None:
    broken_file = SMALL_PLAN
    if name == "round_minutes" and index == 1:
        position = broken_file.index(old, broken_file.index(old) + 1)
        broken_file = broken_file[:position] + new + broken_file[position + len(old) :]
    else:
        broken_file = broken_file.replace(old, new, 1)
    with pytest.raises(PlanError) as from_file:
        parse_plan(broken_file, source="plan")
    assert from_file.value.field == path

    form = form_of(plan)
    values = form.getlist(name)
    values[index] = value
    form.setlist(name, values)
    before = plan_to_toml(plan_from_workshop(owned))
    response = post_plan(organiser, owned, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    dom_id = path.replace("[", "-").replace("].", "-").replace(".", "-")
    error = re.search(
        rf'<p class="field-error" id="{re.escape(dom_id)}-error"[^>]*>(.*?)</p>', page
    )
    assert error, f"no message next to {path}"
    from html import unescape

    assert unescape(error.group(1)) == from_file.value.problem
    assert f'id="{dom_id}"' in page  # the field the message belongs to is on the page
    db.session.expire_all()
    assert plan_to_toml(plan_from_workshop(owned)) == before  # nothing changed


def test_editing_before_the_start_changes_everything(
    organiser: FlaskClient, owned: Workshop, plan: Plan
) -> None:
    form = form_of(plan)
    form["title"] = "Årsmøde 2027"
    form.setlist("table_name", [*form.getlist("table_name")[:2], "", "Ny gruppe"])
    form.setlist("table_topic", [*form.getlist("table_topic")[:2], "", "Trafik"])
    form.setlist("round_minutes", ["12,5", "10", "10"])
    form["method"], form["ballot"] = "approval", "approval"
    response = post_plan(organiser, owned, form)
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert owned.title == "Årsmøde 2027"
    assert [t.name for t in owned.tables] == ["Udsatte grupper", "Børn og unge", "Ny gruppe"]
    assert owned.rounds[0].minutes == 12.5
    assert owned.vote_method == "approval"
    assert parse_plan(owned.plan_toml) == plan_from_workshop(owned)


def test_a_table_people_have_joined_cannot_be_removed(
    organiser: FlaskClient, owned: Workshop, plan: Plan, join_phone: Any
) -> None:
    for name in ("Anna", "Bo", "Cecilie"):
        join_phone(name)  # balanced: one per table
    form = form_of(plan)
    form.setlist("table_name", form.getlist("table_name")[:2])
    form.setlist("table_topic", form.getlist("table_topic")[:2])
    response = post_plan(organiser, owned, form)
    assert response.status_code == 400
    assert "cannot be removed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(owned.tables) == 3


def test_toml_download_and_upload_round_trip(
    organiser: FlaskClient, owned: Workshop, plan: Plan
) -> None:
    download = organiser.get(f"/organiser/workshops/{owned.id}/plan.toml")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    text = download.get_data(as_text=True)
    assert parse_plan(text) == plan

    edited = text.replace('title = "Hjemme"', 'title = "Ved eget bord"')
    upload = organiser.post(
        f"/organiser/workshops/{owned.id}/plan/upload",
        data={"plan_file": (__import__("io").BytesIO(edited.encode()), "plan.toml")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, upload.get_data(as_text=True)
    db.session.expire_all()
    assert owned.rounds[0].title == "Ved eget bord"
    again = organiser.get(f"/organiser/workshops/{owned.id}/plan.toml").get_data(as_text=True)
    assert again == edited


def test_a_broken_upload_names_file_and_field_and_changes_nothing(
    organiser: FlaskClient, owned: Workshop
) -> None:
    import io

    before = owned.plan_toml
    broken = SMALL_PLAN.replace("minutes = 10\n", 'minutes = "ti"\n', 1)
    for content, expected in (
        (broken.encode(), "rounds[1].minutes"),
        (b"\xff\xfe not text", "UTF-8"),
        (b"[workshop\n", "line 1"),
    ):
        response = organiser.post(
            f"/organiser/workshops/{owned.id}/plan/upload",
            data={"plan_file": (io.BytesIO(content), "mit-program.toml")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert expected in response.get_data(as_text=True)
    db.session.expire_all()
    assert owned.plan_toml == before


def test_templates_are_offered_and_a_new_workshop_opens_in_the_editor(
    organiser: FlaskClient,
) -> None:
    page = organiser.get("/organiser/workshops/new").get_data(as_text=True)
    for sample in ("halsnaes-aarskonference.toml", "hedensted-kernegrupper.toml"):
        assert f'value="{sample}"' in page
    bad = organiser.post("/organiser/workshops/new", data={"template": "../../etc/passwd"})
    assert bad.status_code == 400 and "Choose a template" in bad.get_data(as_text=True)
    workshop_id = create_from_template(organiser)
    editor = organiser.get(f"/organiser/workshops/{workshop_id}/plan").get_data(as_text=True)
    assert 'name="table_name"' in editor and "Gruppe 1" in editor


def started(workshop: Workshop, join_phone: Any, facilitator: Any) -> None:
    for name in ("Anna", "Bo", "Cecilie"):
        join_phone(name)
    assert act(facilitator, "start_round")["ok"]


@pytest.mark.parametrize(
    ("name", "index", "value", "path"),
    [
        ("title", 0, "Nyt navn", "workshop.title"),
        ("table_name", 0, "Andet bord", "tables"),
        ("round_prompt", 0, "Ny prompt til runden der kører", "rounds[1].prompt"),
        ("round_minutes", 0, "30", "rounds[1].minutes"),
        ("round_title", 2, "Ny titel", "rounds[3].title"),
        ("field_label", 0, "Tanker", "fields"),
        ("method", 0, "schulze", "vote"),
    ],
)
def test_after_the_start_unsafe_edits_are_refused(
    organiser: FlaskClient,
    owned: Workshop,
    plan: Plan,
    join_phone: Any,
    facilitator: Any,
    name: str,
    index: int,
    value: str,
    path: str,
) -> None:
    started(owned, join_phone, facilitator)
    before = plan_to_toml(plan_from_workshop(owned))
    form = form_of(plan)
    values = form.getlist(name)
    values[index] = value
    form.setlist(name, values)
    response = post_plan(organiser, owned, form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The workshop has started, so this can no longer change." in page
    assert f'href="#{path.replace("[", "-").replace("].", "-").replace(".", "-")}"' in page
    db.session.expire_all()
    assert plan_to_toml(plan_from_workshop(owned)) == before


def test_after_the_start_future_rounds_and_the_shortlist_can_change(
    organiser: FlaskClient, owned: Workshop, plan: Plan, join_phone: Any, facilitator: Any
) -> None:
    started(owned, join_phone, facilitator)
    form = form_of(plan)
    form.setlist("round_minutes", ["10", "7,5", "20"])
    form.setlist("round_prompt", ["Hvad fungerer?", "Nyt spørgsmål", "Sidste spørgsmål"])
    form["shortlist_size"] = "6"
    response = post_plan(organiser, owned, form)
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert [r.minutes for r in owned.rounds] == [10, 7.5, 20]
    assert owned.rounds[1].prompt == "Nyt spørgsmål"
    assert owned.shortlist_size == 6
    page = organiser.get(f"/organiser/workshops/{owned.id}/plan").get_data(as_text=True)
    assert re.search(r'id="workshop-title"[^>]*readonly', page)
    assert not re.search(r'id="rounds-2-minutes"[^>]*readonly', page)


def test_voter_codes_are_ticked_in_the_editor_until_the_vote_opens(
    organiser: FlaskClient, owned: Workshop, plan: Plan, join_phone: Any, facilitator: Any
) -> None:
    form = form_of(plan)
    form["voter_codes"] = "on"
    assert post_plan(organiser, owned, form).status_code == 303
    db.session.expire_all()
    assert owned.voter_codes is True
    assert "voter_codes = true" in owned.plan_toml
    page = organiser.get(f"/organiser/workshops/{owned.id}/plan").get_data(as_text=True)
    assert re.search(r'id="vote-voter_codes"[^>]*checked', page)

    started(owned, join_phone, facilitator)  # the rounds run: still open to change
    del form["voter_codes"]
    assert post_plan(organiser, owned, form).status_code == 303
    db.session.expire_all()
    assert owned.voter_codes is False

    owned.phase = "voting"
    db.session.commit()
    form["voter_codes"] = "on"
    refused = post_plan(organiser, owned, form)
    assert refused.status_code == 400
    assert 'href="#vote-voter_codes"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert owned.voter_codes is False
    page = organiser.get(f"/organiser/workshops/{owned.id}/plan").get_data(as_text=True)
    assert re.search(r'id="vote-voter_codes"[^>]*disabled', page)
