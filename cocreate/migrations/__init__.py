"""Database migrations (Alembic through Flask-Migrate) and bringing a database up to date.

``versions/`` holds one script per schema change. ``cocreate db upgrade`` applies them, and so
does the app when it starts (``upgrade_database``), so an old database never meets new code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

import flask_migrate
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect

from cocreate.db import clear_sqlite_journal, db

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent
# The schema `db.create_all()` made before migrations existed is exactly this revision.
FIRST_REVISION: Final = "0001"

migrate = flask_migrate.Migrate()


def init_app(app: Flask) -> None:
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), compare_type=True)


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "no migration scripts"
    return head


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database() -> str:
    """Bring the app's database to the newest schema; returns what was done, for people.

    Runs in an app context. An empty database is created from the models in one step and
    marked as up to date (the quick path every test and first run takes); a database from
    before migrations is taken to be at the first revision and upgraded from there.
    """
    tables = set(inspect(db.engine).get_table_names())
    if not tables - {"alembic_version"}:
        db.create_all()
        _stamp(head_revision())
        return f"Created a new database at revision {head_revision()}."
    if "alembic_version" not in tables:
        _stamp(FIRST_REVISION)
    before = current_revision()
    if before == head_revision():
        return f"The database is up to date (revision {before})."
    flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
    # A migration may rewrite secrets (0006 hashes the facilitator keys): the write-ahead
    # log keeps no copy of the old pages.
    clear_sqlite_journal()
    return f"Upgraded the database from revision {before} to {head_revision()}."


def _stamp(revision: str) -> None:
    with db.engine.begin() as connection:
        MigrationContext.configure(connection).stamp(_scripts(), revision)
