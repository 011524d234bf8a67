"""The HTML report for the steering group, and the sentences that explain the vote."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import Flask

from cocreate.export.formats import export_file
from cocreate.export.texts import TEXTS
from cocreate.plans import parse_plan
from cocreate.voting.explain import METHOD_SENTENCES, method_sentence, robustness
from cocreate.workshop import services
from tests.clients import SMALL_PLAN
from tests.integration.test_export import (
    COMMUNICATION,
    FORMULA_NOTE,
    MANDATE,
    RESOURCES,
    PlayedWorkshop,
    run_workshop,
)


class VisibleText(HTMLParser):
    """The report's text as a reader sees it, tags and CSS left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._hidden += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(parser.parts)


def report(played: PlayedWorkshop) -> str:
    return export_file(played.workshop, "html").decode("utf-8")


@pytest.fixture
def played(app: Flask, workshop: object) -> PlayedWorkshop:
    return run_workshop(workshop)  # type: ignore[arg-type]


def test_report_ranks_explains_and_speaks_danish(played: PlayedWorkshop) -> None:
    html = report(played)
    text = VisibleText.of(html)

    assert html.startswith("<!doctype html>") and '<html lang="da">' in html
    assert "Årsmøde i Testby" in text and "Resultat til styregruppen" in text
    assert "Deltagere 9" in text
    assert "5 af 9 deltagere stemte (56 %); 5 stemmesedler blev talt." in text
    table = html[html.index('<table class="ranking">') :]
    positions = [table.index(challenge) for challenge in (MANDATE, RESOURCES, COMMUNICATION)]
    assert positions == sorted(positions)  # in ranked order
    ranks = re.findall(r'<td class="rank">(\d+)\.', table)
    assert ranks == ["1", "1", "3"]  # tied challenges share a rank
    assert text.count("delt plads") == 2
    assert method_sentence("borda", 3, "da") in text
    assert text.count("Optalt med Borda-metoden: på hver stemmeseddel får den første af 3") == 1
    assert (
        "Robusthed: Borda-metoden og Schulze-metoden er uenige om 1 af 3 udfordringer: "
        f"»{RESOURCES}« er nr. 1 efter Borda og nr. 2 efter Schulze." in text
    )


def test_report_draws_the_scores_as_an_inline_svg_chart(played: PlayedWorkshop) -> None:
    html = report(played)

    chart = html[html.index("<svg") : html.index("</svg>")]
    widths = [float(w) for w in re.findall(r'<rect class="bar[^"]*"[^>]*width="([\d.]+)"', chart)]
    assert len(widths) == 3
    assert widths[0] == widths[1] and widths[2] == pytest.approx(widths[0] * 8 / 11, abs=0.1)
    labels = re.findall(r'<text x="0"[^>]*>([^<]*)</text>', chart)
    assert labels == [f"1. {MANDATE}", f"1. {RESOURCES}", f"3. {COMMUNICATION}"]  # ties share
    # Self-contained: nothing fetched from anywhere, so it prints on a venue without internet.
    assert not re.search(r"(src|href)=|@import|url\(", html)


def test_report_shows_provenance_and_every_table_form(played: PlayedWorkshop) -> None:
    text = VisibleText.of(report(played))

    provenance = text[text.index("Hvor udfordringerne kommer fra") : text.index("Bordenes skemaer")]
    assert f"1. {MANDATE} {MANDATE} Udsatte grupper · Runde 1 · Udfordringer" in provenance
    assert "Mandat til teamet Børn og unge · Runde 2 · Udfordringer" in provenance
    assert f"3. {COMMUNICATION} Skrevet direkte på listen af facilitatoren." in provenance

    forms = text[text.index("Bordenes skemaer runde for runde") :]
    for number, name in enumerate(["Udsatte grupper", "Børn og unge", "Sundhed"], start=1):
        assert f"Bord {number}: {name}" in forms
    assert "Runde 3: Hjem igen Idéer =1+1 er ikke en formel" in forms
    assert "Idéer Mere tid til møder – også om aftenen" in forms
    assert forms.count("Ingen noter.") == 9 - 6  # six of 3 × 3 table-rounds got notes
    assert FORMULA_NOTE in forms


def test_report_in_english_for_an_english_workshop(app: Flask) -> None:
    english = SMALL_PLAN.replace('language = "da"', 'language = "en"')
    played = run_workshop(services.create_workshop(parse_plan(english)))
    text = VisibleText.of(report(played))

    assert "Result for the steering group" in text
    assert "5 of 9 participants voted (56%)" in text
    assert METHOD_SENTENCES["borda"].format(n=3, n_1=2) in text
    assert "Robustness: the Borda count and the Schulze method differ on 1 of 3" in text
    assert "Deltagere" not in text


def test_report_texts_are_complete_in_both_languages() -> None:
    assert TEXTS["da"].keys() == TEXTS["en"].keys()
    danish = " ".join(TEXTS["da"].values())
    assert set("æøå") <= set(danish)
    for key, english in TEXTS["en"].items():
        if key not in ("months", "date", "note"):  # "Note" is Danish too
            assert TEXTS["da"][key] != english, key


def test_robustness_says_whether_borda_and_schulze_agree() -> None:
    agreeing = [["a", "b", "c"], ["a", "c", "b"], ["b", "a", "c"]]
    assert robustness(["a", "b", "c"], agreeing).startswith(
        "Robustness: the Borda count and the Schulze method give the same order"
    )
    assert "samme rækkefølge" in robustness(["a", "b", "c"], agreeing, language="da")

    # Borda: a 3+3+1+2+2 = 11, b 11, c 8 (a tie); Schulze: a beats b 3-2, so a, b, c.
    split = [["a", "b", "c"]] * 2 + [["b", "c", "a"], ["c", "a", "b"], ["b", "a", "c"]]
    line = robustness(["a", "b", "c"], split, labels={"b": "Ressourcer"})
    assert line == (
        "Robustness: the Borda count and the Schulze method differ on 1 of 3 challenges: "
        "“Ressourcer” is no. 1 by Borda and no. 2 by Schulze."
    )


def test_method_sentences_in_both_languages() -> None:
    for method in METHOD_SENTENCES:
        english, danish = method_sentence(method, 7, "en"), method_sentence(method, 7, "da")
        assert english == METHOD_SENTENCES[method].format(n=7, n_1=6)
        assert danish != english and danish.startswith("Optalt")
    assert "den første af 7 udfordringer 7 point, den næste 6" in method_sentence("borda", 7, "da")
