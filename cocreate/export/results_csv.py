"""The ranked result as CSV: rank, challenge, score and the tables it came from."""

from __future__ import annotations

import csv
import io

from cocreate.voting.services import Results, ranked_challenges

CSV_HEADER = ["rank", "challenge", "score", "tables"]


def results_csv(outcome: Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in ranked_challenges(outcome):
        score = int(row.score) if float(row.score).is_integer() else row.score
        writer.writerow([row.rank, row.challenge.text, score, "; ".join(row.table_names)])
    return buffer.getvalue()
