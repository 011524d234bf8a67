"""The ranked result as CSV: rank, challenge, score and the tables it came from."""

from __future__ import annotations

import csv
import io

from cocreate.export.data import WorkshopExport

CSV_HEADER = ["rank", "challenge", "score", "tables"]


def plain_number(value: float) -> int | float:
    """3.0 -> 3, so whole scores read as whole numbers."""
    return int(value) if float(value).is_integer() else value


def results_csv(export: WorkshopExport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in export.results.rows:
        challenge = export.challenge(row.challenge)
        writer.writerow(
            [
                row.rank,
                challenge.text,
                plain_number(row.score),
                "; ".join(export.challenge_tables(challenge)),
            ]
        )
    return buffer.getvalue()
