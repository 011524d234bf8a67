"""Shared fixtures: an app on a temporary SQLite file, a small plan, joined phones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient

from tests.clients import SMALL_PLAN, FormClient, Phone

if TYPE_CHECKING:  # cocreate itself is imported by the fixtures, when a test asks for one
    from cocreate.plans import Plan
    from cocreate.workshop.models import Workshop


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
    # Every test client sends the form token the way a browser does; CSRF stays on.
    application.test_client_class = FormClient
    with application.app_context():
        yield application


@pytest.fixture
def plan() -> Plan:
    from cocreate.plans import parse_plan

    return parse_plan(SMALL_PLAN, source="small.toml")


@pytest.fixture
def workshop(app: Flask, plan: Plan) -> Workshop:
    from cocreate.workshop import services

    return services.create_workshop(plan)


@pytest.fixture
def join_phone(app: Flask, workshop: Workshop) -> Callable[[str], Phone]:
    def join(name: str) -> Phone:
        return Phone(app, workshop.code, name)

    return join


@pytest.fixture
def facilitator_key(workshop: Workshop) -> str:
    """The workshop's facilitator key, made now: only its hash is stored, so this is the one
    moment it is known (as when the organiser makes a new facilitator link)."""
    from cocreate.workshop import services

    return services.rotate_facilitator_key(workshop)


@pytest.fixture
def facilitator(app: Flask, workshop: Workshop, facilitator_key: str) -> SocketIOTestClient:
    from cocreate.extensions import socketio

    http = app.test_client()
    http.set_cookie("cocreate_lang", "en")
    client = socketio.test_client(
        app, flask_test_client=http, auth={"code": workshop.code, "key": facilitator_key}
    )
    assert client.is_connected()
    return client
