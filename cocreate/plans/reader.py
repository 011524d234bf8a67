"""Read a plan from TOML text or a file: check the file's shape here, the values in validation.

The shape checks (sections, unknown and missing settings) need the raw document, so they
live here; everything about values is left to ``validate_plan`` so the browser editor gets
exactly the same rules and messages.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, Final, NoReturn, cast

from cocreate.plans import messages as msg
from cocreate.plans.errors import PlanError
from cocreate.plans.model import (
    BALLOT_FOR_METHOD,
    DEFAULT_HOME_TABLES,
    DEFAULT_LANGUAGE,
    DEFAULT_METHOD,
    DEFAULT_MIN_BALLOTS,
    DEFAULT_PARTICIPANT_ROLE,
    DEFAULT_SHORTLIST_SIZE,
    DEFAULT_VOTER_CODES,
    FieldPlan,
    ParticipantPlan,
    Plan,
    Roles,
    RoundPlan,
    TablePlan,
    VotePlan,
    canonical_text,
    default_challenge_field,
    default_roles,
)
from cocreate.plans.validation import validate_plan

Section = dict[str, Any]


class _Shape:
    """What a section looks like in the file: one [section] or a list of [[section]]."""

    def __init__(
        self, *, is_list: bool, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> None:
        self.is_list = is_list
        self.required = required
        self.keys = required + optional

    def header(self, name: str) -> str:
        return f"[[{name}]]" if self.is_list else f"[{name}]"


# In the order a plan file is written, which is also the order problems are reported in.
SHAPES: Final[dict[str, _Shape]] = {
    "workshop": _Shape(
        is_list=False, required=("title", "language"), optional=("description", "home_tables")
    ),
    "roles": _Shape(is_list=False, required=(), optional=("host", "notetaker")),
    "tables": _Shape(is_list=True, required=("name",), optional=("topic",)),
    "rounds": _Shape(is_list=True, required=("title", "minutes"), optional=("prompt",)),
    "fields": _Shape(is_list=True, required=("key", "label"), optional=("help",)),
    "vote": _Shape(
        is_list=False,
        required=(),
        optional=(
            "shortlist_size",
            "method",
            "ballot",
            "min_ballots",
            "challenge_field",
            "voter_codes",
        ),
    ),
    "participants": _Shape(is_list=True, required=("name", "table"), optional=("role",)),
}
REQUIRED_SECTIONS: Final = ("workshop", "tables", "rounds", "fields")

_TOML_POSITION = re.compile(
    r"^(?P<detail>.*?) \((?:at line (?P<line>\d+), column (?P<column>\d+)|at end of document)\)$"
)


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read and check a plan file (UTF-8, with or without the BOM some Windows editors add)."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PlanError(source, "file", msg.problem(msg.FILE_MISSING)) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise PlanError(source, "file", msg.problem(msg.FILE_UNREADABLE, reason=reason)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = msg.problem(
            msg.FILE_NOT_UTF8, byte=f"0x{data[error.start]:02x}", position=error.start
        )
        raise PlanError(source, "file", problem) from None
    return parse_plan(text, source=source)


def parse_plan(text: str, source: str = "<plan>") -> Plan:
    """Turn the text of a plan file into a checked ``Plan`` or raise ``PlanError``."""
    try:
        document = _parse_toml(text.removeprefix("\ufeff"), source)
        reader = _Reader(source)
        sections = reader.sections(document)
        plan = reader.build(sections)
    except RecursionError:
        # tomllib (and anything that walks what it returns) recurses once per level:
        # "x = [[[[…]]]]" thousands deep would otherwise be a crash, not a message.
        raise PlanError(source, "file", msg.problem(msg.TOO_DEEP)) from None
    # Everything before the participants is checked first, so that a wrong table name in
    # the participant list is not reported before an earlier, more basic problem.
    validate_plan(plan, source=source)
    plan = replace(plan, participants=reader.participants(sections["participants"], plan))
    validate_plan(plan, source=source)
    return plan


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's error has the position only inside its message (lineno/colno: 3.14).
        message = str(error)
        match = _TOML_POSITION.match(message)
        if match is None:
            where, detail = "file", message
        elif match["line"] is None:
            where, detail = "end of file", match["detail"]
        else:
            where, detail = f"line {match['line']}, column {match['column']}", match["detail"]
        detail = detail[:1].lower() + detail[1:]
        raise PlanError(source, where, msg.problem(msg.SYNTAX, detail=detail)) from None


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, template: str, **values: object) -> NoReturn:
        raise PlanError(self.source, field, msg.problem(template, **values))

    # Shape -------------------------------------------------------------------------------

    def sections(self, document: dict[str, Any]) -> dict[str, list[Section]]:
        """Each known section as a list of its entries (one entry for a single section)."""
        for name, value in document.items():
            if name not in SHAPES:
                self.unknown_top_level(name, value)
        sections: dict[str, list[Section]] = {}
        for name, shape in SHAPES.items():
            value = document.get(name)
            if value is None:
                if name in REQUIRED_SECTIONS:
                    template = msg.MISSING_ENTRIES if shape.is_list else msg.MISSING_SECTION
                    self.fail(name, template, name=name)
                sections[name] = [] if shape.is_list else [{}]
                continue
            entries = self.entries(name, value, shape)
            for path, entry in entries:
                self.check_keys(path, entry, shape)
            sections[name] = [entry for _, entry in entries]
        return sections

    def unknown_top_level(self, name: str, value: object) -> NoReturn:
        if isinstance(value, dict | list):
            close = msg.suggestion(name, SHAPES)
            hint = (
                msg.problem(msg.HINT_DID_YOU_MEAN, suggestion=SHAPES[close].header(close))
                if close
                else msg.problem(msg.HINT_ALLOWED, allowed=", ".join(SHAPES))
            )
            self.fail(name, msg.UNKNOWN_SECTION, name=name, hint=hint)
        # A setting above the first [section] line: say which section it belongs in.
        homes = [
            SHAPES[section].header(section) for section in SHAPES if name in SHAPES[section].keys
        ]
        hint = msg.problem(msg.HINT_BELONGS_IN, section=homes[0]) if homes else ""
        self.fail(name, msg.UNKNOWN_KEY, key=name, hint=hint)

    def entries(self, name: str, value: object, shape: _Shape) -> list[tuple[str, Section]]:
        if not shape.is_list:
            if not isinstance(value, dict):
                self.fail(name, msg.NOT_A_SECTION, name=name)
            return [(name, value)]
        if not isinstance(value, list):
            self.fail(name, msg.NOT_A_LIST, name=name)
        entries = []
        for number, entry in enumerate(value, start=1):
            path = f"{name}[{number}]"
            if not isinstance(entry, dict):
                self.fail(path, msg.NOT_AN_ENTRY, name=name)
            entries.append((path, entry))
        return entries

    def check_keys(self, path: str, entry: Section, shape: _Shape) -> None:
        for key in entry:
            if key not in shape.keys:
                close = msg.suggestion(key, shape.keys)
                hint = (
                    msg.problem(msg.HINT_DID_YOU_MEAN, suggestion=close)
                    if close
                    else msg.problem(msg.HINT_ALLOWED, allowed=", ".join(shape.keys))
                )
                self.fail(f"{path}.{key}", msg.UNKNOWN_KEY, key=key, hint=hint)
        for key in shape.required:
            if key not in entry:
                self.fail(f"{path}.{key}", msg.MISSING_KEY)

    # Values ------------------------------------------------------------------------------

    def build(self, sections: dict[str, list[Section]]) -> Plan:
        """The plan without participants, defaults filled in; values are checked later."""
        workshop = sections["workshop"][0]
        language = workshop["language"]
        roles = sections["roles"][0]
        usual = default_roles(language.strip() if isinstance(language, str) else DEFAULT_LANGUAGE)
        fields = tuple(
            FieldPlan(key=entry["key"], label=entry["label"], help=entry.get("help", ""))
            for entry in sections["fields"]
        )
        return Plan(
            title=workshop["title"],
            language=language,
            description=workshop.get("description", ""),
            roles=Roles(
                host=roles.get("host", usual.host),
                notetaker=roles.get("notetaker", usual.notetaker),
            ),
            tables=tuple(
                TablePlan(name=entry["name"], topic=entry.get("topic", ""))
                for entry in sections["tables"]
            ),
            rounds=tuple(
                RoundPlan(
                    title=entry["title"],
                    prompt=entry.get("prompt", ""),
                    minutes=cast("float", _as_float(entry["minutes"])),  # checked in validation.py
                )
                for entry in sections["rounds"]
            ),
            fields=fields,
            vote=self.vote(sections["vote"][0], fields),
            home_tables=workshop.get("home_tables", DEFAULT_HOME_TABLES),
        )

    def vote(self, vote: Section, fields: tuple[FieldPlan, ...]) -> VotePlan:
        method = vote.get("method", DEFAULT_METHOD)
        # The ballot follows from the method unless the plan says otherwise.
        usual_ballot = BALLOT_FOR_METHOD.get(method.strip() if isinstance(method, str) else "")
        keys = tuple(field.key for field in fields if isinstance(field.key, str))
        return VotePlan(
            shortlist_size=vote.get("shortlist_size", DEFAULT_SHORTLIST_SIZE),
            method=method,
            ballot=vote.get("ballot", usual_ballot or BALLOT_FOR_METHOD[DEFAULT_METHOD]),
            min_ballots=vote.get("min_ballots", DEFAULT_MIN_BALLOTS),
            challenge_field=vote.get("challenge_field", default_challenge_field(keys)),
            voter_codes=vote.get("voter_codes", DEFAULT_VOTER_CODES),
        )

    def participants(self, entries: list[Section], plan: Plan) -> tuple[ParticipantPlan, ...]:
        return tuple(
            ParticipantPlan(
                name=entry["name"],
                table=self.table_index(f"participants[{number}].table", entry["table"], plan),
                role=entry.get("role", DEFAULT_PARTICIPANT_ROLE),
            )
            for number, entry in enumerate(entries, start=1)
        )

    def table_index(self, field: str, value: object, plan: Plan) -> int:
        """The file names a participant's table; the plan keeps its position."""
        if not isinstance(value, str):
            self.fail(field, msg.NOT_TEXT, actual=msg.describe(value))
        # Table names are unique ignoring case (validated already), so at most one matches.
        wanted = canonical_text(value, multiline=False).casefold()
        names = [table.name for table in plan.tables]
        for index, name in enumerate(names):
            if name.casefold() == wanted:
                return index
        close = msg.suggestion(value, names)
        hint = msg.problem(msg.HINT_DID_YOU_MEAN, suggestion=msg.quoted(close)) if close else ""
        self.fail(
            field, msg.UNKNOWN_TABLE, value=msg.quoted(value), hint=hint, allowed=msg.listing(names)
        )


def _as_float(value: object) -> object:
    """Whole minutes (``15``) are stored as ``15.0``; anything else is left for validation."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
