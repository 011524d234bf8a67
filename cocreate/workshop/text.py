"""Cleaning of text that people type, shared by every service that stores it."""

from __future__ import annotations

import re
import unicodedata

from cocreate.errors import ActionRefused
from cocreate.i18n import _

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
# Bidirectional embeddings, overrides, isolates and marks: in a name they can make "Anna" on
# the facilitator's list read as someone else, or hide the rest of the line. Names lose them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Letters that draw nothing (Hangul fillers, the blank Braille pattern, ...).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Separators, controls, format characters (zero-width, bidi), and marks with no base.
_INVISIBLE_CATEGORIES = ("Z", "C", "M")


def has_visible_character(text: str) -> bool:
    """Whether the text shows anything: not only spaces, zero-width or bidi characters."""
    return any(
        not unicodedata.category(char).startswith(_INVISIBLE_CATEGORIES)
        and char not in _BLANK_LETTERS
        for char in text
    )


def _empty(what: str) -> str:
    return {
        "name": _("Please type your name."),
        "note": _("The note is empty. Please write something."),
        "challenge": _("The challenge is empty. Please write something."),
    }[what]


def _invisible(what: str) -> str:
    return {
        "name": _("Your name has no visible letters. Please type it with letters people can see."),
        "note": _("The note has no visible characters. Please write something people can read."),
        "challenge": _(
            "The challenge has no visible characters. Please write something people can read."
        ),
    }[what]


def _too_long(what: str, length: int, limit: int) -> str:
    messages = {
        "name": _(
            "Your name is too long: %(length)d characters, at most %(limit)d.",
            length=length,
            limit=limit,
        ),
        "note": _(
            "The note is too long: %(length)d characters, at most %(limit)d.",
            length=length,
            limit=limit,
        ),
        "challenge": _(
            "The challenge is too long: %(length)d characters, at most %(limit)d.",
            length=length,
            limit=limit,
        ),
    }
    return messages[what]


def clean_text(value: object, *, what: str, max_length: int, multiline: bool = False) -> str:
    """Return the text trimmed and normalised (NFC, so æøå typed on any phone compare equal),
    or refuse it with a message that says what is wrong.

    Text with nothing visible (only spaces, zero-width or bidi characters) is refused, so no
    invisible challenge reaches the ballot; names also lose their bidi control characters."""
    if not isinstance(value, str):
        raise ActionRefused(_("That was not text. Please type it again."))
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    text = _CONTROL.sub("", text)
    if what == "name":
        text = BIDI_CONTROLS.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text:
        raise ActionRefused(_empty(what))
    if not has_visible_character(text):
        raise ActionRefused(_invisible(what))
    if len(text) > max_length:
        raise ActionRefused(_too_long(what, len(text), max_length))
    return text
