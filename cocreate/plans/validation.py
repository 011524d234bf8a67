"""The rules a usable plan follows, checked in the order they appear in a plan file.

One implementation for both the file reader and the browser plan editor: the editor builds a
``Plan`` from its form and calls ``validate_plan``; the reader does the same after it has
checked the file's shape. Types are checked here too, because the editor's values come from
a web form and may not be what the annotations promise.
"""

from __future__ import annotations

import re
from typing import Final, NoReturn, TypeVar

from cocreate.plans import messages as msg
from cocreate.plans.errors import PlanError
from cocreate.plans.model import (
    BALLOT_FOR_METHOD,
    BALLOTS,
    HOME_TABLES,
    LANGUAGES,
    METHODS,
    PARTICIPANT_ROLES,
    Plan,
)

MAX_TITLE: Final = 200
MAX_DESCRIPTION: Final = 2000
MAX_ROLE_NAME: Final = 40
MAX_TABLE_NAME: Final = 80
MAX_TOPIC: Final = 1000
MAX_ROUND_TITLE: Final = 200
MAX_PROMPT: Final = 1000
MAX_FIELD_KEY: Final = 40
MAX_FIELD_LABEL: Final = 100
MAX_FIELD_HELP: Final = 1000
MAX_PARTICIPANT_NAME: Final = 100
TABLES_RANGE: Final = (2, 60)
ROUNDS_RANGE: Final = (1, 20)
FIELDS_RANGE: Final = (1, 10)
MAX_PARTICIPANTS: Final = 2000
MAX_MINUTES: Final = 240
SHORTLIST_RANGE: Final = (2, 30)
MIN_BALLOTS_MINIMUM: Final = 1

FIELD_KEY_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]*")


def validate_plan(plan: Plan, *, source: str = "<plan>") -> None:
    """Raise ``PlanError`` for the first rule the plan breaks; return quietly if it is usable."""
    _Validator(source).check(plan)


class _Validator:
    def __init__(self, source: str) -> None:
        self.source = source

    def check(self, plan: Plan) -> None:
        self.text("workshop.title", plan.title, limit=MAX_TITLE)
        self.choice("workshop.language", plan.language, LANGUAGES)
        self.text("workshop.description", plan.description, limit=MAX_DESCRIPTION, required=False)
        self.choice("workshop.home_tables", plan.home_tables, HOME_TABLES)
        self.text("roles.host", plan.roles.host, limit=MAX_ROLE_NAME)
        self.text("roles.notetaker", plan.roles.notetaker, limit=MAX_ROLE_NAME)
        self.check_tables(plan)
        self.check_rounds(plan)
        self.check_fields(plan)
        self.check_vote(plan)
        self.check_participants(plan)

    def check_tables(self, plan: Plan) -> None:
        self.count("tables", plan.tables, TABLES_RANGE, "tables")
        names: dict[str, str] = {}
        for path, table in _numbered("tables", plan.tables):
            name = self.text(f"{path}.name", table.name, limit=MAX_TABLE_NAME)
            self.text(f"{path}.topic", table.topic, limit=MAX_TOPIC, required=False)
            # Case-blind: "Gruppe 1" and "gruppe 1" would look like one table on a phone.
            self.unique(f"{path}.name", name, name.casefold(), names, path, "table name")

    def check_rounds(self, plan: Plan) -> None:
        self.count("rounds", plan.rounds, ROUNDS_RANGE, "rounds")
        for path, round_plan in _numbered("rounds", plan.rounds):
            self.text(f"{path}.title", round_plan.title, limit=MAX_ROUND_TITLE)
            self.text(f"{path}.prompt", round_plan.prompt, limit=MAX_PROMPT, required=False)
            minutes = round_plan.minutes
            if isinstance(minutes, bool) or not isinstance(minutes, int | float):
                self.fail(f"{path}.minutes", msg.NOT_NUMBER, actual=msg.describe(minutes))
            # Written this way round so that nan (allowed by TOML) fails too.
            if not 0 < minutes <= MAX_MINUTES:
                self.fail(f"{path}.minutes", msg.MINUTES_RANGE, maximum=MAX_MINUTES, value=minutes)

    def check_fields(self, plan: Plan) -> None:
        self.count("fields", plan.fields, FIELDS_RANGE, "form fields")
        keys: dict[str, str] = {}
        for path, field in _numbered("fields", plan.fields):
            key = self.text(f"{path}.key", field.key, limit=MAX_FIELD_KEY)
            if not FIELD_KEY_PATTERN.fullmatch(key):
                self.fail(f"{path}.key", msg.BAD_KEY, value=msg.quoted(key))
            self.unique(f"{path}.key", key, key, keys, path, "field key")
            self.text(f"{path}.label", field.label, limit=MAX_FIELD_LABEL)
            self.text(f"{path}.help", field.help, limit=MAX_FIELD_HELP, required=False)

    def check_vote(self, plan: Plan) -> None:
        vote = plan.vote
        self.whole_number("vote.shortlist_size", vote.shortlist_size, *SHORTLIST_RANGE)
        method = self.choice("vote.method", vote.method, METHODS)
        ballot = self.choice("vote.ballot", vote.ballot, BALLOTS)
        expected = BALLOT_FOR_METHOD[method]
        if ballot != expected:
            self.fail(
                "vote.ballot",
                msg.BALLOT_MISMATCH,
                method=msg.quoted(method),
                expected=msg.quoted(expected),
                value=msg.quoted(ballot),
            )
        self.whole_number("vote.min_ballots", vote.min_ballots, MIN_BALLOTS_MINIMUM)
        field_keys = [field.key for field in plan.fields]
        challenge_field = self.text("vote.challenge_field", vote.challenge_field, limit=None)
        if challenge_field not in field_keys:
            self.fail(
                "vote.challenge_field",
                msg.UNKNOWN_FIELD_KEY,
                value=msg.quoted(challenge_field),
                allowed=msg.listing(field_keys),
            )
        self.true_or_false("vote.voter_codes", vote.voter_codes)

    def check_participants(self, plan: Plan) -> None:
        self.count("participants", plan.participants, (0, MAX_PARTICIPANTS), "participants")
        names: dict[str, str] = {}
        seats: dict[tuple[int, str], str] = {}
        for path, person in _numbered("participants", plan.participants):
            name = self.text(f"{path}.name", person.name, limit=MAX_PARTICIPANT_NAME)
            # Case-blind because people type their own name on the phone in any case.
            self.unique(f"{path}.name", name, name.casefold(), names, path, "participant name")
            table = self.whole_number(f"{path}.table", person.table, 0)
            if table >= len(plan.tables):
                self.fail(
                    f"{path}.table", msg.TABLE_INDEX, maximum=len(plan.tables) - 1, value=table
                )
            role = self.choice(f"{path}.role", person.role, PARTICIPANT_ROLES)
            if role != "member":
                holder = seats.setdefault((table, role), path)
                if holder != path:
                    self.fail(
                        f"{path}.role",
                        msg.SEAT_TAKEN,
                        other=holder,
                        table=msg.quoted(plan.tables[table].name),
                        role=role,
                    )

    # Building blocks -------------------------------------------------------------------------

    def fail(self, field: str, template: str, **values: object) -> NoReturn:
        raise PlanError(self.source, field, msg.problem(template, **values))

    def text(self, field: str, value: object, *, limit: int | None, required: bool = True) -> str:
        if not isinstance(value, str):
            self.fail(field, msg.NOT_TEXT, actual=msg.describe(value))
        if required and not value.strip():
            self.fail(field, msg.EMPTY)
        if limit is not None and len(value) > limit:
            self.fail(field, msg.TOO_LONG, length=len(value), limit=limit)
        return value

    def choice(self, field: str, value: object, allowed: tuple[str, ...]) -> str:
        text = self.text(field, value, limit=None)
        if text not in allowed:
            self.fail(field, msg.NOT_ONE_OF, allowed=msg.listing(allowed), value=msg.quoted(text))
        return text

    def whole_number(
        self, field: str, value: object, minimum: int, maximum: int | None = None
    ) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, msg.NOT_WHOLE_NUMBER, actual=msg.describe(value))
        if maximum is not None and not minimum <= value <= maximum:
            self.fail(field, msg.NUMBER_RANGE, minimum=minimum, maximum=maximum, value=value)
        if value < minimum:
            self.fail(field, msg.NUMBER_TOO_SMALL, minimum=minimum, value=value)
        return value

    def true_or_false(self, field: str, value: object) -> bool:
        if not isinstance(value, bool):
            self.fail(field, msg.NOT_TRUE_FALSE, actual=msg.describe(value))
        return value

    def count(self, field: str, entries: object, limits: tuple[int, int], what: str) -> None:
        if not isinstance(entries, tuple):
            self.fail(field, msg.NOT_A_TUPLE, actual=msg.describe(entries))
        minimum, maximum = limits
        if not minimum <= len(entries) <= maximum:
            self.fail(
                field,
                msg.COUNT_RANGE,
                what=what,
                minimum=minimum,
                maximum=maximum,
                count=len(entries),
            )

    def unique(
        self, field: str, value: str, identity: str, seen: dict[str, str], path: str, what: str
    ) -> None:
        first = seen.setdefault(identity, path)
        if first != path:
            self.fail(field, msg.DUPLICATE, value=msg.quoted(value), other=first, what=what)


_Entry = TypeVar("_Entry")


def _numbered(section: str, entries: tuple[_Entry, ...]) -> list[tuple[str, _Entry]]:
    """Pair each entry with its path as a person counts: ``tables[1]`` is the first table."""
    return [(f"{section}[{number}]", entry) for number, entry in enumerate(entries, start=1)]
