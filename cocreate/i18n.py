"""Languages: Danish and English, for pages, Socket.IO answers and the JavaScript.

One Babel catalogue per language (``cocreate/translations``) serves everything: Jinja and
Python through Flask-Babel, the browser through the same catalogue as JSON. The language is,
in order: the visitor's own choice (a cookie), the workshop's language from its plan, the
browser's preference, Danish.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, gettext, lazy_gettext, ngettext, refresh

from cocreate.plans.messages import set_translator

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_COOKIE = "cocreate_lang"
TRANSLATIONS = Path(__file__).parent / "translations"

babel = Babel()

# Re-exported so the app has one import for translation.
_ = gettext
__all__ = ["LANGUAGES", "_", "gettext", "lazy_gettext", "ngettext", "use_workshop_language"]


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        default_locale=DEFAULT_LANGUAGE,
        default_translation_directories=str(TRANSLATIONS),
        locale_selector=select_language,
    )
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["js_catalogue"] = js_catalogue
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    # Plan-file problems are told in the reader's language too (the plans package is pure,
    # so the app hands it the translation function).
    set_translator(gettext)


def select_language() -> str:
    if has_request_context():
        chosen = request.cookies.get(LANGUAGE_COOKIE)
        if chosen in LANGUAGES:
            return chosen
    workshop_language = g.get("workshop_language")
    if workshop_language in LANGUAGES:
        return str(workshop_language)
    if has_request_context():
        return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def use_workshop_language(language: str) -> None:
    """Make the workshop's language the default for the rest of this request or event."""
    g.workshop_language = language
    refresh()


def current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale.language) if locale else DEFAULT_LANGUAGE


@cache
def _catalogue(language: str) -> dict[str, str]:
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        str(m.id): str(m.string) for m in catalog if m.id and m.string and isinstance(m.id, str)
    }


def js_catalogue() -> dict[str, str]:
    """The current language's translations, for the page's JavaScript (``t()`` in common.js)."""
    return _catalogue(current_language())
