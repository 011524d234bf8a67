"""Migrations: a database made at the first revision, holding a workshop, is upgraded to the
newest schema with every row intact; the migrations build exactly the models' schema."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import inspect, text

from cocreate import migrations
from cocreate.db import db

ROWS = {
    "workshop": (
        "INSERT INTO workshop (id, code, facilitator_key, title, language, description, "
        "plan_toml, host_label, notetaker_label, form_fields, challenge_field, home_tables, "
        "roster, shortlist_size, vote_method, ballot_type, min_ballots, points_budget, "
        "points_per_item, approvals_max, phase, current_round, round_running, created_at) "
        "VALUES (7, 'ABC234', 'nøgle', 'Årsmøde', 'da', '', '', 'Bordformand', 'Referent', "
        '\'[{"key": "challenges", "label": "Udfordringer"}]\', \'challenges\', '
        "'balanced', '[]', 7, 'borda', 'ranking', 3, 5, 3, 3, 'results', 2, FALSE, "
        "'2024-05-01 10:00:00')"
    ),
    "cafe_table": "INSERT INTO cafe_table VALUES (3, 7, 0, 'Gruppe 1', 'Trivsel')",
    "round": "INSERT INTO round VALUES (4, 7, 0, 'Runde 1', 'Hvad virker?', 15.0, NULL, NULL)",
    "participant": (
        "INSERT INTO participant VALUES (5, 7, 'hash', 'Karla', 3, 'host', TRUE, "
        "'2024-05-01 10:01:00')"
    ),
    "note": (
        "INSERT INTO note VALUES (6, 7, 3, 0, 'challenges', 'Mere tid', 5, 'c1', "
        "'2024-05-01 10:05:00')"
    ),
    "challenge": "INSERT INTO challenge VALUES (8, 7, 0, 'Mere tid til samarbejde')",
    "challenge_source": "INSERT INTO challenge_source VALUES (8, 6)",
    "ballot": "INSERT INTO ballot VALUES ('r4nd0m', 7, '[\"8\"]', 'RCPT1234')",
    "voter_roll": "INSERT INTO voter_roll VALUES (7, 5)",
}


@contextmanager
def app_leaving_the_database(database_url: str) -> Iterator[Flask]:
    """An app whose database is left alone at start, so a test can build an old one; also
    used on PostgreSQL (tests/cluster/test_migrations_postgres.py)."""
    from cocreate import create_app

    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPGRADE_DATABASE_ON_START": False,
        }
    )
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def bare_app(tmp_path: Path) -> Iterator[Flask]:
    with app_leaving_the_database(f"sqlite:///{tmp_path / 'old.sqlite3'}") as application:
        yield application


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        table: [tuple(row) for row in db.session.execute(text(f'SELECT * FROM "{table}"'))]
        for table in ROWS
    }


def workshop_row() -> dict[str, object]:
    return dict(db.session.execute(text("SELECT * FROM workshop")).mappings().one())


def fill_first_revision() -> dict[str, list[tuple[object, ...]]]:
    flask_migrate.upgrade(
        directory=str(migrations.MIGRATIONS_DIR), revision=migrations.FIRST_REVISION
    )
    assert migrations.current_revision() == migrations.FIRST_REVISION
    assert not inspect(db.engine).has_table("organiser")
    for statement in ROWS.values():
        db.session.execute(text(statement))
    db.session.commit()
    return snapshot()


def test_upgrade_from_the_first_revision_keeps_every_row(bare_app: Flask) -> None:
    before = fill_first_revision()
    old_workshop = workshop_row()
    migrations.upgrade_database()
    check_every_row_kept(before, old_workshop)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def check_every_row_kept(
    before: dict[str, list[tuple[object, ...]]], old_workshop: dict[str, object]
) -> None:
    """After the upgrade from fill_first_revision(): every row as it was, with the new
    columns at their defaults."""
    db.session.remove()
    assert migrations.current_revision() == migrations.head_revision()
    after = snapshot()
    # The workshop row gained columns and its facilitator key is now stored hashed (see below);
    # the participant row gained columns at the end; everything else is as it was.
    new_workshop = workshop_row()
    del old_workshop["facilitator_key"]
    assert {k: new_workshop[k] for k in old_workshop} == old_workshop
    grown = ("workshop", "participant")
    assert after["participant"][0][: len(before["participant"][0])] == before["participant"][0]
    assert {k: v for k, v in after.items() if k not in grown} == {
        k: v for k, v in before.items() if k not in grown
    }
    columns = db.session.execute(
        text("SELECT owner_id, archived, retention_days, names_erased_at FROM workshop")
    ).one()
    assert tuple(columns) == (None, 0, 30, None)
    # Everyone who joined before "who may vote" existed was admitted and took part.
    assert db.session.execute(text("SELECT joining_open FROM workshop")).scalar() == 1
    access = db.session.execute(text("SELECT admitted, joined_late FROM participant")).one()
    assert tuple(access) == (1, 0)


def test_upgrade_hashes_facilitator_keys_and_old_links_keep_working(bare_app: Flask) -> None:
    from cocreate.workshop import services
    from cocreate.workshop.models import Workshop

    fill_first_revision()
    migrations.upgrade_database()
    db.session.remove()
    row = workshop_row()
    assert "facilitator_key" not in row
    assert row["facilitator_key_hash"] == hashlib.sha256("nøgle".encode()).hexdigest()
    workshop = db.session.get(Workshop, 7)
    assert workshop is not None
    assert services.facilitator_key_matches(workshop, "nøgle")  # the link handed out before
    assert not services.facilitator_key_matches(workshop, row["facilitator_key_hash"])
    database = Path(db.engine.url.database or "")
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            assert "nøgle".encode() not in path.read_bytes(), path


def test_the_models_work_on_an_upgraded_database(bare_app: Flask) -> None:
    from cocreate.organiser import accounts
    from cocreate.organiser.workshops import workshops_of
    from cocreate.workshop.models import Workshop

    fill_first_revision()
    migrations.upgrade_database()
    organiser, _new = accounts.save_organiser("anne@kommune.dk", "en god adgangskode")
    rows = workshops_of(organiser, archived=False)
    assert [(r.workshop.code, r.participants) for r in rows] == [("ABC234", 1)]
    workshop = db.session.get(Workshop, 7)
    assert workshop is not None
    db.session.delete(workshop)
    db.session.commit()  # the cascades still hold after the table was rebuilt
    assert db.session.execute(text("SELECT count(*) FROM note")).scalar() == 0


def test_a_database_from_before_migrations_is_upgraded(bare_app: Flask) -> None:
    """`db.create_all()` made the first revision's schema, without Alembic's version table."""
    fill_first_revision()
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()
    message = migrations.upgrade_database()
    assert "from revision 0001" in message
    assert migrations.current_revision() == migrations.head_revision()
    assert inspect(db.engine).has_table("organiser")


def test_the_migrations_build_the_models_schema(bare_app: Flask) -> None:
    assert_migrations_build_the_models_schema()


def assert_migrations_build_the_models_schema() -> None:
    """Every migration from nothing, then Alembic's autogenerate finds nothing to add."""
    flask_migrate.upgrade(directory=str(migrations.MIGRATIONS_DIR))
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate` equivalent: models and migrations differ"


def test_db_upgrade_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cocreate.commands import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("COCREATE_SECRET_KEY", "test")
    first = CliRunner().invoke(cli, ["db", "upgrade"])
    assert first.exit_code == 0 and "Created a new database" in first.output
    again = CliRunner().invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0 and "up to date" in again.output
