"""`cocreate export CODE --format xlsx|json|html -o FILE`, and its refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cocreate.commands import cli
from tests.clients import SMALL_PLAN
from tests.integration.test_export import KNOWN_BALLOTS, MANDATE, PEOPLE, run_workshop


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COCREATE_SECRET_KEY", "test")
    return path


def played_code(*, ballots: int = len(KNOWN_BALLOTS), close: bool = True) -> str:
    from cocreate import create_app
    from cocreate.plans import parse_plan
    from cocreate.workshop import services

    app = create_app({"ASYNC_MODE": "threading"})
    with app.app_context():
        workshop = services.create_workshop(parse_plan(SMALL_PLAN))
        run_workshop(workshop, ballots=KNOWN_BALLOTS[:ballots], close=close)
        return workshop.code


def export(code: str, fmt: str, output: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["export", code, "--format", fmt, "-o", str(output), *extra])
    return result.exit_code, result.output


def test_export_writes_xlsx_json_and_html(database: Path, tmp_path: Path) -> None:
    code = played_code()

    status, output = export(code, "xlsx", tmp_path / "result.xlsx")
    assert status == 0, output
    book = load_workbook(tmp_path / "result.xlsx")
    assert book["Ranking"]["B2"].value == MANDATE
    assert book["Turnout"]["B3"].value == len(KNOWN_BALLOTS)

    status, output = export(code, "json", tmp_path / "workshop.json")
    assert status == 0, output
    archived = json.loads((tmp_path / "workshop.json").read_text(encoding="utf-8"))
    assert archived["results"]["ranking"][0]["text"] == MANDATE
    assert all("name" not in p for p in archived["participants"])

    status, output = export(code, "json", tmp_path / "named.json", "--include-names")
    assert status == 0, output
    named = json.loads((tmp_path / "named.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in named["participants"]] == PEOPLE

    status, output = export(code, "html", tmp_path / "report.html")
    assert status == 0, output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Resultat til styregruppen" in html and MANDATE in html


def test_export_refuses_before_closing_and_while_withheld(database: Path, tmp_path: Path) -> None:
    open_vote = played_code(close=False)
    too_few = played_code(ballots=2)

    for fmt in ("csv", "xlsx", "json", "html"):
        out = tmp_path / f"out.{fmt}"
        status, output = export(open_vote, fmt, out)
        assert status != 0 and "Resultatet vises først, når afstemningen er lukket." in output
        status, output = export(too_few, fmt, out)
        assert status != 0 and "Kun 2 stemmesedler: resultatet holdes tilbage under 3" in output
        assert not out.exists()


def test_include_names_is_for_json_only(database: Path, tmp_path: Path) -> None:
    status, output = export("ANY", "html", tmp_path / "r.html", "--include-names")
    assert status == 2 and "--include-names applies to --format json only" in output
