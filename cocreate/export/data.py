"""Everything an export shows, as plain frozen values read once from the database.

The renderers (CSV, XLSX, JSON, HTML) are pure functions of a :class:`WorkshopExport`.
Ids here belong to the export, not the database: tables and rounds are numbered from 1 as
people know them, participants, notes and challenges from 1 in the order they were made. So
an archive imported and exported again reads the same, and no database key leaks out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cocreate.voting.explain import MethodComparison

# A ranking or approval ballot lists challenge ids; a dots ballot maps challenge id -> points.
Choice = tuple[int, ...] | dict[int, int]


@dataclass(frozen=True)
class TableData:
    number: int
    name: str
    topic: str


@dataclass(frozen=True)
class RoundData:
    number: int
    title: str
    prompt: str
    minutes: float
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class FieldData:
    key: str
    label: str
    help: str


@dataclass(frozen=True)
class VoteSettings:
    method: str
    ballot: str
    shortlist_size: int
    min_ballots: int
    challenge_field: str
    points_budget: int
    points_per_item: int
    approvals_max: int
    # False: one ballot per joined phone; True: one ballot per printed one-time voter code.
    voter_codes: bool = False


@dataclass(frozen=True)
class ParticipantData:
    id: int
    name: str | None  # None unless names were asked for: they are the only personal data
    home_table: int
    role: str
    present: bool  # False once the facilitator marked them as gone


@dataclass(frozen=True)
class SeatData:
    round: int
    participant: int
    table: int


@dataclass(frozen=True)
class NoteData:
    id: int
    table: int
    round: int
    field: str
    text: str
    author: int | None
    created_at: datetime


@dataclass(frozen=True)
class ChallengeData:
    id: int
    text: str
    sources: tuple[int, ...]  # note ids


@dataclass(frozen=True)
class BallotData:
    receipt: str
    choice: Choice


@dataclass(frozen=True)
class TurnoutData:
    voted: int
    eligible: int
    ballots: int
    min_ballots: int
    # With voter codes only: how many were printed, and how many ballots spent one.
    codes_printed: int | None = None
    codes_used: int | None = None
    # Of the ballots, how many the facilitator entered from paper (counted in voted too).
    paper_ballots: int = 0


@dataclass(frozen=True)
class RankedRow:
    rank: int  # tied challenges share a rank ("1, 2, 2, 4")
    tied: bool
    challenge: int
    score: float


@dataclass(frozen=True)
class ResultsData:
    method: str
    rows: tuple[RankedRow, ...]
    # (a, b) -> ballots ranking a above b; empty for dots and approval ballots.
    pairwise: dict[tuple[int, int], int]
    # Borda against Schulze on the same ballots; None when the ballots are not rankings.
    comparison: MethodComparison | None


@dataclass(frozen=True)
class WorkshopExport:
    title: str
    language: str
    description: str
    plan_toml: str | None  # None when it names participants and names were not asked for
    host_label: str
    notetaker_label: str
    home_tables: str
    roster: tuple[dict[str, Any], ...] | None  # pre-assigned names: only with names
    created_at: datetime
    phase: str
    current_round: int
    tables: tuple[TableData, ...]
    rounds: tuple[RoundData, ...]
    fields: tuple[FieldData, ...]
    vote: VoteSettings
    participants: tuple[ParticipantData, ...]
    seats: tuple[SeatData, ...]
    notes: tuple[NoteData, ...]
    challenges: tuple[ChallengeData, ...]
    ballots: tuple[BallotData, ...]  # shuffled: their order says nothing about the voters
    turnout: TurnoutData
    results: ResultsData
    names_included: bool

    def table(self, number: int) -> TableData:
        return self.tables[number - 1]

    def round(self, number: int) -> RoundData:
        return self.rounds[number - 1]

    def field_label(self, key: str) -> str:
        return next((f.label for f in self.fields if f.key == key), key)

    def note(self, note_id: int) -> NoteData:
        return next(n for n in self.notes if n.id == note_id)

    def challenge(self, challenge_id: int) -> ChallengeData:
        return next(c for c in self.challenges if c.id == challenge_id)

    def sources(self, challenge: ChallengeData) -> list[NoteData]:
        return [self.note(note_id) for note_id in challenge.sources]

    def challenge_tables(self, challenge: ChallengeData) -> list[str]:
        """Names of the tables a challenge's notes came from, alphabetically."""
        return sorted({self.table(note.table).name for note in self.sources(challenge)})

    def notes_at(self, table: int, round_number: int) -> list[NoteData]:
        """One table's form in one round, field by field in the plan's order."""
        order = {f.key: i for i, f in enumerate(self.fields)}
        here = [n for n in self.notes if n.table == table and n.round == round_number]
        return sorted(here, key=lambda n: (order.get(n.field, len(order)), n.id))

    @property
    def held_on(self) -> date:
        """The day of the workshop: when its first round started, else when it was made."""
        started = [r.started_at for r in self.rounds if r.started_at is not None]
        return min(started).date() if started else self.created_at.date()
