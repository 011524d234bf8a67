"""The facilitator's plan line counts the seats the phones were shown, in plain words."""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations

import pytest
from flask import Flask
from flask_babel import force_locale
from flask_socketio import SocketIOTestClient

from cocreate.extensions import socketio
from cocreate.live.facilitator import plan_sentence
from cocreate.plans import parse_plan
from cocreate.rotation import PlanScore
from cocreate.workshop import services
from tests.clients import SMALL_PLAN, Phone, act

TABLES = 5
ROUNDS = 5


def five_by_five() -> str:
    """The small plan with 5 tables and 5 rounds, as the real room played it."""
    head, rest = SMALL_PLAN.split("[[tables]]", 1)
    fields = rest[rest.index("[[fields]]") :]
    tables = "".join(
        f'[[tables]]\nname = "Bord {n}"\ntopic = "Emne {n}"\n\n' for n in range(1, TABLES + 1)
    )
    rounds = "".join(
        f'[[rounds]]\ntitle = "Runde {n}"\nprompt = "Spørgsmål {n}"\nminutes = 10\n\n'
        for n in range(1, ROUNDS + 1)
    )
    return head + tables + rounds + fields


def plan_line(facilitator: SocketIOTestClient) -> str:
    line = act(facilitator, "sync")["snapshot"]["plan_quality"]
    assert isinstance(line, str)
    return line


def counts_in(line: str) -> tuple[int, int]:
    """The repeated meetings and the revisits an English plan line names."""
    if line.startswith("No two people sit together twice."):
        repeats = 0
    else:
        found = re.search(r"(\d+) times? two people sit together again", line)
        assert found, line
        repeats = int(found.group(1))
    revisits = re.search(r"(\d+) times? someone goes back to a table", line)
    return repeats, int(revisits.group(1)) if revisits else 0


def shown_counts(
    shown: list[dict[int, int]], homes: dict[int, int], stayers: set[int]
) -> tuple[int, int]:
    """Repeats and revisits over the counted rounds (the last, at home, is not), from what the
    phones showed: home counts as visited, a first seat is never a revisit."""
    meetings: Counter[tuple[int, int]] = Counter()
    for seats in shown[:-1]:
        by_table: dict[int, list[int]] = {}
        for pid, table in seats.items():
            by_table.setdefault(table, []).append(pid)
        for group in by_table.values():
            meetings.update(combinations(sorted(group), 2))
    repeats = sum(count - 1 for count in meetings.values())
    revisits = 0
    visited: dict[int, set[int]] = {}
    for seats in shown[:-1]:
        for pid, table in seats.items():
            if pid in stayers:
                continue
            if pid not in visited:
                visited[pid] = {table, homes[pid]}
                continue
            revisits += table in visited[pid]
            visited[pid].add(table)
    return repeats, revisits


def test_after_a_late_join_the_line_counts_what_the_phones_showed(app: Flask) -> None:
    workshop = services.create_workshop(parse_plan(five_by_five(), source="five.toml"))
    key = services.rotate_facilitator_key(workshop)
    http = app.test_client()
    http.set_cookie("cocreate_lang", "en")
    facilitator = socketio.test_client(
        app, flask_test_client=http, auth={"code": workshop.code, "key": key}
    )
    phones = [Phone(app, workshop.code, f"Deltager {i}") for i in range(17)]
    shown: list[dict[int, int]] = []
    line_after_join = line_before_home = ""
    for number in range(1, ROUNDS + 1):
        assert act(facilitator, "start_round")["ok"]
        if number == 2:  # someone arrives in the middle of round 2
            phones.append(Phone(app, workshop.code, "Sen Ankomst"))
            line_after_join = plan_line(facilitator)
        seats = {}
        for phone in phones:
            snap = phone.snapshot()
            seats[snap["me"]["id"]] = snap["seat"]["id"]
        shown.append(seats)
        if number == ROUNDS - 1:
            line_before_home = plan_line(facilitator)
        assert act(facilitator, "end_round")["ok"]

    people = act(facilitator, "sync")["snapshot"]["participants"]
    homes = {p["id"]: p["home_table_id"] for p in people}
    stayers = {p["id"] for p in people if p["role"] != "member"}
    expected = shown_counts(shown, homes, stayers)
    assert counts_in(line_after_join) == expected, line_after_join
    assert counts_in(line_before_home) == expected, line_before_home


@pytest.mark.parametrize(
    ("language", "repeats", "bound", "revisits", "expected"),
    [
        ("en", 0, 0, 0, "No two people sit together twice."),
        (
            "en",
            1,
            0,
            1,
            "1 time two people sit together again; the best possible here is 0. "
            "1 time someone goes back to a table they already sat at.",
        ),
        (
            "en",
            15,
            15,
            2,
            "15 times two people sit together again: the fewest possible here, since hosts "
            "and note-takers sit together every round. "
            "2 times someone goes back to a table they already sat at.",
        ),
        (
            "da",
            1,
            0,
            1,
            "1 gang sidder to personer sammen igen; det bedst mulige her er 0. "
            "1 gang går en person tilbage til et bord, de allerede har siddet ved.",
        ),
        (
            "da",
            17,
            15,
            3,
            "17 gange sidder to personer sammen igen; det bedst mulige her er 15. "
            "3 gange går en person tilbage til et bord, de allerede har siddet ved.",
        ),
    ],
)
def test_the_line_says_one_and_many_properly(
    app: Flask, language: str, repeats: int, bound: int, revisits: int, expected: str
) -> None:
    score = PlanScore(repeats, bound, revisits, 0, 0, 0, 0.0, 0)
    with force_locale(language):
        assert plan_sentence(score) == expected
