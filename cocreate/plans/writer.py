"""Write a plan back as TOML that people can read and edit, and that reads back equal.

The standard library reads TOML but does not write it, and the format here is small, so the
writer is hand-made: texts with line breaks become multi-line strings so prompts stay
readable, Danish letters are written as themselves, and only what TOML forbids is escaped.
"""

from __future__ import annotations

import re
from typing import Final

from cocreate.plans.model import Plan
from cocreate.plans.validation import validate_plan

_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
# Characters a TOML basic string may not hold as they are (tab is allowed, but escaping it
# keeps invisible characters visible).
_NEEDS_ESCAPE: Final = re.compile(r'["\\\x00-\x1f\x7f]')


def plan_to_toml(plan: Plan) -> str:
    """The plan as TOML text; ``parse_plan(plan_to_toml(plan)) == plan`` for any valid plan.

    Raises ``PlanError`` for an invalid plan rather than writing a file that cannot be read.
    """
    validate_plan(plan)
    lines = ["[workshop]"]
    lines += [
        _setting("title", plan.title),
        _setting("language", plan.language),
    ]
    if plan.description:
        lines.append(_setting("description", plan.description))
    lines.append(_setting("home_tables", plan.home_tables))
    lines += ["", "[roles]", _setting("host", plan.roles.host)]
    lines.append(_setting("notetaker", plan.roles.notetaker))
    for table in plan.tables:
        lines += ["", "[[tables]]", _setting("name", table.name)]
        if table.topic:
            lines.append(_setting("topic", table.topic))
    for round_plan in plan.rounds:
        lines += ["", "[[rounds]]", _setting("title", round_plan.title)]
        if round_plan.prompt:
            lines.append(_setting("prompt", round_plan.prompt))
        lines.append(_setting("minutes", round_plan.minutes))
    for field in plan.fields:
        lines += ["", "[[fields]]", _setting("key", field.key), _setting("label", field.label)]
        if field.help:
            lines.append(_setting("help", field.help))
    vote = plan.vote
    lines += [
        "",
        "[vote]",
        _setting("shortlist_size", vote.shortlist_size),
        _setting("method", vote.method),
        _setting("ballot", vote.ballot),
        _setting("min_ballots", vote.min_ballots),
        _setting("challenge_field", vote.challenge_field),
        _setting("voter_codes", vote.voter_codes),
    ]
    for person in plan.participants:
        lines += [
            "",
            "[[participants]]",
            _setting("name", person.name),
            _setting("table", plan.tables[person.table].name),
            _setting("role", person.role),
        ]
    return "\n".join(lines) + "\n"


def _setting(key: str, value: str | float) -> str:
    return f"{key} = {_value(value)}"


def _value(value: str | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # "minutes = 15", not "15.0"
    return repr(value)


def _string(text: str) -> str:
    if "\n" not in text:
        return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'
    # A multi-line string: TOML drops the line break right after the opening quotes, and
    # every quote and backslash inside is escaped so no run of quotes can end it early.
    lines = [_NEEDS_ESCAPE.sub(_escape, line) for line in text.split("\n")]
    return '"""\n' + "\n".join(lines) + '"""'


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    return _ESCAPES.get(character) or f"\\u{ord(character):04x}"
