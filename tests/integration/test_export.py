"""Exports for the steering group: CSV and XLSX, the download links, and the refusals before
the vote has closed or while results are withheld.

`run_workshop` plays a whole workshop through the services with a known set of ballots; the
other export tests (JSON, HTML report, CLI, PDF) build on it."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest
from flask import Flask
from openpyxl import load_workbook

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.export.build import build_export
from cocreate.export.formats import FORMATS, export_file
from cocreate.export.restore import import_workshop_json
from cocreate.voting import services as voting
from cocreate.workshop import services
from cocreate.workshop.models import Workshop

PEOPLE = ["Anna", "Bo", "Cecilie", "Dan", "Emil", "Fatima", "Gustav", "Hanne", "Ib"]

MANDATE = "Tydeligere mandat"
RESOURCES = "Klarere ressourcer"
COMMUNICATION = "Bedre kommunikation"
FORMULA_NOTE = "=1+1 er ikke en formel"

# Five ballots over A (mandate), B (resources), C (communication). Borda, 3 points for first:
# A = 3+3+1+2+2 = 11, B = 2+2+3+1+3 = 11, C = 1+1+2+3+1 = 8, so A and B tie at rank 1.
# Pairwise: A over B 3 (ballots 1, 2, 4), B over A 2; A over C 3, C over A 2; B over C 4,
# C over B 1. Schulze therefore ranks A, B, C: it disagrees with Borda about B.
KNOWN_BALLOTS = [
    ("A", "B", "C"),
    ("A", "B", "C"),
    ("B", "C", "A"),
    ("C", "A", "B"),
    ("B", "A", "C"),
]
EXPECTED_PAIRWISE = {
    ("A", "B"): 3,
    ("B", "A"): 2,
    ("A", "C"): 3,
    ("C", "A"): 2,
    ("B", "C"): 4,
    ("C", "B"): 1,
}


@dataclass
class PlayedWorkshop:
    workshop: Workshop
    challenge_ids: dict[str, int]  # "A", "B", "C" -> database id
    receipts: list[str]

    def url(self, ext: str) -> str:
        return f"/w/{self.workshop.code}/facilitate/{self.key}/results.{ext}"

    @property
    def key(self) -> str:
        return services.organiser_facilitator_key(self.workshop)


def run_workshop(
    workshop: Workshop, *, ballots: list[tuple[str, ...]] | None = None, close: bool = True
) -> PlayedWorkshop:
    """Nine people at three tables; hosts and note-takers (who never move) write the notes."""
    people = {name: services.join(workshop, name)[0] for name in PEOPLE}

    def note(name: str, field: str, text: str) -> int:
        return services.add_note(people[name], field, text, None).id

    services.start_next_round(workshop)  # round 1: Anna and Dan hold table 1, Bo and Emil 2
    mandate = note("Anna", "challenges", MANDATE)
    note("Bo", "ideas", "Fælles kalender for netværket")
    services.end_round(workshop)
    services.start_next_round(workshop)
    resources = note("Cecilie", "challenges", RESOURCES)
    duplicate = note("Emil", "challenges", "Mandat til teamet")
    services.end_round(workshop)
    services.start_next_round(workshop)
    note("Dan", "ideas", FORMULA_NOTE)
    note("Fatima", "ideas", "Mere tid til møder – også om aftenen")
    services.end_round(workshop)
    services.begin_consolidation(workshop)

    a = services.add_challenge(workshop, note_id=mandate)
    services.merge_note(workshop, duplicate, a.id)
    b = services.add_challenge(workshop, note_id=resources)
    c = services.add_challenge(workshop, text=COMMUNICATION)
    ids = {"A": a.id, "B": b.id, "C": c.id}
    voting.open_vote(workshop)
    receipts = []
    for voter, order in zip(PEOPLE, KNOWN_BALLOTS if ballots is None else ballots, strict=False):
        outcome = voting.cast_ballot(people[voter], [ids[letter] for letter in order])
        assert outcome.receipt is not None
        receipts.append(outcome.receipt)
    if close:
        voting.close_vote(workshop)
    return PlayedWorkshop(workshop, ids, receipts)


@pytest.fixture
def played(app: Flask, workshop: Workshop) -> PlayedWorkshop:
    return run_workshop(workshop)


def table_of(note_text: str, workshop: Workshop) -> str:
    from cocreate.workshop.models import Note

    note = db.session.scalar(db.select(Note).where(Note.text == note_text))
    assert note is not None
    return note.table.name


def test_csv_keeps_its_columns_and_ranks_ties_together(played: PlayedWorkshop) -> None:
    body = export_file(played.workshop, "csv").decode("utf-8")

    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    tables_a = "; ".join(
        sorted({table_of(MANDATE, played.workshop), table_of("Mandat til teamet", played.workshop)})
    )
    assert rows == [
        ["rank", "challenge", "score", "tables", "score_unit"],
        ["1", MANDATE, "11", tables_a, "Borda-point"],
        ["1", RESOURCES, "11", table_of(RESOURCES, played.workshop), "Borda-point"],
        ["3", COMMUNICATION, "8", "", "Borda-point"],
    ]


def test_xlsx_holds_ranking_ballots_pairwise_challenges_forms_and_turnout(
    played: PlayedWorkshop,
) -> None:
    book = load_workbook(io.BytesIO(export_file(played.workshop, "xlsx")))

    assert book.sheetnames == [
        "Ranking",
        "Ballots",
        "Pairwise",
        "Challenges",
        "Table forms by round",
        "Turnout",
    ]
    ranking = [list(r) for r in book["Ranking"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[2]) for r in ranking] == [
        (1, MANDATE, 11),
        (1, RESOURCES, 11),
        (3, COMMUNICATION, 8),
    ]
    assert book["Ranking"]["A1"].value == "Plads"  # headings in the workshop's language

    ballots = [list(r) for r in book["Ballots"].iter_rows(min_row=2, values_only=True)]
    assert len(ballots) == len(KNOWN_BALLOTS)
    assert sorted(r[0] for r in ballots) == sorted(played.receipts)
    text = {"A": MANDATE, "B": RESOURCES, "C": COMMUNICATION}
    assert sorted(tuple(r[1:]) for r in ballots) == sorted(
        tuple(text[letter] for letter in order) for order in KNOWN_BALLOTS
    )
    every_cell = {
        str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v
    }
    assert not every_cell & set(PEOPLE)  # nothing about who voted, or anyone at all

    pairwise = book["Pairwise"]
    columns = [pairwise.cell(row=1, column=c).value for c in range(2, 5)]
    rows = {pairwise.cell(row=r, column=1).value: r for r in range(2, 5)}
    assert columns == [f"1. {MANDATE}", f"1. {RESOURCES}", f"3. {COMMUNICATION}"]
    label = {"A": columns[0], "B": columns[1], "C": columns[2]}
    for (above, below), count in EXPECTED_PAIRWISE.items():
        cell = pairwise.cell(row=rows[label[above]], column=2 + columns.index(label[below]))
        assert cell.value == count, (above, below)

    behind = [r for r in book["Challenges"].iter_rows(min_row=2, values_only=True)]
    behind_mandate = [(r[2], r[3], r[5]) for r in behind if r[1] == MANDATE]
    assert behind_mandate == [
        (table_of(MANDATE, played.workshop), 1, MANDATE),
        (table_of("Mandat til teamet", played.workshop), 2, "Mandat til teamet"),
    ]

    forms = book["Table forms by round"]
    notes = [r for r in forms.iter_rows(min_row=2, values_only=True)]
    assert len(notes) == 6
    assert (table_of(FORMULA_NOTE, played.workshop), 3, "Idéer", FORMULA_NOTE) in notes
    formula_cell = next(c for row in forms.iter_rows() for c in row if c.value == FORMULA_NOTE)
    assert formula_cell.data_type == "s"  # a participant's "=" is text, not a formula

    turnout = {r[0]: r[1] for r in book["Turnout"].iter_rows(values_only=True)}
    # voted, eligible, ballots, min_ballots, how one ballot each was kept, none on paper
    assert list(turnout.values()) == [5, 9, 5, 3, "Én stemmeseddel pr. tilmeldt telefon.", 0]


def test_every_download_link_serves_its_format(app: Flask, played: PlayedWorkshop) -> None:
    client = app.test_client()
    expected = {
        "csv": ("text/csv", "attachment", "results.csv"),
        "xlsx": (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "attachment",
            "results.xlsx",
        ),
        "json": ("application/json", "attachment", "workshop.json"),
        "html": ("text/html", "inline", "report.html"),
    }
    for ext, (mimetype, disposition, suffix) in expected.items():
        response = client.get(played.url(ext))
        assert response.status_code == 200, (ext, response.get_data(as_text=True))
        assert response.mimetype == mimetype
        header = response.headers["Content-Disposition"]
        assert header.startswith(disposition)
        assert f'filename="cocreate-{played.workshop.code}-{suffix}"' in header
        assert response.headers["Cache-Control"] == "no-store"
        wrong_key = played.url(ext).replace(played.key, "wrong")
        assert client.get(wrong_key).status_code == 403

    load_workbook(io.BytesIO(client.get(played.url("xlsx")).data))
    assert "Anna" not in client.get(played.url("json")).get_data(as_text=True)
    named = client.get(played.url("json") + "?include_names=1").get_json()
    assert [p["name"] for p in named["participants"]] == PEOPLE


def test_nothing_is_exported_before_the_vote_closes(app: Flask, workshop: Workshop) -> None:
    played = run_workshop(workshop, close=False)
    client = app.test_client()
    for ext in ("csv", "xlsx", "json", "html"):
        response = client.get(played.url(ext))
        assert response.status_code == 409
        assert "Resultatet vises først, når afstemningen er lukket." in response.get_data(
            as_text=True
        )
    with pytest.raises(ActionRefused):
        build_export(played.workshop)


def test_nothing_is_exported_while_results_are_withheld(app: Flask, workshop: Workshop) -> None:
    played = run_workshop(workshop, ballots=KNOWN_BALLOTS[:2])  # the plan wants 3
    client = app.test_client()
    for ext in ("csv", "xlsx", "json", "html"):
        response = client.get(played.url(ext))
        assert response.status_code == 409
        assert "Kun 2 stemmesedler: resultatet holdes tilbage under 3" in response.get_data(
            as_text=True
        )


def test_ballots_are_shuffled_not_in_the_order_of_voting(app: Flask, workshop: Workshop) -> None:
    played = run_workshop(workshop)
    orders = {tuple(b.receipt for b in build_export(played.workshop).ballots) for _ in range(30)}
    # 5! = 120 orders: 30 exports in one fixed order would mean no shuffling.
    assert len(orders) > 1
    assert all(sorted(order) == sorted(played.receipts) for order in orders)


def test_export_reads_only_plain_values(played: PlayedWorkshop) -> None:
    """The renderers get frozen dataclasses: no database object, so no query, inside."""
    export = build_export(played.workshop)
    db.session.expunge_all()

    for fmt in ("csv", "xlsx", "json", "html"):
        assert FORMATS[fmt].render(export)


def test_dots_ballots_export_points_without_pairwise(app: Flask, workshop: Workshop) -> None:
    voting.set_ballot(workshop, "dots")
    people = [services.join(workshop, name)[0] for name in PEOPLE[:3]]
    services.start_next_round(workshop)
    for _ in range(2):
        services.end_round(workshop)
        services.start_next_round(workshop)
    services.end_round(workshop)
    services.begin_consolidation(workshop)
    a = services.add_challenge(workshop, text=MANDATE)
    b = services.add_challenge(workshop, text=RESOURCES)
    voting.open_vote(workshop)
    for person, points in zip(people, [{a.id: 3, b.id: 2}, {b.id: 3}, {a.id: 1}], strict=True):
        voting.cast_ballot(person, points)
    voting.close_vote(workshop)

    book = load_workbook(io.BytesIO(export_file(workshop, "xlsx")))
    assert [c.value for c in book["Ballots"][1]] == ["Kvittering", MANDATE, RESOURCES]
    assert sorted(tuple(r[1:]) for r in book["Ballots"].iter_rows(min_row=2, values_only=True)) == [
        (0, 3),
        (1, 0),
        (3, 2),
    ]
    assert book["Pairwise"]["A1"].value == "Kun for rangordnede stemmesedler."
    export = build_export(workshop)
    assert [(r.rank, r.score) for r in export.results.rows] == [(1, 5), (2, 4)]
    assert export.results.comparison is None
    assert "ikke undersøgt" in export_file(workshop, "html").decode()

    archived = json.loads(export_file(workshop, "json"))
    assert sorted((b["choice"] for b in archived["ballots"]), key=str) == sorted(
        [{"1": 3, "2": 2}, {"2": 3}, {"1": 1}], key=str
    )
    imported = build_export(import_workshop_json(archived))
    assert [(r.rank, r.score) for r in imported.results.rows] == [(1, 5), (2, 4)]
