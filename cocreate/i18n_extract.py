"""Babel extractors with one keyword set per language, named in `babel.cfg`.

The JavaScript reads its texts through `t("…")`; in Python, `t` is an ordinary variable name
(`for t in tables`), so the keyword must never reach the Python extractor. Babel gives every
extractor the same keywords (the union, `ALL_KEYWORDS`, which it also needs to read the results),
so each language keeps only its own here.
"""

from __future__ import annotations

from collections.abc import Collection, Generator, Mapping
from typing import IO, Any

from babel.messages.extract import DEFAULT_KEYWORDS, extract_javascript, extract_python

PYTHON_KEYWORDS: dict[str, Any] = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
JAVASCRIPT_KEYWORDS: dict[str, Any] = {"t": None}
ALL_KEYWORDS: dict[str, Any] = {**PYTHON_KEYWORDS, **JAVASCRIPT_KEYWORDS}  # pybabel's -k options


def python(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Any,  # Babel passes each extractor its own TypedDict of options
) -> Generator[Any, None, None]:
    """Python sources: gettext's keywords and `lazy_gettext`, never `t`."""
    del keywords  # the command line's set is shared by every language
    yield from extract_python(fileobj, PYTHON_KEYWORDS, comment_tags, options)


def javascript(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Any,  # Babel passes each extractor its own TypedDict of options
) -> Generator[Any, None, None]:
    """The browser's scripts: only `t("…")` from common.js."""
    del keywords
    yield from extract_javascript(fileobj, JAVASCRIPT_KEYWORDS, comment_tags, options)
