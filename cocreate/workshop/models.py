"""Workshop state. Everything a client sees is derived from these rows, so a reconnecting phone
or a restarted server loses nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cocreate.db import Model
from cocreate.timeutil import utcnow

PHASES = ("draft", "lobby", "rounds", "consolidation", "voting", "results", "closed")
ROLES = ("host", "notetaker", "member")
# Participants' names are erased this many days after the workshop unless the organiser
# chooses otherwise (see cocreate.organiser.personal_data).
DEFAULT_RETENTION_DAYS = 30


class Workshop(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    # Only a hash of the facilitator key is stored (as for co-facilitator links and phones'
    # tokens): the key itself is shown once, when it is made (cocreate.workshop.services).
    facilitator_key_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="da")
    description: Mapped[str] = mapped_column(Text, default="")
    plan_toml: Mapped[str] = mapped_column(Text, default="")
    host_label: Mapped[str] = mapped_column(String(60))
    notetaker_label: Mapped[str] = mapped_column(String(60))
    form_fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    challenge_field: Mapped[str] = mapped_column(String(40))
    home_tables: Mapped[str] = mapped_column(String(16), default="balanced")
    # Names pre-assigned to a table (and role) by the plan: [{"name", "table", "role"}].
    roster: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    shortlist_size: Mapped[int] = mapped_column(default=7)
    vote_method: Mapped[str] = mapped_column(String(16), default="borda")
    ballot_type: Mapped[str] = mapped_column(String(16), default="ranking")
    min_ballots: Mapped[int] = mapped_column(default=3)
    # Limits of the dots and approval ballots; the facilitator may change them before opening.
    points_budget: Mapped[int] = mapped_column(default=5)
    points_per_item: Mapped[int] = mapped_column(default=3)
    approvals_max: Mapped[int] = mapped_column(default=3)
    # One person, one ballot: each ballot also spends a printed one-time voter code
    # (cocreate.voting.codes). Counted here, because the codes themselves are deleted at close.
    voter_codes: Mapped[bool] = mapped_column(default=False, server_default=false())
    voter_codes_printed: Mapped[int] = mapped_column(default=0, server_default="0")
    voter_codes_used: Mapped[int] = mapped_column(default=0, server_default="0")
    # Ballots the facilitator entered for people without a phone: a count, nothing more (the
    # ballots themselves are stored like any other, with no mark and no link to anyone).
    paper_ballots: Mapped[int] = mapped_column(default=0, server_default="0")
    phase: Mapped[str] = mapped_column(String(16), default="lobby")
    # -1 until the first round starts; then the position of the current (or last ended) round.
    current_round: Mapped[int] = mapped_column(default=-1)
    round_running: Mapped[bool] = mapped_column(default=False)
    round_deadline: Mapped[datetime | None] = mapped_column(default=None)
    # Seconds left when the facilitator paused the running round; None while it runs.
    round_paused_left: Mapped[float | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The organiser's workspace. A workshop without an owner (imported on the command line)
    # belongs to the first organiser account.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL"), default=None, index=True
    )
    scheduled_on: Mapped[date | None] = mapped_column(default=None)
    archived: Mapped[bool] = mapped_column(default=False, server_default=false())
    retention_days: Mapped[int] = mapped_column(
        default=DEFAULT_RETENTION_DAYS, server_default=str(DEFAULT_RETENTION_DAYS)
    )
    names_erased_at: Mapped[datetime | None] = mapped_column(default=None)
    # Bumped by every publish to the screens: a client keeps the newest state it was sent,
    # and the per-process cache of built states is keyed by it (cocreate.live).
    state_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The ranking, tallied once when the vote closes (cocreate.voting.services.stored_results).
    results_json: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The rotation planner runs in a separate process: a request is numbered, and only the plan
    # answering the newest request is written (cocreate.workshop.planning).
    plan_requested: Mapped[int] = mapped_column(default=0, server_default="0")
    plan_applied: Mapped[int] = mapped_column(default=0, server_default="0")
    plan_requested_at: Mapped[datetime | None] = mapped_column(default=None)
    # Whether a newcomer takes part at once; closed when the shortlist begins, so someone
    # joining with the code from the poster waits until the facilitator admits them.
    joining_open: Mapped[bool] = mapped_column(default=True, server_default=true())

    tables: Mapped[list[CafeTable]] = relationship(
        back_populates="workshop", order_by="CafeTable.position", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="workshop", order_by="Round.position", cascade="all, delete-orphan"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="workshop", order_by="Participant.id", cascade="all, delete-orphan"
    )
    challenges: Mapped[list[Challenge]] = relationship(
        back_populates="workshop", order_by="Challenge.position", cascade="all, delete-orphan"
    )

    def field_label(self, key: str) -> str:
        return next((f["label"] for f in self.form_fields if f["key"] == key), key)

    def role_label(self, role: str) -> str:
        return {"host": self.host_label, "notetaker": self.notetaker_label}.get(role, "")


class CafeTable(Model):
    __tablename__ = "cafe_table"
    __table_args__ = (UniqueConstraint("workshop_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    topic: Mapped[str] = mapped_column(Text, default="")

    workshop: Mapped[Workshop] = relationship(back_populates="tables")

    @property
    def number(self) -> int:
        return self.position + 1


class Round(Model):
    __table_args__ = (UniqueConstraint("workshop_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    prompt: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[float]
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    workshop: Mapped[Workshop] = relationship(back_populates="rounds")


class Participant(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    # Only a hash of the phone's bearer token is stored: a leaked database cannot impersonate.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    home_table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="member")
    # False once the facilitator marks them as gone: no longer seated in coming rounds.
    present: Mapped[bool] = mapped_column(default=True)
    # False while waiting for the facilitator (joined while joining was closed): not seated,
    # cannot write or vote.
    admitted: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Joined after the first round started: the facilitator sees latecomers at a glance.
    joined_late: Mapped[bool] = mapped_column(default=False, server_default=false())
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="participants")
    home_table: Mapped[CafeTable] = relationship()

    @property
    def stays_home(self) -> bool:
        return self.role in ("host", "notetaker")

    @property
    def takes_part(self) -> bool:
        """Seated, writes and votes: here, and not waiting to be admitted."""
        return self.present and self.admitted


class Seat(Model):
    """Where a participant sits in one round: the rotation plan, stored."""

    __table_args__ = (UniqueConstraint("participant_id", "round_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    round_position: Mapped[int]
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"))


class Note(Model):
    __table_args__ = (UniqueConstraint("workshop_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"))
    round_position: Mapped[int]
    field: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), default=None
    )
    # Chosen by the phone so a note re-sent after a dropped connection is stored once.
    client_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    table: Mapped[CafeTable] = relationship()
    author: Mapped[Participant | None] = relationship()


class Challenge(Model):
    """One item of the shortlist the room votes on, with the notes it was drawn from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    workshop: Mapped[Workshop] = relationship(back_populates="challenges")
    sources: Mapped[list[Note]] = relationship(secondary="challenge_source", order_by="Note.id")


class ChallengeSource(Model):
    __tablename__ = "challenge_source"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True
    )
    note_id: Mapped[int] = mapped_column(
        ForeignKey("note.id", ondelete="CASCADE"), primary_key=True
    )


class CoFacilitatorLink(Model):
    """A facilitator link the organiser hands to a co-facilitator and can revoke.

    Only a hash of the link's key is stored, as for the phones' tokens."""

    __tablename__ = "co_facilitator_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(80))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class TabletLink(Model):
    """A shared tablet's link to one table's form, made by the facilitator and revocable.

    Its key is random and only its hash is stored: nothing a screen is sent derives it, so
    revoking a co-facilitator link or rotating the facilitator key leaves no way in."""

    __tablename__ = "tablet_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
