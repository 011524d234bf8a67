"""Danish and English everywhere: every string a person sees is translated, no template holds
literal text, and the compiled catalogue matches its source."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from cocreate import i18n_extract

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "cocreate" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")  # gettext or str.format style


def source_messages() -> set[str | tuple[str, ...]]:
    """What `make translations` extracts, read through the same babel.cfg."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[str | tuple[str, ...]] = set()
    languages: set[str] = set()
    for file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=i18n_extract.ALL_KEYWORDS
    ):
        found.add(message)
        languages.add(Path(file).suffix)
    assert languages == {".py", ".html", ".js"}, "an extractor in babel.cfg found nothing"
    return found


def test_the_javascript_keyword_does_not_catch_python_variables(tmp_path: Path) -> None:
    """`t` is the translation call in JS, an ordinary name in Python (`for t in tables`)."""
    source = tmp_path / "sample.py"
    source.write_text('names = [_text(t["name"]) for t in tables]\nlabel = _("Round")\n')
    script = tmp_path / "sample.js"
    script.write_text('const label = t("Round"); const rows = _("not a keyword here");\n')
    method_map = [
        ("*.py", "cocreate_python"),
        ("*.js", "cocreate_javascript"),
    ]
    found = [
        m[2]
        for m in extract_from_dir(str(tmp_path), method_map, keywords=i18n_extract.ALL_KEYWORDS)
    ]
    assert sorted(found) == ["Round", "Round"]
    assert "t" not in i18n_extract.PYTHON_KEYWORDS


def danish_catalogue() -> dict[object, object]:
    with (TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    return {m.id: m.string for m in catalogue if m.id and not m.fuzzy and all_filled(m.string)}


def all_filled(string: object) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def test_every_string_in_the_source_has_a_danish_translation() -> None:
    danish = danish_catalogue()
    messages = source_messages()
    assert len(messages) > 150  # the extraction itself works
    untranslated = sorted(str(m) for m in messages if m not in danish)
    assert untranslated == [], "run `make translations` and translate these"


def test_translations_keep_their_placeholders() -> None:
    for msgid, msgstr in danish_catalogue().items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strs = msgstr if isinstance(msgstr, tuple) else (msgstr,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strs:
            assert set(PLACEHOLDER.findall(str(text))) == wanted, msgid


def test_compiled_catalogue_matches_its_source() -> None:
    with (TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr in danish_catalogue().items():
        if isinstance(msgid, str):
            assert compiled.gettext(msgid) == msgstr, "run `make translations` to recompile"


def test_the_catalogue_is_not_marked_fuzzy() -> None:
    # `pybabel compile` silently skips a catalogue whose header is fuzzy, leaving a stale .mo.
    with (TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        assert not read_po(handle, locale="da").fuzzy


# Text a template may show as is: the product's name and punctuation.
ALLOWED_LITERALS = {"cocreate", "·", "—", "."}
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
# Scripts, styles and key names (<kbd>N</kbd>) are not text to translate.
SCRIPT = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<kbd>.{1,3}</kbd>", re.S)
BODY_CLASS = re.compile(r"\{% block body_class %\}.*?\{% endblock %\}")  # CSS, not text
TEXT_ATTRIBUTE = re.compile(r'\b(?:placeholder|aria-label|alt|title)="([^"]*)"')


@pytest.mark.parametrize(
    "template",
    sorted((ROOT / "cocreate" / "templates").rglob("*.html")),
    ids=lambda p: str(p.relative_to(ROOT / "cocreate" / "templates")),
)
def test_templates_hold_no_untranslated_text(template: Path) -> None:
    if "export" in template.parts:
        pytest.skip("the steering-group report carries its own Danish/English texts")
    source = BODY_CLASS.sub("", template.read_text(encoding="utf-8"))
    for value in TEXT_ATTRIBUTE.findall(source):
        assert not re.search(r"[^\W\d_]", JINJA.sub("", value)), (template.name, value)
    text = TAG.sub(" ", JINJA.sub(" ", SCRIPT.sub(" ", source)))
    words = [w for w in text.split() if re.search(r"[^\W\d_]", w) and w not in ALLOWED_LITERALS]
    assert words == [], f"{template.name}: wrap in {{{{ _('...') }}}}: {words}"
