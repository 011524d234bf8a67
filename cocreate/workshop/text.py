"""Cleaning of text that people type, shared by every service that stores it."""

from __future__ import annotations

import re
import unicodedata

from cocreate.errors import ActionRefused

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(value: object, *, what: str, max_length: int, multiline: bool = False) -> str:
    """Return the text trimmed and normalised (NFC, so æøå typed on any phone compare equal),
    or refuse it with a message that says what is wrong."""
    if not isinstance(value, str):
        raise ActionRefused(f"The {what} must be text.")
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    text = _CONTROL.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text:
        raise ActionRefused(f"The {what} is empty. Please type something.")
    if len(text) > max_length:
        raise ActionRefused(
            f"The {what} is too long: {len(text)} characters, at most {max_length} allowed."
        )
    return text
