"""Settings and rules for several workers (docs/deploy.md) that hold on one process too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from cocreate.app import database_url
from cocreate.db import db
from cocreate.workshop import planning
from cocreate.workshop.models import Seat, Workshop
from tests.clients import act


def test_postgresql_urls_use_psycopg_3() -> None:
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
    assert database_url(None) is None


def test_a_message_queue_that_is_not_redis_is_refused_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cocreate.commands import cli

    monkeypatch.setenv("COCREATE_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(cli, ["serve", "--message-queue", "amqp://broker"])
    assert result.exit_code != 0
    assert "MESSAGE_QUEUE must be a redis:// URL" in result.output
    assert "Traceback" not in result.output


def test_a_plan_two_workers_made_for_one_request_is_applied_once(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any
) -> None:
    for i in range(12):
        join_phone(f"Person {i}")
    act(facilitator, "start_round")
    ws = db.session.get(Workshop, workshop.id)
    planning.request_plan(ws)
    db.session.commit()
    # Both workers read the same pending request and plan it.
    first = planning.pending_job(workshop.id)
    second = planning.pending_job(workshop.id)
    assert first is not None and second is not None and first.request == second.request
    seats_before = db.session.scalar(select(func.count()).select_from(Seat))

    assert planning.apply_plan(first, planning.plan_from_json(first.arguments)) is True
    assert planning.apply_plan(second, planning.plan_from_json(second.arguments)) is False
    assert db.session.scalar(select(func.count()).select_from(Seat)) == seats_before
