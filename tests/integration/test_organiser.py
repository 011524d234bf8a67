"""Organiser accounts and the workshop list: log in and out, the session cookie, the login
rate limit, and one organiser never seeing or touching another's workshop (by URL and by
socket)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from cocreate.db import db
from cocreate.organiser import accounts
from cocreate.organiser.models import Organiser
from cocreate.workshop import services
from cocreate.workshop.models import CoFacilitatorLink, Workshop
from tests.clients import act

PASSWORD = "en god adgangskode"
WRONG_LOGIN = "The e-mail address or the password is not right."


def make_organiser(email: str, password: str = PASSWORD) -> Organiser:
    organiser, _new = accounts.save_organiser(email, password)
    return organiser


def signed_in_client(app: Flask, email: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/organiser/login", data={"email": email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def create_from_template(client: FlaskClient, date: str = "2026-05-04") -> int:
    response = client.post(
        "/organiser/workshops/new",
        data={"template": "halsnaes-aarskonference.toml", "scheduled_on": date},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.search(r"/workshops/(\d+)/plan", response.location)
    assert match, response.location
    return int(match.group(1))


@pytest.fixture
def anne(app: Flask) -> FlaskClient:
    make_organiser("anne@kommune.dk")
    return signed_in_client(app, "anne@kommune.dk")


@pytest.fixture
def bo(app: Flask, anne: FlaskClient) -> FlaskClient:
    """A second organiser (Anne's account is the first)."""
    make_organiser("bo@kommune.dk")
    return signed_in_client(app, "bo@kommune.dk")


# --- accounts, login, logout ------------------------------------------------------------------


def test_password_is_stored_as_an_scrypt_hash(app: Flask) -> None:
    organiser = make_organiser("Anne@Kommune.dk")
    assert organiser.email == "anne@kommune.dk"
    assert organiser.password_hash.startswith("scrypt:")
    assert PASSWORD not in organiser.password_hash


def test_login_opens_the_list_and_logout_closes_it(app: Flask) -> None:
    make_organiser("anne@kommune.dk")
    client = app.test_client()
    assert client.get("/organiser/").status_code == 302  # to the login page
    response = client.post(
        "/organiser/login", data={"email": "ANNE@kommune.dk ", "password": PASSWORD}
    )
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/organiser/")
    assert page.status_code == 200 and "anne@kommune.dk" in page.get_data(as_text=True)
    assert client.post("/organiser/logout").status_code == 303
    after = client.get("/organiser/")
    assert after.status_code == 302 and "/organiser/login" in after.location


def test_session_cookie_is_secure_over_https(app: Flask) -> None:
    make_organiser("anne@kommune.dk")
    response = app.test_client().post(
        "/organiser/login",
        data={"email": "anne@kommune.dk", "password": PASSWORD},
        base_url="https://cocreate.test",
    )
    assert "Secure" in response.headers["Set-Cookie"]
    plain = app.test_client().post(
        "/organiser/login", data={"email": "anne@kommune.dk", "password": PASSWORD}
    )
    assert "Secure" not in plain.headers["Set-Cookie"]


def test_a_failed_login_does_not_say_which_part_was_wrong(app: Flask) -> None:
    make_organiser("anne@kommune.dk")
    client = app.test_client()
    wrong_password = client.post(
        "/organiser/login", data={"email": "anne@kommune.dk", "password": "forkert"}
    )
    unknown_email = client.post(
        "/organiser/login", data={"email": "ukendt@kommune.dk", "password": PASSWORD}
    )
    nothing = client.post("/organiser/login", data={})
    for response in (wrong_password, unknown_email, nothing):
        assert response.status_code == 401
        assert WRONG_LOGIN in response.get_data(as_text=True)
    assert client.get("/organiser/").status_code == 302


def test_idle_and_absolute_session_limits(app: Flask) -> None:
    make_organiser("anne@kommune.dk")
    client = signed_in_client(app, "anne@kommune.dk")
    idle = app.config["ORGANISER_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session[accounts.SESSION_SEEN_AT] -= idle + 1
    assert client.get("/organiser/").status_code == 302

    client = signed_in_client(app, "anne@kommune.dk")
    lifetime = app.config["ORGANISER_SESSION_HOURS"] * 3600
    with client.session_transaction() as session:
        session[accounts.SESSION_SIGNED_IN_AT] -= lifetime + 1  # active, but signed in too long
    assert client.get("/organiser/").status_code == 302


def test_login_attempts_are_rate_limited(app: Flask) -> None:
    make_organiser("anne@kommune.dk")
    client = app.test_client()
    allowed = int(app.config["ORGANISER_LOGIN_LIMIT"].split()[0])
    for _ in range(allowed):
        response = client.post(
            "/organiser/login", data={"email": "anne@kommune.dk", "password": "gæt"}
        )
        assert response.status_code == 401
    blocked = client.post(
        "/organiser/login", data={"email": "anne@kommune.dk", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert "Too many login attempts" in blocked.get_data(as_text=True)
    assert client.get("/organiser/").status_code == 302  # the right password did not get in


def test_login_never_redirects_to_another_site(app: Flask) -> None:
    make_organiser("anne@kommune.dk")
    response = app.test_client().post(
        "/organiser/login",
        data={"email": "anne@kommune.dk", "password": PASSWORD, "next": "//evil.example/"},
    )
    assert response.location == "/organiser/"


def test_add_organiser_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cocreate.commands import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("COCREATE_SECRET_KEY", "test")
    runner = CliRunner()
    created = runner.invoke(cli, ["add-organiser", "anne@kommune.dk"], input=f"{PASSWORD}\n" * 2)
    assert created.exit_code == 0, created.output
    assert "Created the organiser anne@kommune.dk" in created.output
    short = runner.invoke(cli, ["add-organiser", "bo@kommune.dk", "--password", "kort"])
    assert short.exit_code != 0 and "mindst 10 tegn" in short.output
    reset = runner.invoke(cli, ["add-organiser", "anne@kommune.dk", "--password", "x" * 12])
    assert reset.exit_code == 0 and "Set a new password" in reset.output


# --- the workshop list and ownership -----------------------------------------------------------


def test_create_list_duplicate_archive_delete(app: Flask, anne: FlaskClient) -> None:
    workshop_id = create_from_template(anne)
    listing = anne.get("/organiser/").get_data(as_text=True)
    assert "Årskonference" in listing and "Lobby" in listing

    copy = anne.post(f"/organiser/workshops/{workshop_id}/duplicate", data={"scheduled_on": "x"})
    assert copy.status_code == 400 and "calendar date" in copy.get_data(as_text=True)
    copy = anne.post(
        f"/organiser/workshops/{workshop_id}/duplicate", data={"scheduled_on": "2027-01-10"}
    )
    assert copy.status_code == 303
    workshops = db.session.scalars(select(Workshop).order_by(Workshop.id)).all()
    assert len(workshops) == 2
    original, duplicate = workshops
    assert duplicate.code != original.code and duplicate.title == original.title
    assert [t.name for t in duplicate.tables] == [t.name for t in original.tables]
    assert duplicate.scheduled_on is not None and duplicate.scheduled_on.year == 2027

    anne.post(f"/organiser/workshops/{duplicate.id}/archive", data={"archived": "1"})
    db.session.refresh(duplicate)
    assert duplicate.archived

    refused = anne.post(f"/organiser/workshops/{duplicate.id}/delete", data={})
    assert refused.status_code == 400 and db.session.get(Workshop, duplicate.id) is not None
    deleted = anne.post(f"/organiser/workshops/{duplicate.id}/delete", data={"confirm": "yes"})
    assert deleted.status_code == 303
    db.session.expire_all()
    assert db.session.get(Workshop, duplicate.id) is None


def test_the_list_shows_participant_counts(
    app: Flask, anne: FlaskClient, workshop: Any, join_phone: Any
) -> None:
    join_phone("Karla")
    join_phone("Mads")
    row = re.search(
        rf'data-workshop="{workshop.id}".*?class="num">(\d+)<',
        anne.get("/organiser/").get_data(as_text=True),
        re.S,
    )
    assert row and row.group(1) == "2"


def test_imported_workshops_belong_to_the_first_organiser(
    app: Flask, workshop: Any, anne: FlaskClient, bo: FlaskClient
) -> None:
    assert workshop.owner_id is None  # made like `cocreate import` makes it
    assert workshop.title in anne.get("/organiser/").get_data(as_text=True)
    assert workshop.title not in bo.get("/organiser/").get_data(as_text=True)
    assert bo.get(f"/organiser/workshops/{workshop.id}").status_code == 404


def test_another_organiser_can_neither_see_nor_touch_a_workshop(
    app: Flask, anne: FlaskClient, bo: FlaskClient
) -> None:
    workshop_id = create_from_template(anne)
    workshop = db.session.get(Workshop, workshop_id)
    assert workshop is not None
    assert workshop.title not in bo.get("/organiser/").get_data(as_text=True)
    reads = ["", "/plan", "/plan.toml", "/facilitate", "/duplicate", "/delete", "/export.json"]
    for path in reads:
        response = bo.get(f"/organiser/workshops/{workshop_id}{path}")
        assert response.status_code == 404, path
        assert "/facilitate/" not in response.get_data(as_text=True)
        assert response.location is None
    writes = {
        "/plan": {"title": "Kapret"},
        "/settings": {"scheduled_on": "", "retention_days": "1"},
        "/archive": {"archived": "1"},
        "/delete": {"confirm": "yes"},
        "/links": {"label": "Bo"},
        "/close": {"erase_names": "1"},
        "/erase-names": {"confirm": "yes"},
        "/duplicate": {"scheduled_on": ""},
    }
    for path, form in writes.items():
        assert bo.post(f"/organiser/workshops/{workshop_id}{path}", data=form).status_code == 404
    db.session.expire_all()
    unchanged = db.session.get(Workshop, workshop_id)
    assert unchanged is not None and unchanged.title == workshop.title
    assert not unchanged.archived and unchanged.retention_days == 30
    assert db.session.scalars(select(CoFacilitatorLink)).all() == []
    assert db.session.scalar(select(Workshop).where(Workshop.owner_id != workshop.owner_id)) is None


def test_owner_reaches_the_facilitator_view_and_the_socket(app: Flask, anne: FlaskClient) -> None:
    from cocreate.extensions import socketio

    workshop = db.session.get(Workshop, create_from_template(anne))
    assert workshop is not None
    response = anne.get(f"/organiser/workshops/{workshop.id}/facilitate")
    assert response.status_code == 302
    key = services.organiser_facilitator_key(workshop)
    assert response.location == f"/w/{workshop.code}/facilitate/{key}"
    assert anne.get(response.location).status_code == 200
    socket = socketio.test_client(app, auth={"code": workshop.code, "key": key})
    assert socket.is_connected()
    assert act(socket, "sync")["ok"]


def test_another_organisers_socket_is_refused(
    app: Flask, anne: FlaskClient, bo: FlaskClient, join_phone: Any
) -> None:
    from cocreate.extensions import socketio

    annes = db.session.get(Workshop, create_from_template(anne))
    bos = db.session.get(Workshop, create_from_template(bo))
    assert annes is not None and bos is not None
    # Bo's login cookie is no facilitator key, nor is the key of his own workshop.
    bos_key = services.organiser_facilitator_key(bos)
    for auth in ({"code": annes.code}, {"code": annes.code, "key": bos_key}):
        refused = socketio.test_client(app, flask_test_client=bo, auth=auth)
        assert not refused.is_connected()
    # With his own workshop's key, his actions reach only his own workshop.
    own = socketio.test_client(app, flask_test_client=bo, auth={"code": bos.code, "key": bos_key})
    assert own.is_connected()
    snapshot = act(own, "sync")["snapshot"]
    assert snapshot["workshop"]["code"] == bos.code
    act(own, "start_round")
    db.session.expire_all()
    assert db.session.get(Workshop, annes.id).current_round == -1  # type: ignore[union-attr]


# --- co-facilitator links ---------------------------------------------------------------------


def test_co_facilitator_link_works_until_revoked(app: Flask, anne: FlaskClient) -> None:
    from cocreate.extensions import socketio

    workshop = db.session.get(Workshop, create_from_template(anne))
    assert workshop is not None
    empty = anne.post(f"/organiser/workshops/{workshop.id}/links", data={"label": "  "})
    assert empty.status_code == 400 and "Say who the link is for" in empty.get_data(as_text=True)
    page = anne.post(f"/organiser/workshops/{workshop.id}/links", data={"label": "Jonas"})
    match = re.search(
        rf'value="(http[^"]*/w/{workshop.code}/facilitate/([^"]+))"', page.get_data(as_text=True)
    )
    assert match, "the new link is shown once"
    path, key = match.group(1).removeprefix("http://localhost"), match.group(2)
    stored = db.session.scalars(select(CoFacilitatorLink)).one()
    assert services.facilitator_access(workshop, key) == services.FacilitatorAccess(stored.id)
    assert key not in stored.key_hash  # only a hash is kept

    colleague = app.test_client()
    assert colleague.get(path).status_code == 200
    socket = socketio.test_client(app, auth={"code": workshop.code, "key": key})
    assert socket.is_connected()
    assert socket.emit("sync", {}, callback=True)["ok"]

    revoke = anne.post(f"/organiser/workshops/{workshop.id}/links/{stored.id}/revoke")
    assert revoke.status_code == 303
    # a screen still connected with the revoked link is cut off
    assert not socket.is_connected()
    assert colleague.get(path).status_code == 403
    assert not socketio.test_client(app, auth={"code": workshop.code, "key": key}).is_connected()
    again = anne.post(f"/organiser/workshops/{workshop.id}/links/{stored.id}/revoke")
    assert again.status_code == 409
