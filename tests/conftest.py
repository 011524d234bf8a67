"""Shared fixtures: an app on a temporary SQLite file, a small plan, joined phones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

SMALL_PLAN = """
[workshop]
title = "Årsmøde i Testby"
language = "da"

[roles]
host = "Bordformand"
notetaker = "Referent"

[[tables]]
name = "Udsatte grupper"
topic = "Færre udsættelser"

[[tables]]
name = "Børn og unge"
topic = "Fritid og skole"

[[tables]]
name = "Sundhed"
topic = "Trivsel i boligområdet"

[[rounds]]
title = "Hjemme"
prompt = "Hvad fungerer?"
minutes = 10

[[rounds]]
title = "Rundt"
prompt = "Hvilke resultater har vi opnået?"
minutes = 10

[[rounds]]
title = "Hjem igen"
prompt = "Hvilke udfordringer står vi overfor?"
minutes = 10

[[fields]]
key = "ideas"
label = "Idéer"

[[fields]]
key = "challenges"
label = "Udfordringer"

[vote]
shortlist_size = 4
method = "borda"
ballot = "ranking"
min_ballots = 3
challenge_field = "challenges"
"""


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    from cocreate import create_app

    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "ASYNC_MODE": "threading",
            "PUBLIC_URL": "http://cocreate.test",
            # Plans in-process and facilitator pushes at once, so tests need not wait; the
            # planner process and the gathered pushes have tests of their own.
            "PLANNER": "inline",
            "LIVE_FACILITATOR_DELAY": 0,
        }
    )
    with application.app_context():
        yield application


@pytest.fixture
def plan() -> Any:
    from cocreate.plans import parse_plan

    return parse_plan(SMALL_PLAN, source="small.toml")


@pytest.fixture
def workshop(app: Flask, plan: Any) -> Any:
    from cocreate.workshop import services

    return services.create_workshop(plan)


class Phone:
    """A participant's phone: an HTTP client holding the cookie, and its socket."""

    def __init__(self, app: Flask, code: str, name: str, language: str = "en") -> None:
        from cocreate.extensions import socketio

        self.http: FlaskClient = app.test_client()
        # Tests read English messages; the workshop itself is Danish, as the samples are.
        self.http.set_cookie("cocreate_lang", language)
        response = self.http.post(f"/j/{code}", data={"name": name})
        assert response.status_code == 303, response.get_data(as_text=True)
        self.socket: SocketIOTestClient = socketio.test_client(
            app, flask_test_client=self.http, auth={"code": code}
        )
        assert self.socket.is_connected()
        self.name = name

    def act(self, event: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.socket.emit(event, payload or {}, callback=True)

    def snapshot(self) -> dict[str, Any]:
        ack = self.act("sync")
        assert ack["ok"], ack
        return ack["snapshot"]


@pytest.fixture
def join_phone(app: Flask, workshop: Any):
    def join(name: str) -> Phone:
        return Phone(app, workshop.code, name)

    return join


@pytest.fixture
def facilitator_key(workshop: Any) -> str:
    """The workshop's facilitator key, made now: only its hash is stored, so this is the one
    moment it is known (as when the organiser makes a new facilitator link)."""
    from cocreate.workshop import services

    return services.rotate_facilitator_key(workshop)


@pytest.fixture
def facilitator(app: Flask, workshop: Any, facilitator_key: str) -> SocketIOTestClient:
    from cocreate.extensions import socketio

    http = app.test_client()
    http.set_cookie("cocreate_lang", "en")
    client = socketio.test_client(
        app, flask_test_client=http, auth={"code": workshop.code, "key": facilitator_key}
    )
    assert client.is_connected()
    return client


def act(client: SocketIOTestClient, event: str, payload: dict[str, Any] | None = None) -> Any:
    return client.emit(event, payload or {}, callback=True)
