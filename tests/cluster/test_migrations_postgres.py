"""Migrations on PostgreSQL, as tests/integration/test_migrations.py checks them on SQLite
(and with its helpers): `cocreate db upgrade` makes an empty database and takes one made at
the first revision, holding a workshop, to the newest with every row kept; the migrations
build exactly the models' schema."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import inspect, text

from cocreate import migrations
from cocreate.db import db
from tests.integration.test_migrations import (
    app_leaving_the_database,
    assert_migrations_build_the_models_schema,
    check_every_row_kept,
    fill_first_revision,
    workshop_row,
)

pytestmark = pytest.mark.cluster


@pytest.fixture
def bare_app(postgres_url: str) -> Iterator[Flask]:
    with app_leaving_the_database(postgres_url) as application:
        yield application


def db_upgrade(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """`cocreate db upgrade` on that database, as an operator runs it; returns its output."""
    from cocreate.commands import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("COCREATE_SECRET_KEY", "test")
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return result.output


def test_db_upgrade_makes_an_empty_database(
    bare_app: Flask, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Created a new database" in db_upgrade(postgres_url, monkeypatch)
    assert migrations.current_revision() == migrations.head_revision()
    assert inspect(db.engine).has_table("voter_code")
    assert "up to date" in db_upgrade(postgres_url, monkeypatch)


def test_db_upgrade_from_the_first_revision_keeps_every_row(
    bare_app: Flask, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = fill_first_revision()
    old_workshop = workshop_row()
    db.session.remove()
    output = db_upgrade(postgres_url, monkeypatch)
    assert f"from revision {migrations.FIRST_REVISION} to {migrations.head_revision()}" in output
    check_every_row_kept(before, old_workshop)
    stored = db.session.execute(text("SELECT facilitator_key_hash FROM workshop")).scalar()
    assert stored == hashlib.sha256("nøgle".encode()).hexdigest()


def test_the_migrations_build_the_models_schema(bare_app: Flask) -> None:
    assert_migrations_build_the_models_schema()
