"""Every problem a plan can have, as one plain English sentence each.

They live together so they can be wrapped for translation in one place: ``problem`` is the
only function that turns a template into text. Placeholders are filled with values already
quoted or listed by the helpers below, so a translation never has to care about quoting.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Final


def N_(template: str) -> str:
    """Marks a sentence for the translation catalogue; it is translated in ``problem``."""
    return template


# Reading the file
FILE_MISSING: Final = N_("The file does not exist. Check the name and the folder.")
FILE_UNREADABLE: Final = N_("The file cannot be read: {reason}.")
FILE_NOT_UTF8: Final = N_(
    "The file is not saved as UTF-8 text (unexpected byte {byte} at position {position}). "
    "Save it again with the UTF-8 encoding."
)
SYNTAX: Final = N_(
    "The TOML here is not valid: {detail}. Check that texts are in double quotes, "
    "section names are in [brackets] and each setting is written as key = value."
)
TOO_DEEP: Final = N_(
    "The file nests lists or tables too deeply to read. A plan needs only a few levels: "
    "[workshop], [[tables]], [[rounds]] and so on."
)

# Shape of the document
MISSING_SECTION: Final = N_("This section is required but missing. Add a [{name}] section.")
MISSING_ENTRIES: Final = N_("This section is required but missing. Add [[{name}]] entries.")
MISSING_KEY: Final = N_("This setting is required but missing.")
UNKNOWN_SECTION: Final = N_("There is no section called [{name}].{hint}")
UNKNOWN_KEY: Final = N_("There is no setting called {key} here.{hint}")
HINT_DID_YOU_MEAN: Final = N_(" Did you mean {suggestion}?")
HINT_BELONGS_IN: Final = N_(" It belongs in the {section} section.")
HINT_ALLOWED: Final = N_(" Allowed here: {allowed}.")
NOT_A_SECTION: Final = N_(
    "Must be a single section: write [{name}] on a line of its own, with its settings below it."
)
NOT_A_LIST: Final = N_(
    "Must be a list of entries: start each one with [[{name}]] (double brackets)."
)
NOT_AN_ENTRY: Final = N_("Must be an entry with settings: start it with [[{name}]].")

# Values
NOT_TEXT: Final = N_("Must be text in double quotes, not {actual}.")
NOT_NUMBER: Final = N_("Must be a number, not {actual}.")
NOT_WHOLE_NUMBER: Final = N_("Must be a whole number, not {actual}.")
NOT_TRUE_FALSE: Final = N_("Must be true or false (without quotes), not {actual}.")
NOT_A_TUPLE: Final = N_("Must be a list, not {actual}.")
EMPTY: Final = N_("Must not be empty.")
TOO_LONG: Final = N_("Is too long: {length} characters, at most {limit} allowed.")
NOT_ONE_OF: Final = N_("Must be one of {allowed}, not {value}.")
BAD_KEY: Final = N_(
    "{value} is not a usable key: write it with lowercase letters a-z, digits and _, "
    "starting with a letter (for example ideas or next_steps)."
)
MINUTES_RANGE: Final = N_("Must be more than 0 and at most {maximum} minutes, not {value}.")
NUMBER_RANGE: Final = N_("Must be from {minimum} to {maximum}, not {value}.")
NUMBER_TOO_SMALL: Final = N_("Must be at least {minimum}, not {value}.")
COUNT_RANGE: Final = N_(
    "The number of {what} must be from {minimum} to {maximum}, but it is {count}."
)
DUPLICATE: Final = N_("{value} is already used by {other}. Each {what} must be different.")
BALLOT_MISMATCH: Final = N_(
    "The {method} method counts {expected} ballots, so the ballot must be {expected}, not {value}."
)
UNKNOWN_FIELD_KEY: Final = N_("{value} is not the key of a form field. Field keys: {allowed}.")
UNKNOWN_TABLE: Final = N_("No table is called {value}.{hint} Tables: {allowed}.")
TABLE_INDEX: Final = N_("Must be a table number from 0 to {maximum}, not {value}.")
SEAT_TAKEN: Final = N_("{other} already has this role at {table}. A table has one {role}.")


# The app installs its gettext here (cocreate.i18n); on its own the package speaks English.
_translate: Callable[[str], str] = N_


def set_translator(translate: Callable[[str], str]) -> None:
    global _translate
    _translate = translate


def problem(template: str, **values: object) -> str:
    """The single place a problem sentence is produced, in the reader's language."""
    return _translate(template).format(**values)


def quoted(value: object) -> str:
    """A value as it would be written in the plan file, so people can search for it."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def listing(values: Iterable[object]) -> str:
    return ", ".join(quoted(value) for value in values)


def describe(value: object) -> str:
    """What kind of value a person wrote, in words, for a wrong-type message."""
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, str):
        return f"text ({quoted(value)})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, dict):
        return "a section"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def suggestion(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a mistyped word, if one is close enough to be the intent."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
