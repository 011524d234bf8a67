"""The workshop plan as frozen, comparable values, and the fixed vocabulary a plan may use.

Every text is brought to one canonical form when a value is built (Unicode NFC, outer
whitespace trimmed, Windows line ends and stray control characters removed). So a plan
typed in the browser editor, read from a file saved on a Mac (decomposed å) or written back
by ``plan_to_toml`` compares equal to the same plan from anywhere else, and participant
names match what people type on their phones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from typing import Final, overload

LANGUAGES: Final = ("da", "en")
HOME_TABLES: Final = ("balanced", "choose")
METHODS: Final = ("borda", "schulze", "points", "approval")
BALLOTS: Final = ("ranking", "dots", "approval")
PARTICIPANT_ROLES: Final = ("host", "notetaker", "member")

# The one ballot each counting method can count: a ranking for the ranking methods,
# dots for points, ticks for approval.
BALLOT_FOR_METHOD: Final[dict[str, str]] = {
    "borda": "ranking",
    "schulze": "ranking",
    "points": "dots",
    "approval": "approval",
}

DEFAULT_LANGUAGE: Final = "da"
DEFAULT_HOME_TABLES: Final = "balanced"
DEFAULT_METHOD: Final = "borda"
DEFAULT_SHORTLIST_SIZE: Final = 7
DEFAULT_MIN_BALLOTS: Final = 3
# Off: one ballot per joined phone. On: each ballot also spends a one-time printed voter code.
DEFAULT_VOTER_CODES: Final = False
DEFAULT_CHALLENGE_FIELD: Final = "challenges"
DEFAULT_PARTICIPANT_ROLE: Final = "member"

_DEFAULT_ROLE_NAMES: Final[dict[str, tuple[str, str]]] = {
    "da": ("Bordformand", "Referent"),
    "en": ("Host", "Note-taker"),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")


@overload
def canonical_text(value: str, *, multiline: bool) -> str: ...
@overload
def canonical_text(value: object, *, multiline: bool) -> object: ...
def canonical_text(value: object, *, multiline: bool) -> object:
    """One canonical spelling of a text; anything else is left for validation to refuse."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        text = "\n".join(line.rstrip() for line in _CONTROL.sub("", text).split("\n"))
    else:
        text = _WHITESPACE.sub(" ", _CONTROL.sub(" ", text))
    # NFC last: removing a control character can bring a letter and its accent together.
    return unicodedata.normalize("NFC", text).strip()


class _Canonical:
    """Mixin for frozen dataclasses: canonicalise the texts and turn lists into tuples."""

    _MULTILINE: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for field in fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, list):
                value = tuple(value)
            else:
                value = canonical_text(value, multiline=field.name in self._MULTILINE)
            object.__setattr__(self, field.name, value)


@dataclass(frozen=True)
class Roles(_Canonical):
    """Display names of the two people who stay seated at a table all workshop."""

    host: str
    notetaker: str


@dataclass(frozen=True)
class TablePlan(_Canonical):
    name: str
    topic: str = ""

    _MULTILINE = frozenset({"topic"})


@dataclass(frozen=True)
class RoundPlan(_Canonical):
    title: str
    prompt: str
    minutes: float

    _MULTILINE = frozenset({"prompt"})


@dataclass(frozen=True)
class FieldPlan(_Canonical):
    """A heading on the table's form; participants add notes under it."""

    key: str
    label: str
    help: str = ""

    _MULTILINE = frozenset({"help"})


@dataclass(frozen=True)
class VotePlan(_Canonical):
    shortlist_size: int
    method: str
    ballot: str
    min_ballots: int
    challenge_field: str
    voter_codes: bool = DEFAULT_VOTER_CODES


@dataclass(frozen=True)
class ParticipantPlan(_Canonical):
    """A person given a home table (and maybe a seated role) before the workshop.

    ``table`` is a 0-based index into ``Plan.tables``; the file names the table instead.
    """

    name: str
    table: int
    role: str = DEFAULT_PARTICIPANT_ROLE


@dataclass(frozen=True)
class Plan(_Canonical):
    title: str
    language: str
    description: str
    roles: Roles
    tables: tuple[TablePlan, ...]
    rounds: tuple[RoundPlan, ...]
    fields: tuple[FieldPlan, ...]
    vote: VotePlan
    home_tables: str = DEFAULT_HOME_TABLES
    participants: tuple[ParticipantPlan, ...] = ()

    _MULTILINE = frozenset({"description"})


def default_roles(language: str) -> Roles:
    """The usual names of the seated roles in a language (Danish for unknown languages)."""
    host, notetaker = _DEFAULT_ROLE_NAMES.get(language, _DEFAULT_ROLE_NAMES[DEFAULT_LANGUAGE])
    return Roles(host=host, notetaker=notetaker)


def default_challenge_field(field_keys: tuple[str, ...] | list[str]) -> str:
    """The field whose notes become vote candidates when a plan does not say."""
    if DEFAULT_CHALLENGE_FIELD in field_keys:
        return DEFAULT_CHALLENGE_FIELD
    return field_keys[-1] if field_keys else DEFAULT_CHALLENGE_FIELD
