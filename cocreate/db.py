"""Declarative base and the one Flask-SQLAlchemy handle the models and services share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints make future Alembic migrations deterministic across SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class. Flask-SQLAlchemy makes db.Model at run time, which type checkers
# cannot follow; it is a subclass of Base with the same columns and mapping.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def clear_sqlite_journal() -> None:
    """Copy SQLite's write-ahead log into the database file and empty it. The log keeps the
    pages of every recent commit, which would let someone with the files replay them: after
    erasing names, or reshuffling ballots, nothing of the old order may remain there."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
