"""Cleaning of text that people type, shared by every service that stores it."""

from __future__ import annotations

import re
import unicodedata

from cocreate.errors import ActionRefused
from cocreate.i18n import _

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def _empty(what: str) -> str:
    return {
        "name": _("Please type your name."),
        "note": _("The note is empty. Please write something."),
        "challenge": _("The challenge is empty. Please write something."),
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
    or refuse it with a message that says what is wrong."""
    if not isinstance(value, str):
        raise ActionRefused(_("That was not text. Please type it again."))
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    text = _CONTROL.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text:
        raise ActionRefused(_empty(what))
    if len(text) > max_length:
        raise ActionRefused(_too_long(what, len(text), max_length))
    return text
