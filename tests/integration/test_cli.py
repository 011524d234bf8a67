"""The `cocreate` command: import a plan, refuse a malformed one, export the result."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from cocreate.cli import requested_worker
from cocreate.commands import cli
from cocreate.plans import sample_plans_dir
from tests.clients import SMALL_PLAN


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COCREATE_SECRET_KEY", "test")
    return path


def test_import_prints_the_join_code(database: Path) -> None:
    result = CliRunner().invoke(
        cli, ["import", str(sample_plans_dir() / "hedensted-kernegrupper.toml")]
    )
    assert result.exit_code == 0, result.output
    assert "Join code: " in result.output
    assert "/facilitate/" in result.output


def test_malformed_plan_is_refused_naming_file_and_field(database: Path, tmp_path: Path) -> None:
    plan = tmp_path / "broken.toml"
    plan.write_text(SMALL_PLAN.replace("minutes = 10\n", 'minutes = "ti"\n', 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(plan)])
    assert result.exit_code != 0
    assert "broken.toml" in result.output and "rounds[1].minutes" in result.output


def test_export_writes_the_ranked_csv(database: Path, tmp_path: Path) -> None:
    from cocreate import create_app
    from cocreate.plans import parse_plan
    from cocreate.voting import services as voting
    from cocreate.workshop import services

    app = create_app({"ASYNC_MODE": "threading"})
    with app.app_context():
        workshop = services.create_workshop(parse_plan(SMALL_PLAN))
        code = workshop.code
        people = [services.join(workshop, f"P{i}")[0] for i in range(3)]
        services.start_next_round(workshop)
        for _ in range(2):
            services.end_round(workshop)
            services.start_next_round(workshop)
        services.end_round(workshop)
        services.begin_consolidation(workshop)
        first = services.add_challenge(workshop, text="Tydeligere mandat")
        second = services.add_challenge(workshop, text="Klarere ressourcer")
        voting.open_vote(workshop)
        for person in people:
            voting.cast_ballot(person, [second.id, first.id])

    out = tmp_path / "result.csv"
    refused = CliRunner().invoke(cli, ["export", code, "--format", "csv", "-o", str(out)])
    assert refused.exit_code != 0
    # The command speaks the workshop's language, Danish here.
    assert "Resultatet vises først, når afstemningen er lukket." in refused.output

    with app.app_context():
        voting.close_vote(services.workshop_by_code(code))
    result = CliRunner().invoke(cli, ["export", code, "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows == [
        ["rank", "challenge", "score", "tables", "score_unit"],
        ["1", "Klarere ressourcer", "6", "", "Borda-point"],
        ["2", "Tydeligere mandat", "3", "", "Borda-point"],
    ]
    unknown = CliRunner().invoke(cli, ["export", "NOPE00", "-o", str(out)])
    assert unknown.exit_code != 0 and "No workshop has the code NOPE00" in unknown.output


def test_worker_choice_is_read_before_patching() -> None:
    assert requested_worker(["serve"]) == "gevent"
    assert requested_worker(["serve", "--worker", "eventlet"]) == "eventlet"
    assert requested_worker(["serve", "--worker=eventlet"]) == "eventlet"
    assert requested_worker(["import", "x.toml"]) is None
