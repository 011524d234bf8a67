"""The JSON archive: the whole workshop, names only when asked, and imported again."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from flask import Flask

from cocreate.export.formats import export_file
from cocreate.export.restore import ArchiveError, import_workshop_json
from cocreate.plans import parse_plan
from cocreate.voting import services as voting
from cocreate.workshop import services
from cocreate.workshop.models import Workshop
from tests.clients import SMALL_PLAN
from tests.integration.test_export import (
    COMMUNICATION,
    KNOWN_BALLOTS,
    MANDATE,
    PEOPLE,
    RESOURCES,
    PlayedWorkshop,
    run_workshop,
)

BOOKED = '\n[[participants]]\nname = "Karla Vestergaard"\ntable = "Sundhed"\nrole = "host"\n'


def archive(workshop: Workshop, *, include_names: bool = False) -> dict[str, Any]:
    return json.loads(export_file(workshop, "json", include_names=include_names))


def strings(value: Any) -> list[str]:
    """Every text anywhere in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """The archive with its ballots in one order: they are shuffled on every export."""
    same = copy.deepcopy(data)
    same["ballots"].sort(key=lambda b: b["receipt"])
    return same


@pytest.fixture
def played(app: Flask) -> PlayedWorkshop:
    # A plan that books a name in advance: the plan file itself holds personal data.
    workshop = services.create_workshop(parse_plan(SMALL_PLAN + BOOKED), SMALL_PLAN + BOOKED)
    return run_workshop(workshop)


def test_archive_holds_the_whole_workshop_without_names(played: PlayedWorkshop) -> None:
    data = archive(played.workshop)
    text = json.dumps(data, ensure_ascii=False)

    assert data["format"] == "cocreate-workshop" and data["version"] == 1
    assert data["names_included"] is False
    assert data["workshop"]["title"] == "Årsmøde i Testby"
    assert data["workshop"]["phase"] == "results"
    assert [t["name"] for t in data["tables"]] == ["Udsatte grupper", "Børn og unge", "Sundhed"]
    assert [r["title"] for r in data["rounds"]] == ["Hjemme", "Rundt", "Hjem igen"]
    assert all(r["started_at"].endswith("Z") for r in data["rounds"])
    assert [f["key"] for f in data["fields"]] == ["ideas", "challenges"]
    assert data["vote"]["method"] == "borda" and data["vote"]["min_ballots"] == 3
    assert len(data["participants"]) == len(PEOPLE)
    assert all(set(p) == {"id", "home_table", "role", "present"} for p in data["participants"])
    assert len(data["seats"]) == 3 * len(PEOPLE)
    assert len(data["notes"]) == 6
    assert [c["text"] for c in data["challenges"]] == [MANDATE, RESOURCES, COMMUNICATION]
    assert [len(c["sources"]) for c in data["challenges"]] == [2, 1, 0]
    assert len(data["ballots"]) == len(KNOWN_BALLOTS)
    assert all(set(b) == {"receipt", "choice"} for b in data["ballots"])
    assert data["turnout"] == {
        "voted": 5,
        "eligible": 9,
        "ballots": 5,
        "min_ballots": 3,
        "codes_printed": None,
        "codes_used": None,
        "paper_ballots": 0,
    }
    assert data["vote"]["voter_codes"] is False
    assert data["results"]["score_unit"] == "Borda-point"
    assert [(r["rank"], r["challenge"], r["score"]) for r in data["results"]["ranking"]] == [
        (1, 1, 11),
        (1, 2, 11),
        (3, 3, 8),
    ]
    assert data["results"]["pairwise"] == [[None, 3, 3], [2, None, 4], [2, 1, None]]
    assert data["results"]["borda_schulze_agree"] is False
    # Names are the only personal data: not in participants, roster or the plan file.
    assert data["roster"] is None
    assert data["workshop"]["plan_toml"] is not None
    assert "Karla" not in data["workshop"]["plan_toml"]
    assert not set(strings(data)) & {*PEOPLE, "Karla Vestergaard"}
    assert "Karla" not in text


def test_names_only_when_asked_for(played: PlayedWorkshop) -> None:
    data = archive(played.workshop, include_names=True)

    assert data["names_included"] is True
    assert [p["name"] for p in data["participants"]] == PEOPLE
    assert data["roster"] == [{"name": "Karla Vestergaard", "table": 3, "role": "host"}]
    assert "Karla Vestergaard" in data["workshop"]["plan_toml"]


@pytest.mark.parametrize("include_names", [False, True])
def test_round_trip_export_import_export(played: PlayedWorkshop, include_names: bool) -> None:
    first = archive(played.workshop, include_names=include_names)

    imported = import_workshop_json(json.loads(json.dumps(first)))

    assert imported.id != played.workshop.id
    assert imported.code != played.workshop.code
    assert imported.facilitator_key_hash != played.workshop.facilitator_key_hash
    assert comparable(archive(imported, include_names=include_names)) == comparable(first)
    assert voting.turnout(imported).voted == 5
    assert voting.results(imported).tally is not None


def test_import_without_names_gives_placeholders(played: PlayedWorkshop) -> None:
    imported = import_workshop_json(archive(played.workshop))

    assert [p.name for p in imported.participants][:2] == ["Deltager 1", "Deltager 2"]


def test_a_damaged_archive_is_refused_and_nothing_written(played: PlayedWorkshop) -> None:
    from cocreate.db import db

    good = archive(played.workshop)
    before = db.session.scalar(db.select(db.func.count()).select_from(Workshop))
    damaged = [
        ({"format": "something else"}, "not a cocreate workshop archive"),
        (good | {"version": 99}, "version 99"),
        ({k: v for k, v in good.items() if k != "notes"}, "'notes' is missing"),
        (good | {"notes": [good["notes"][0] | {"table": 9}]}, "notes[].table: 9"),
        (good | {"ballots": [{"receipt": "X", "choice": [1, 2, 7]}]}, "ballots[].choice: 7"),
        (good | {"vote": good["vote"] | {"method": "dice"}}, "vote.method"),
    ]
    for data, message in damaged:
        with pytest.raises(ArchiveError, match=message.replace("[", r"\[").replace("]", r"\]")):
            import_workshop_json(data)
    assert db.session.scalar(db.select(db.func.count()).select_from(Workshop)) == before
