"""What the tests drive the app with: a small plan, a browser-like form client, a
participant's phone and a socket event with its acknowledgement."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import flask_babel
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

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


CSRF_FIELD = "csrf_token"
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class FormClient(FlaskClient):
    """A test client that sends forms as a browser does, with the CSRF token of the page.

    It keeps the token of the last page it got. A POST whose data has no ``csrf_token`` gets
    that one; when there is none (nothing got yet, or the last POST began a new session, as a
    login does) it first GETs the page it posts to, or else the login page, and reads the token
    there. Data that has a ``csrf_token`` key, even an empty one, is sent as it is: that is how
    a test forges a request.
    """

    page_token: str | None = None

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        if has_app_context():
            # The test's app context, and its g, is shared by every request: forget the
            # language the previous one chose (such as the page this client read a token
            # from), as a real server does.
            flask_babel.refresh()
        if kwargs.get("method") == "POST" and args and isinstance(args[0], str):
            data = kwargs.get("data")
            if data is None or (isinstance(data, Mapping) and CSRF_FIELD not in data):
                kwargs["data"] = _with_token(data, self._token_for(args[0], kwargs))
        response = super().open(*args, **kwargs)
        html = response.mimetype == "text/html"
        found = _CSRF_INPUT.search(response.get_data(as_text=True)) if html else None
        if found:
            self.page_token = found.group(1)
        elif kwargs.get("method") == "POST":
            self.page_token = None
        return response

    def _token_for(self, url: str, request: dict[str, Any]) -> str:
        if self.page_token is None:
            same_site = {k: request[k] for k in ("base_url", "headers") if k in request}
            for page in (url.split("?")[0], "/organiser/login"):
                self.get(page, follow_redirects=True, **same_site)
                if self.page_token is not None:
                    break
        assert self.page_token is not None, f"no page with a form token for {url}"
        return self.page_token


def _with_token(data: Mapping[str, Any] | None, token: str) -> Mapping[str, Any]:
    if isinstance(data, MultiDict):
        copy = data.copy()
        copy[CSRF_FIELD] = token
        return copy
    return {**(data or {}), CSRF_FIELD: token}


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


def act(client: SocketIOTestClient, event: str, payload: dict[str, Any] | None = None) -> Any:
    return client.emit(event, payload or {}, callback=True)
