"""Ballots and the voter roll, kept apart so no ballot can be joined back to a voter.

A ballot row holds no participant id, no timestamp and no sequential key: its primary key is
random, and on SQLite the table is WITHOUT ROWID so rows are stored (and read) in key order,
which is unrelated to the order of casting.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from cocreate.db import Model


class Ballot(Model):
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    # For a ranking ballot: challenge ids, most preferred first.
    choice: Mapped[Any] = mapped_column(JSON)
    # Shown to the voter once so they can find their ballot on the public ballot box.
    receipt: Mapped[str] = mapped_column(String(16))


class VoterRollEntry(Model):
    """Who has voted: one row per participant, never linked to a ballot."""

    __tablename__ = "voter_roll"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )


class VoterCode(Model):
    """A printed one-time voter code, as a keyed hash only: no name, no time, no ballot.

    Nothing points from here to a ballot or back. Rows are stored in hash order (WITHOUT ROWID),
    which says nothing about when a code was printed or spent, and every row of a workshop is
    deleted when its vote closes (only the counts stay, in the workshop row).
    """

    __tablename__ = "voter_code"
    __table_args__ = ({"sqlite_with_rowid": False},)

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    spent: Mapped[bool] = mapped_column(default=False, server_default=false())
