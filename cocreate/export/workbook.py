"""The workshop as an Excel workbook for the steering group: one sheet per question they ask.

Sheet names are fixed (scripts may look for them); headings follow the workshop's language.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cocreate.export.data import ChallengeData, WorkshopExport
from cocreate.export.results_csv import plain_number
from cocreate.export.texts import paper_sentence, texts_for, voting_mode
from cocreate.voting.explain import score_label

SHEETS: Final = (
    "Ranking",
    "Ballots",
    "Pairwise",
    "Challenges",
    "Table forms by round",
    "Turnout",
)
WIDE_COLUMN: Final = 60
NARROW_COLUMN: Final = 14

Cell = str | int | float | None


def results_workbook(export: WorkshopExport) -> bytes:
    words = texts_for(export.language)
    book = Workbook()
    ranking, ballots, pairwise, challenges, forms, turnout = (
        book.active,
        *(book.create_sheet(name) for name in SHEETS[1:]),
    )
    assert ranking is not None
    ranking.title = SHEETS[0]

    _fill(
        ranking,
        [
            words["rank"],
            words["challenge"],
            score_label(export.results.method, export.language),
            words["tables"],
            words["tied"],
        ],
        [
            [
                row.rank,
                export.challenge(row.challenge).text,
                plain_number(row.score),
                "; ".join(export.challenge_tables(export.challenge(row.challenge))),
                "✓" if row.tied else "",
            ]
            for row in export.results.rows
        ],
        wide=(2,),
    )
    _fill_ballots(ballots, export)
    _fill_pairwise(pairwise, export)
    _fill(
        challenges,
        [
            words["rank"],
            words["challenge"],
            words["table_column"],
            words["round_column"],
            words["field"],
            words["note"],
        ],
        [
            [row.rank, challenge.text, *source]
            for row in export.results.rows
            for challenge in [export.challenge(row.challenge)]
            for source in _source_rows(export, challenge, words["no_sources"])
        ],
        wide=(2, 6),
    )
    _fill(
        forms,
        [
            words["table_column"],
            words["round_column"],
            words["field"],
            words["text"],
        ],
        [
            [table.name, round_.number, export.field_label(note.field), note.text]
            for table in export.tables
            for round_ in export.rounds
            for note in export.notes_at(table.number, round_.number)
        ],
        wide=(4,),
    )
    _fill(
        turnout,
        [],
        [
            [words["voted"], export.turnout.voted],
            [words["eligible"], export.turnout.eligible],
            [words["ballots"], export.turnout.ballots],
            [words["min_ballots"], export.turnout.min_ballots],
            [
                words["voting_mode"],
                voting_mode(
                    export.vote.voter_codes,
                    export.turnout.codes_printed,
                    export.turnout.codes_used,
                    export.language,
                ),
            ],
            *(
                [
                    [words["codes_printed"], export.turnout.codes_printed],
                    [words["codes_used"], export.turnout.codes_used],
                ]
                if export.vote.voter_codes
                else []
            ),
            [words["paper_ballots"], export.turnout.paper_ballots],
            *(
                [[paper_sentence(export.turnout.paper_ballots, export.language)]]
                if export.turnout.paper_ballots
                else []
            ),
        ],
        wide=(1,),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill_ballots(sheet: Worksheet, export: WorkshopExport) -> None:
    words = texts_for(export.language)
    if export.vote.ballot == "dots":
        # Points: one column per challenge, in shortlist order.
        heading = [words["ballot_receipt"], *(c.text for c in export.challenges)]
        rows: list[list[Cell]] = [
            [b.receipt, *(_points(b.choice, c.id) for c in export.challenges)]
            for b in export.ballots
        ]
    else:
        # Rankings (and approvals): the challenges in the voter's order.
        longest = max((len(b.choice) for b in export.ballots), default=0)
        heading = [
            words["ballot_receipt"],
            *(words["choice_number"].format(number=i) for i in range(1, longest + 1)),
        ]
        rows = [[b.receipt, *(export.challenge(c).text for c in b.choice)] for b in export.ballots]
    _fill(sheet, heading, rows, wide=tuple(range(2, len(heading) + 1)), wide_width=30)


def _points(choice: object, challenge_id: int) -> int:
    return choice.get(challenge_id, 0) if isinstance(choice, dict) else 0


def _fill_pairwise(sheet: Worksheet, export: WorkshopExport) -> None:
    words = texts_for(export.language)
    pairwise = export.results.pairwise
    if not pairwise:
        _fill(sheet, [], [[words["pairwise_not_ranking"]]])
        return
    ordered = [export.challenge(row.challenge) for row in export.results.rows]
    labels = [f"{row.rank}. {c.text}" for row, c in zip(export.results.rows, ordered, strict=True)]
    rows: list[list[Cell]] = [
        [label, *(pairwise.get((a.id, b.id)) for b in ordered)]
        for label, a in zip(labels, ordered, strict=True)
    ]
    rows.append([])
    rows.append([words["pairwise_explained"]])
    _fill(sheet, ["", *labels], rows, wide=(1,), wide_width=40, narrow_width=18)
    for column in range(2, len(labels) + 2):
        sheet.cell(row=1, column=column).alignment = Alignment(wrap_text=True, vertical="top")


def _source_rows(
    export: WorkshopExport, challenge: ChallengeData, no_sources: str
) -> list[list[Cell]]:
    """Table, round, field and text of each note behind a challenge; one row saying there is
    none for a challenge the facilitator wrote."""
    rows: list[list[Cell]] = [
        [export.table(n.table).name, n.round, export.field_label(n.field), n.text]
        for n in export.sources(challenge)
    ]
    return rows or [[None, None, None, no_sources]]


def _fill(
    sheet: Worksheet,
    heading: Sequence[Cell],
    rows: Sequence[Sequence[Cell]],
    *,
    wide: tuple[int, ...] = (),
    wide_width: int = WIDE_COLUMN,
    narrow_width: int = NARROW_COLUMN,
) -> None:
    if heading:
        _append(sheet, heading)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for row in rows:
        _append(sheet, row)
    for column in range(1, sheet.max_column + 1):
        width = wide_width if column in wide else narrow_width
        sheet.column_dimensions[get_column_letter(column)].width = width


def _append(sheet: Worksheet, row: Sequence[Cell]) -> None:
    sheet.append(list(row))
    if not row:
        return
    for cell in sheet[sheet.max_row]:
        # Participants' words are text, never formulas, even when they start with "=".
        if cell.data_type == "f":
            cell.data_type = "s"
        if isinstance(cell.value, str):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
