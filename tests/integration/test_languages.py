"""The workshop's language by default, the visitor's own choice when made, in pages, socket
answers and the JavaScript catalogue."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.clients import Phone, act


def test_pages_speak_the_workshops_language_by_default(app: Flask, workshop: Any) -> None:
    page = app.test_client().get(f"/j/{workshop.code}").get_data(as_text=True)
    assert '<html lang="da">' in page
    assert "Dit navn" in page and "Deltag i workshoppen" in page


def test_a_refusal_reaches_a_danish_phone_in_danish_and_an_english_one_in_english(
    app: Flask, workshop: Any
) -> None:
    danish = Phone(app, workshop.code, "Søren", language="da")
    english = Phone(app, workshop.code, "Ahmad", language="en")
    assert danish.act("start_round")["error"] == "Det kan kun facilitatoren gøre."
    assert english.act("start_round")["error"] == "Only the facilitator can do that."
    refused = danish.act("add_note", {"field": "ideas", "text": "Hej"})
    assert refused["error"] == "Noter kan kun tilføjes under runderne og mens listen laves."


def test_join_form_errors_in_danish(app: Flask, workshop: Any) -> None:
    response = app.test_client().post(f"/j/{workshop.code}", data={"name": "x" * 41})
    assert response.status_code == 400
    assert "Dit navn er for langt: 41 tegn, højst 40." in response.get_data(as_text=True)


def test_choosing_a_language_is_remembered_and_only_redirects_inside(
    app: Flask, workshop: Any
) -> None:
    client = app.test_client()
    response = client.get(f"/language/en?next=/j/{workshop.code}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/j/{workshop.code}"
    )
    assert "cocreate_lang=en" in response.headers["Set-Cookie"]
    page = client.get(f"/j/{workshop.code}").get_data(as_text=True)
    assert '<html lang="en">' in page and "Your name" in page
    assert client.get("/language/en?next=//evil.example").headers["Location"] == "/"
    assert client.get("/language/en?next=%2F%09%2Fevil.example").headers["Location"] == "/"
    assert client.get("/language/en?next=/%0D/x").status_code == 302
    assert "Set-Cookie" not in client.get("/language/xx?next=/").headers


def test_the_javascript_gets_the_same_catalogue(app: Flask, workshop: Any) -> None:
    page = app.test_client().get(f"/j/{workshop.code}").get_data(as_text=True)
    assert '"Cast my vote": "Afgiv min stemme"' in page


def test_results_are_explained_in_the_viewers_language(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    phones = [join_phone(n) for n in ("Anna", "Bo", "Cecilie")]
    danish = Phone(app, workshop.code, "Dorte", language="da")
    act(facilitator, "start_round")
    for _ in range(2):
        act(facilitator, "end_round")
        act(facilitator, "start_round")
    act(facilitator, "end_round")
    act(facilitator, "begin_consolidation")
    for text in ("Mandat", "Ressourcer"):
        act(facilitator, "shortlist_add", {"text": text})
    act(facilitator, "open_vote")
    ids = [c["id"] for c in act(facilitator, "sync")["snapshot"]["challenges"]]
    for phone in phones:
        phone.act("cast_ballot", {"choice": ids})
    act(facilitator, "close_vote")
    assert "Borda count" in phones[0].snapshot()["results"]["method_sentence"]
    assert "Borda-metoden" in danish.snapshot()["results"]["method_sentence"]


def test_names_are_listed_in_the_readers_alphabet(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any, facilitator_key: str
) -> None:
    from cocreate.extensions import socketio

    for name in ("Åse", "Zenia", "ليلى", "Ærø", "Anna", "Øjvind"):
        join_phone(name)
    danish = socketio.test_client(app, auth={"code": workshop.code, "key": facilitator_key})
    danish_names = [p["name"] for p in act(danish, "sync")["snapshot"]["participants"]]
    english_names = [p["name"] for p in act(facilitator, "sync")["snapshot"]["participants"]]
    assert danish_names == ["Anna", "Zenia", "Ærø", "Øjvind", "Åse", "ليلى"]
    assert english_names == ["Ærø", "Anna", "Åse", "Øjvind", "Zenia", "ليلى"]


def test_plan_file_problems_are_told_in_danish(app: Flask) -> None:
    import pytest

    from cocreate.plans import PlanError, parse_plan
    from tests.clients import SMALL_PLAN

    with pytest.raises(PlanError) as refused:
        parse_plan(SMALL_PLAN.replace("minutes = 10\n", 'minutes = "ti"\n', 1), source="x.toml")
    # the app is Danish by default; the field path stays as the file writes it
    assert str(refused.value) == 'x.toml: rounds[1].minutes: Skal være et tal, ikke text ("ti").'
