"""The report for the steering group: one self-contained HTML page, printable to PDF.

No external assets (the venue may have no internet, and a saved file must stay whole): the
CSS is inline and the bar chart is an inline SVG drawn here, without a chart library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, select_autoescape

from cocreate.export.data import WorkshopExport
from cocreate.export.results_csv import plain_number
from cocreate.export.texts import long_date, paper_sentence, texts_for, voting_mode
from cocreate.voting.explain import describe_comparison, method_sentence, score_label

TEMPLATES: Final = Path(__file__).resolve().parent.parent / "templates" / "export"

# Chart geometry in SVG units; the SVG scales to the page width.
CHART_WIDTH: Final = 720
LABEL_WIDTH: Final = 300
BAR_START: Final = LABEL_WIDTH + 10
BAR_SPACE: Final = 340
ROW_HEIGHT: Final = 30
BAR_HEIGHT: Final = 20
LABEL_CHARACTERS: Final = 40

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    label: str
    score: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]


def score_text(score: float) -> str:
    number = plain_number(score)
    return str(number) if isinstance(number, int) else f"{number:.2f}".rstrip("0")


def _short(text: str, limit: int = LABEL_CHARACTERS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def score_chart(export: WorkshopExport) -> Chart:
    """Horizontal bars, best first, lengths in proportion to the scores."""
    rows = export.results.rows
    top = max((row.score for row in rows), default=0) or 1
    bars = tuple(
        Bar(
            y=index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2,
            width=round(BAR_SPACE * max(row.score, 0) / top, 1),
            label=_short(f"{row.rank}. {export.challenge(row.challenge).text}"),
            score=score_text(row.score),
        )
        for index, row in enumerate(rows)
    )
    return Chart(width=CHART_WIDTH, height=max(len(rows), 1) * ROW_HEIGHT, bars=bars)


def results_report(export: WorkshopExport) -> str:
    words = texts_for(export.language)
    turnout = export.turnout
    percent = round(100 * turnout.voted / turnout.eligible) if turnout.eligible else 0
    ranked = [(row, export.challenge(row.challenge)) for row in export.results.rows]
    labels = {str(c.id): c.text for c in export.challenges}
    return _environment.get_template("report.html").render(
        export=export,
        words=words,
        held_on=long_date(export.held_on, export.language),
        turnout_sentence=words["turnout_sentence"].format(
            voted=turnout.voted,
            eligible=turnout.eligible,
            percent=percent,
            ballots=turnout.ballots,
        ),
        voting_mode=voting_mode(
            export.vote.voter_codes, turnout.codes_printed, turnout.codes_used, export.language
        ),
        paper_sentence=paper_sentence(turnout.paper_ballots, export.language)
        if turnout.paper_ballots
        else None,
        score_label=score_label(export.results.method, export.language),
        method_sentence=method_sentence(
            export.results.method, len(export.challenges), export.language
        ),
        robustness=describe_comparison(
            export.results.comparison, labels=labels, language=export.language
        ),
        ranked=[
            {
                "rank": row.rank,
                "tied": row.tied,
                "text": challenge.text,
                "score": score_text(row.score),
                "tables": ", ".join(export.challenge_tables(challenge)),
                "sources": [
                    {
                        "table": export.table(note.table).name,
                        "round": note.round,
                        "field": export.field_label(note.field),
                        "text": note.text,
                    }
                    for note in export.sources(challenge)
                ],
            }
            for row, challenge in ranked
        ],
        any_ties=any(row.tied for row, _ in ranked),
        chart=score_chart(export),
        chart_bar_start=BAR_START,
        chart_label_width=LABEL_WIDTH,
        forms=[
            {
                "table": table,
                "rounds": [
                    {
                        "round": round_,
                        "fields": [
                            {
                                "label": field.label,
                                "notes": [
                                    n.text
                                    for n in export.notes_at(table.number, round_.number)
                                    if n.field == field.key
                                ],
                            }
                            for field in export.fields
                        ],
                    }
                    for round_ in export.rounds
                ],
            }
            for table in export.tables
        ],
    )
