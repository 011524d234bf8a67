"""The ranked result as CSV: rank, challenge, score, the tables it came from, and what the score
counts under the workshop's method ("Borda points", "Schulze: pairwise wins"...)."""

from __future__ import annotations

import csv
import io

from cocreate.export.data import WorkshopExport
from cocreate.voting.explain import score_label

CSV_HEADER = ["rank", "challenge", "score", "tables", "score_unit"]

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def plain_number(value: float) -> int | float:
    """3.0 -> 3, so whole scores read as whole numbers."""
    return int(value) if float(value).is_integer() else value


def safe_cell(value: str | int | float) -> str | int | float:
    """A cell a spreadsheet shows as text, never runs as a formula.

    Text that people typed (challenges, table names) and starts with a formula trigger gets a
    leading single quote, as OWASP recommends. Numbers the app computed (rank, score) are
    passed as numbers and stay numbers, so a negative score is still -2 and sums still work:
    only ``str`` values are ever prefixed, and the app never writes a number as text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _SafeWriter:
    """``csv.writer`` that neutralises every cell: the one way this app writes CSV."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer)

    def writerow(self, row: list[str | int | float]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])


def results_csv(export: WorkshopExport) -> str:
    buffer = io.StringIO()
    writer = _SafeWriter(buffer)
    writer.writerow(list(CSV_HEADER))
    unit = score_label(export.results.method, export.language)
    for row in export.results.rows:
        challenge = export.challenge(row.challenge)
        writer.writerow(
            [
                row.rank,
                challenge.text,
                plain_number(row.score),
                "; ".join(export.challenge_tables(challenge)),
                unit,
            ]
        )
    return buffer.getvalue()
