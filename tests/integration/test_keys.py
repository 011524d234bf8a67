"""Keys (issue 11, finding 4): facilitator keys are stored hashed and can be rotated, tablet
links have keys of their own that the facilitator revokes, `cocreate serve` prints no stored
workshop's key, and the database and the instance folder are the owner's only."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from sqlalchemy import select

from cocreate.db import clear_sqlite_journal, db
from cocreate.extensions import socketio
from cocreate.workshop import services
from cocreate.workshop.models import CoFacilitatorLink, Note, Workshop
from tests.clients import SMALL_PLAN, FormClient, act
from tests.integration.test_organiser import create_from_template, make_organiser, signed_in_client


@pytest.fixture
def anne(app: Flask) -> FlaskClient:
    make_organiser("anne@kommune.dk")
    return signed_in_client(app, "anne@kommune.dk")


def facilitator_socket(app: Flask, code: str, key: str) -> SocketIOTestClient:
    http = app.test_client()
    http.set_cookie("cocreate_lang", "en")
    return socketio.test_client(app, flask_test_client=http, auth={"code": code, "key": key})


def tablet_socket(app: Flask, code: str, table_id: int, key: str) -> SocketIOTestClient:
    http = app.test_client()
    http.set_cookie("cocreate_lang", "en")
    auth = {"code": code, "table": table_id, "key": key}
    return socketio.test_client(app, flask_test_client=http, auth=auth)


def opened_key(client: FlaskClient, workshop_id: int) -> str:
    """The key in the link "Open the facilitator view" leads to."""
    response = client.get(f"/organiser/workshops/{workshop_id}/facilitate")
    assert response.status_code == 302, response.status_code
    return str(response.location).rsplit("/", 1)[1]


def new_facilitator_link(client: FlaskClient, workshop_id: int) -> str:
    page = client.post(f"/organiser/workshops/{workshop_id}/facilitator-key")
    assert page.status_code == 200, page.status_code
    match = re.search(r'value="(http[^"]+)" id="new-facilitator-link"', page.get_data(as_text=True))
    assert match, "the new facilitator link is shown once"
    return match.group(1).removeprefix("http://localhost")


def database_bytes() -> bytes:
    """Everything SQLite has on disk for the app's database, the write-ahead log included."""
    clear_sqlite_journal()
    path = Path(db.engine.url.database or "")
    return b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )


# --- facilitator keys -------------------------------------------------------------------------


def test_the_database_holds_no_facilitator_co_facilitator_or_tablet_key(
    app: Flask, anne: FlaskClient
) -> None:
    workshop_id = create_from_template(anne)
    workshop = db.session.get(Workshop, workshop_id)
    assert workshop is not None
    opened = opened_key(anne, workshop_id)
    assert anne.get(f"/w/{workshop.code}/facilitate/{opened}").status_code == 200
    assert opened.encode() not in database_bytes()
    handed_out = new_facilitator_link(anne, workshop_id).rsplit("/", 1)[1]
    page = anne.post(f"/organiser/workshops/{workshop_id}/links", data={"label": "Jonas"})
    co_key = re.findall(r"/facilitate/([^\"]+)\"", page.get_data(as_text=True))[0]
    facilitator = facilitator_socket(app, workshop.code, handed_out)
    assert facilitator.is_connected()
    tablet_key = act(facilitator, "create_tablet_link", {"table_id": workshop.tables[0].id})[
        "path"
    ].rsplit("/", 1)[1]

    stored = database_bytes()
    for key in (handed_out, co_key, tablet_key):
        assert key.encode() not in stored, key


def test_rotating_the_facilitator_key_stops_every_screen_that_uses_the_old_one(
    app: Flask, anne: FlaskClient
) -> None:
    workshop_id = create_from_template(anne)
    workshop = db.session.get(Workshop, workshop_id)
    assert workshop is not None
    code = workshop.code
    old_link = new_facilitator_link(anne, workshop_id)
    old_key = old_link.rsplit("/", 1)[1]
    old_opened = opened_key(anne, workshop_id)
    page = anne.post(f"/organiser/workshops/{workshop_id}/links", data={"label": "Jonas"})
    co_key = re.findall(r"/facilitate/([^\"]+)\"", page.get_data(as_text=True))[0]
    projector = facilitator_socket(app, code, old_key)
    laptop = facilitator_socket(app, code, old_opened)
    colleague = facilitator_socket(app, code, co_key)
    assert projector.is_connected() and laptop.is_connected() and colleague.is_connected()

    new_link = new_facilitator_link(anne, workshop_id)

    # Screens on the old key (or the organiser's link made from it) are cut off ...
    assert not projector.is_connected() and not laptop.is_connected()
    for key in (old_key, old_opened):
        assert not facilitator_socket(app, code, key).is_connected()
        for path in ("", "/print", "/results.csv"):
            refused = app.test_client().get(f"/w/{code}/facilitate/{key}{path}")
            assert refused.status_code == 403, (key, path)
        message = app.test_client().get(f"/w/{code}/facilitate/{key}").get_data(as_text=True)
        assert "it may have been replaced by a new one" in message
    # ... the new link and the organiser's page open the view; a co-facilitator keeps theirs.
    assert app.test_client().get(new_link).status_code == 200
    new_opened = opened_key(anne, workshop_id)
    assert new_opened != old_opened
    for key in (new_link.rsplit("/", 1)[1], new_opened):
        screen = facilitator_socket(app, code, key)
        assert screen.is_connected() and act(screen, "sync")["ok"]
    assert colleague.is_connected() and act(colleague, "sync")["ok"]


def test_rotating_is_for_the_owner_only(app: Flask, anne: FlaskClient) -> None:
    workshop_id = create_from_template(anne)
    make_organiser("bo@kommune.dk")
    bo = signed_in_client(app, "bo@kommune.dk")
    workshop = db.session.get(Workshop, workshop_id)
    assert workshop is not None
    before = workshop.facilitator_key_hash
    assert bo.post(f"/organiser/workshops/{workshop_id}/facilitator-key").status_code == 404
    db.session.expire_all()
    assert db.session.get(Workshop, workshop_id).facilitator_key_hash == before  # type: ignore[union-attr]


# --- tablet links -----------------------------------------------------------------------------


def test_a_revoked_tablet_is_cut_off_and_can_no_longer_read_or_write(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    for i in range(6):
        join_phone(f"Person {i}")
    table = workshop.tables[1]
    path = act(facilitator, "create_tablet_link", {"table_id": table.id})["path"]
    key = path.rsplit("/", 1)[1]
    tablet = tablet_socket(app, workshop.code, table.id, key)
    act(facilitator, "start_round")
    assert tablet.emit("add_note", {"field": "ideas", "text": "Før"}, callback=True)["ok"]

    revoked = act(facilitator, "revoke_tablet_link", {"table_id": table.id})

    assert revoked["ok"], revoked
    assert not tablet.is_connected()
    assert not tablet_socket(app, workshop.code, table.id, key).is_connected()
    page = app.test_client().get(path)
    assert page.status_code == 403 and "it was revoked or replaced" in page.get_data(as_text=True)
    tables = {t["id"]: t for t in act(facilitator, "sync")["snapshot"]["tables"]}
    assert tables[table.id]["tablet_link"] is None
    again = act(facilitator, "revoke_tablet_link", {"table_id": table.id})
    assert again == {"ok": False, "error": "This table has no tablet link."}
    assert [n.text for n in db.session.scalars(select(Note))] == ["Før"]


def test_a_new_tablet_link_replaces_the_tables_old_one(
    app: Flask, workshop: Any, facilitator: Any
) -> None:
    table = workshop.tables[0]
    first = act(facilitator, "create_tablet_link", {"table_id": table.id})["path"]
    old = tablet_socket(app, workshop.code, table.id, first.rsplit("/", 1)[1])
    assert old.is_connected()

    second = act(facilitator, "create_tablet_link", {"table_id": table.id})["path"]

    assert second != first and not old.is_connected()
    assert app.test_client().get(first).status_code == 403
    assert app.test_client().get(second).status_code == 200
    for payload in ({}, {"table_id": "1"}, {"table_id": 10**30}, {"table_id": True}):
        refused = act(facilitator, "create_tablet_link", payload)
        assert refused == {"ok": False, "error": "No such table in this workshop."}, payload


def test_a_tablet_cannot_make_or_revoke_tablet_links(
    app: Flask, workshop: Any, facilitator: Any
) -> None:
    table = workshop.tables[0]
    path = act(facilitator, "create_tablet_link", {"table_id": table.id})["path"]
    tablet = tablet_socket(app, workshop.code, table.id, path.rsplit("/", 1)[1])
    for event in ("create_tablet_link", "revoke_tablet_link"):
        refused = tablet.emit(event, {"table_id": table.id}, callback=True)
        assert refused["error"] == "Only the facilitator can do that."
    assert tablet.is_connected()


def test_a_revoked_co_facilitator_keeps_no_way_to_the_tables(
    app: Flask, anne: FlaskClient, join_phone: Any
) -> None:
    """Tablet links used to be derived from the facilitator key and sent in the facilitator's
    state: a co-facilitator whose link was revoked could still open every table."""
    workshop_id = create_from_template(anne)
    workshop = db.session.get(Workshop, workshop_id)
    assert workshop is not None
    page = anne.post(f"/organiser/workshops/{workshop_id}/links", data={"label": "Jonas"})
    co_key = re.findall(r"/facilitate/([^\"]+)\"", page.get_data(as_text=True))[0]
    colleague = facilitator_socket(app, workshop.code, co_key)
    seen = act(colleague, "sync")["snapshot"]
    link_id = db.session.scalar(select(CoFacilitatorLink.id))
    assert (
        anne.post(f"/organiser/workshops/{workshop_id}/links/{link_id}/revoke").status_code == 303
    )

    strings = [s for s in _strings(seen) if "/table/" in s]
    assert strings == [], "the facilitator's state names no tablet link"
    assert not colleague.is_connected()
    for table in workshop.tables:
        for candidate in [co_key, *(s.rsplit("/", 1)[-1] for s in _strings(seen))]:
            assert not tablet_socket(app, workshop.code, table.id, candidate).is_connected()


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# --- what `cocreate serve` prints -------------------------------------------------------------


@pytest.fixture
def serve_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run `cocreate serve` up to the point where it would start serving; returns a function
    giving its output."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    monkeypatch.setenv("COCREATE_SECRET_KEY", "test")
    monkeypatch.setattr(socketio, "run", lambda *args, **kwargs: None)

    def run(*options: str) -> str:
        from cocreate.commands import cli

        args = ["serve", "--host", "127.0.0.1", "--port", "5999", *options]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_serve_prints_no_key_of_the_workshops_in_the_database(serve_output: Any) -> None:
    from cocreate import create_app

    app = create_app({"ASYNC_MODE": "threading", "TESTING": True})
    app.test_client_class = FormClient  # its forms carry their CSRF token, as a browser's do
    keys = []
    with app.app_context():
        for email in ("anne@kommune.dk", "bo@kommune.dk"):  # two organisers' workshops
            make_organiser(email)
            client = signed_in_client(app, email)
            keys.append(opened_key(client, create_from_template(client)))

    output = serve_output()

    assert "/facilitate/" not in output
    for key in keys:
        assert key not in output
    assert "http://127.0.0.1:5999/organiser/" in output


def test_serve_sample_prints_the_links_of_the_sample_it_makes_now(serve_output: Any) -> None:
    from cocreate import create_app

    first = serve_output("--sample")
    match = re.search(r"http://127\.0\.0\.1:5999/w/(\w+)/facilitate/(\S+)", first)
    assert match, first
    assert "Log in as organiser@localhost with the password" in first
    app = create_app({"ASYNC_MODE": "threading"})
    with app.app_context():
        workshop = services.workshop_by_code(match.group(1))
        assert workshop is not None and services.facilitator_key_matches(workshop, match.group(2))
    # The next start has nothing new to show: the sample's key is not printed again.
    again = serve_output("--sample")
    assert "/facilitate/" not in again and match.group(2) not in again


# --- files only the owner reads ---------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_instance_folder_database_and_secret_are_the_owners_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cocreate import create_app

    monkeypatch.setenv("COCREATE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("COCREATE_SECRET_KEY", raising=False)
    usual = os.umask(0o022)  # the common umask: no help from a strict one
    try:
        app = create_app({"ASYNC_MODE": "threading"})
        with app.app_context():
            services.create_workshop(_plan())  # the database is written, its log files appear
    finally:
        os.umask(usual)
    instance = tmp_path / "instance"
    assert _mode(instance) == 0o700
    assert (instance / "cocreate.sqlite3-wal").exists()
    files = ["cocreate.sqlite3", "cocreate.sqlite3-wal", "cocreate.sqlite3-shm", "secret_key"]
    for name in files:
        assert _mode(instance / name) == 0o600, name


def test_a_database_file_elsewhere_is_created_private_and_an_open_one_is_closed(
    tmp_path: Path,
) -> None:
    from cocreate import create_app

    fresh = tmp_path / "fresh.sqlite3"
    config = {"ASYNC_MODE": "threading", "SECRET_KEY": "test"}
    usual = os.umask(0o022)
    try:
        app = create_app(config | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{fresh}"})
        with app.app_context():
            services.create_workshop(_plan())
        assert _mode(fresh) == 0o600
        assert _mode(fresh.with_name("fresh.sqlite3-wal")) == 0o600

        fresh.chmod(0o644)  # as an older version left it
        create_app(config | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{fresh}"})
        assert _mode(fresh) == 0o600
    finally:
        os.umask(usual)


def _plan() -> Any:
    from cocreate.plans import parse_plan

    return parse_plan(SMALL_PLAN)
