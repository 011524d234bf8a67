"""Joining from a phone: codes, names, the identity cookie, home tables, socket auth."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from cocreate.db import db
from cocreate.extensions import socketio
from cocreate.workshop.models import Participant


def count_participants() -> int:
    return db.session.scalar(select(func.count()).select_from(Participant)) or 0


def test_join_sets_a_long_httponly_token_and_shows_the_phone(app: Flask, workshop: Any) -> None:
    client = app.test_client()
    assert "Your name" in client.get(f"/j/{workshop.code}").get_data(as_text=True)

    response = client.post(f"/j/{workshop.code}", data={"name": "  Sofie  Holm "})

    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = cookie.split("=", 1)[1].split(";", 1)[0]
    assert len(token) * 6 >= 128  # urlsafe base64: 6 bits a character
    participant = db.session.scalar(select(Participant))
    assert participant is not None and participant.name == "Sofie Holm"
    assert token not in participant.token_hash  # only a hash is stored
    assert 'id="phone"' in client.get(f"/j/{workshop.code}").get_data(as_text=True)


def test_lowercase_code_with_spaces_finds_the_workshop(app: Flask, workshop: Any) -> None:
    client = app.test_client()
    typed = " ".join(workshop.code.lower())
    response = client.get(f"/?code={typed}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{workshop.code}")


def test_unknown_join_code_is_a_clear_404(app: Flask, workshop: Any) -> None:
    client = app.test_client()
    page = client.get("/j/ZZZZZZ")
    assert page.status_code == 404
    assert "No workshop has the code" in page.get_data(as_text=True)
    landing = client.get("/?code=nope42")
    assert landing.status_code == 404
    assert "No workshop has the code" in landing.get_data(as_text=True)


def test_empty_or_oversize_name_is_refused_and_nothing_stored(app: Flask, workshop: Any) -> None:
    client = app.test_client()
    client.set_cookie("cocreate_lang", "en")
    cases = [("   ", "type your name"), ("x" * 41, "too long"), ("\x00\x01", "type your name")]
    for name, message in cases:
        response = client.post(f"/j/{workshop.code}", data={"name": name})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers
    assert count_participants() == 0


def test_homes_are_balanced_across_tables(app: Flask, workshop: Any, join_phone: Any) -> None:
    for i in range(7):
        join_phone(f"Deltager {i}")
    sizes = sorted(
        db.session.scalars(
            select(func.count()).select_from(Participant).group_by(Participant.home_table_id)
        )
    )
    assert sizes == [2, 2, 3]


def test_reconnecting_keeps_identity_home_and_role(
    app: Flask, workshop: Any, join_phone: Any
) -> None:
    phone = join_phone("Ahmad")
    first = phone.snapshot()["me"]
    phone.act("volunteer", {"role": "host"})
    phone.socket.disconnect()

    again = socketio.test_client(app, flask_test_client=phone.http, auth={"code": workshop.code})
    me = again.emit("sync", {}, callback=True)["snapshot"]["me"]

    assert me["id"] == first["id"]
    assert me["home"] == first["home"]
    assert me["role"] == "host"


def test_socket_without_cookie_or_with_wrong_key_is_refused(app: Flask, workshop: Any) -> None:
    stranger = socketio.test_client(app, auth={"code": workshop.code})
    assert not stranger.is_connected()
    wrong_key = socketio.test_client(app, auth={"code": workshop.code, "key": "guess"})
    assert not wrong_key.is_connected()
    unknown = socketio.test_client(app, auth={"code": "NOPE00"})
    assert not unknown.is_connected()


def test_facilitator_page_needs_the_secret_key(
    app: Flask, workshop: Any, facilitator_key: str
) -> None:
    client = app.test_client()
    assert client.get(f"/w/{workshop.code}/facilitate/wrong").status_code == 403
    ok = client.get(f"/w/{workshop.code}/facilitate/{facilitator_key}")
    assert ok.status_code == 200


def test_qr_code_is_an_svg_of_the_join_url(app: Flask, workshop: Any) -> None:
    response = app.test_client().get(f"/w/{workshop.code}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<path" in response.data


def test_volunteering_for_a_taken_role_is_refused(
    app: Flask, workshop: Any, join_phone: Any
) -> None:
    first = join_phone("Mette")
    table = first.snapshot()["me"]["home"]["id"]
    phones = [join_phone(f"P{i}") for i in range(3)]
    tablemate = next(p for p in phones if p.snapshot()["me"]["home"]["id"] == table)
    assert first.act("volunteer", {"role": "notetaker"})["ok"]

    refused = tablemate.act("volunteer", {"role": "notetaker"})

    assert not refused["ok"]
    assert "already has a Referent" in refused["error"]
    assert tablemate.snapshot()["me"]["role"] == "member"


def test_choose_your_table_and_names_booked_by_the_plan(app: Flask) -> None:
    from cocreate.plans import load_plan, sample_plans_dir
    from cocreate.workshop import services

    plan = load_plan(sample_plans_dir() / "hedensted-kernegrupper.toml")
    workshop = services.create_workshop(plan)
    client = app.test_client()
    form = client.get(f"/j/{workshop.code}").get_data(as_text=True)
    assert 'name="table_id"' in form and "Fritid og Fællesskab" in form

    refused = client.post(f"/j/{workshop.code}", data={"name": "Uden Bord"})
    assert refused.status_code == 400 and "choose your table" in refused.get_data(as_text=True)
    chosen = workshop.tables[2]
    ok = client.post(f"/j/{workshop.code}", data={"name": "Med Bord", "table_id": str(chosen.id)})
    assert ok.status_code == 303
    assert (
        db.session.scalar(select(Participant).where(Participant.name == "Med Bord")).home_table_id
        == chosen.id
    )

    booked = plan.participants[0]
    other = app.test_client().post(f"/j/{workshop.code}", data={"name": booked.name.upper()})
    assert other.status_code == 303  # a booked name needs no table choice
    person = db.session.scalar(select(Participant).where(Participant.name == booked.name.upper()))
    assert person.home_table.position == booked.table and person.role == booked.role


def test_one_address_cannot_mint_voters_fast(app: Flask, workshop: Any) -> None:
    limit = int(app.config["JOIN_RATE_LIMIT"].split()[0])

    def fresh_device() -> Any:  # a script drops the cookie to join again as someone new
        client = app.test_client()
        client.set_cookie("cocreate_lang", "en")
        return client

    statuses = [
        fresh_device().post(f"/j/{workshop.code}", data={"name": f"Bot {i}"}).status_code
        for i in range(limit + 1)
    ]
    assert statuses[:limit] == [303] * limit
    assert statuses[-1] == 429
    refused = fresh_device().post(f"/j/{workshop.code}", data={"name": "Bot"})
    assert "Wait a minute" in refused.get_data(as_text=True)
    assert count_participants() == limit
    assert fresh_device().get(f"/j/{workshop.code}").status_code == 200  # pages still load


def test_a_volunteer_is_pushed_to_every_phone_at_the_table_with_who_holds_each_role(
    app: Flask, workshop: Any, join_phone: Any
) -> None:
    first = join_phone("Mette")
    table = first.snapshot()["me"]["home"]["id"]
    phones = [join_phone(f"P{i}") for i in range(3)]
    tablemate = next(p for p in phones if p.snapshot()["me"]["home"]["id"] == table)
    tablemate.socket.get_received()

    assert first.act("volunteer", {"role": "notetaker"})["ok"]

    pushes = [e["args"][0] for e in tablemate.socket.get_received() if e["name"] == "table_state"]
    assert pushes, "the tablemate heard nothing"
    view = pushes[-1]["view"]
    assert view["roles"] == {"host": None, "notetaker": "Mette"}
    assert view["free_roles"] == ["host"]
    assert tablemate.snapshot()["table_roles"] == {"host": None, "notetaker": "Mette"}
