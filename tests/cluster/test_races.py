"""Races on PostgreSQL: many attempts at one action at the same moment, each in its own
thread with its own database connection (as handlers on several workers run), and the
invariants hold: each phase change happens once and in order, one host and one note-taker per
table, one ballot per person and per voter code, no ballot counted after the close. Every
attempt that does not go through is refused with a message, never an error."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

import pytest
from flask import Flask
from sqlalchemy import func, select

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import use_workshop_language
from cocreate.voting import codes
from cocreate.voting import services as voting
from cocreate.voting.models import Ballot, VoterRollEntry
from cocreate.workshop import services
from cocreate.workshop.models import Participant, Workshop
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.cluster

ATTEMPTS = 50
# A bound on waiting for the threads (a lock never released would hang them), not a timing.
THREADS_TIMEOUT_S = 120

Loaded = TypeVar("Loaded")


@pytest.fixture
def app(postgres_url: str) -> Iterator[Flask]:
    from cocreate import create_app

    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": postgres_url,
            # One connection for each attempt at once, and the test's own.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": ATTEMPTS + 10, "max_overflow": 10},
            "ASYNC_MODE": "threading",
            "PLANNER": "inline",
            "LIVE_FACILITATOR_DELAY": 0,
        }
    )
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@dataclass
class Attempt(Generic[Loaded]):
    """One attempt: `load` reads the rows as a handler does when an event arrives, `act` then
    calls the service. Every thread loads first, then all act at once."""

    load: Callable[[], Loaded]
    act: Callable[[Loaded], object]


@dataclass
class Outcomes:
    done: list[object] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def at_once(app: Flask, attempts: list[Attempt[Any]]) -> Outcomes:
    """Run the attempts in threads of their own, each in its own app context (its own
    session and connection), released together; fail on anything but a result or a
    refusal."""
    outcomes = Outcomes()
    failures: list[str] = []
    guard = threading.Lock()
    start = threading.Barrier(len(attempts))

    def run(attempt: Attempt[Any]) -> None:
        with app.app_context():
            use_workshop_language("en")  # the refusals as an English phone reads them
            try:
                loaded = attempt.load()
                start.wait(THREADS_TIMEOUT_S)
                result = attempt.act(loaded)
            except ActionRefused as refused:
                db.session.rollback()
                with guard:
                    outcomes.refused.append(refused.message)
            except Exception as error:  # noqa: BLE001 - reported below, as the test's failure
                with guard:
                    failures.append(f"{type(error).__name__}: {error}")
            else:
                with guard:
                    outcomes.done.append(result)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(a,), daemon=True) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREADS_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads), "attempts still waiting"
    assert failures == [], failures
    db.session.expire_all()  # the test's own session reads what the threads committed
    return outcomes


def workshop_of(workshop_id: int) -> Callable[[], Workshop]:
    def load() -> Workshop:
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop is not None
        return workshop

    return load


def participant_of(participant_id: int) -> Callable[[], Participant]:
    def load() -> Participant:
        participant = db.session.get(Participant, participant_id)
        assert participant is not None
        _ = participant.workshop.phase  # loaded with it, as current_actor does
        return participant

    return load


def facilitator_times(
    workshop: Workshop, action: Callable[[Workshop], object], count: int = ATTEMPTS
) -> list[Attempt[Workshop]]:
    return [Attempt(workshop_of(workshop.id), action) for _ in range(count)]


def new_workshop(people: int, **changes: object) -> Workshop:
    from cocreate.plans import parse_plan

    workshop = services.create_workshop(parse_plan(SMALL_PLAN, source="small.toml"))
    for name, value in changes.items():
        setattr(workshop, name, value)
    db.session.commit()
    for index in range(people):
        services.join(workshop, f"Deltager {index}")
    return workshop


def at_the_vote(people: int, **changes: object) -> Workshop:
    """A workshop whose vote is open, with three challenges on the ballot."""
    workshop = new_workshop(people, phase="consolidation", **changes)
    for text in ("Mere tid", "Bedre busser", "Flere hænder"):
        services.add_challenge(workshop, text=text)
    if workshop.voter_codes:
        codes.print_voter_codes(workshop, people)
    voting.open_vote(workshop)
    return workshop


def ranking(workshop: Workshop) -> list[str]:
    return [str(c.id) for c in workshop.challenges]


def count(model: type[Any], workshop: Workshop) -> int:
    found = db.session.scalar(
        select(func.count()).select_from(model).where(model.workshop_id == workshop.id)
    )
    return int(found or 0)


def test_each_phase_change_happens_once_and_in_order(app: Flask) -> None:
    workshop = new_workshop(9)
    refusals: set[str] = set()

    def once(action: Callable[[Workshop], object]) -> None:
        outcomes = at_once(app, facilitator_times(workshop, action))
        assert len(outcomes.done) == 1, outcomes.refused[:3]
        assert len(outcomes.refused) == ATTEMPTS - 1
        refusals.update(outcomes.refused)

    for played, round_ in enumerate(workshop.rounds):
        once(services.start_next_round)
        assert (workshop.phase, workshop.current_round, workshop.round_running) == (
            "rounds",
            played,
            True,
        )
        assert [r.started_at is not None for r in workshop.rounds] == [
            position <= played for position in range(len(workshop.rounds))
        ]
        once(services.end_round)
        assert not workshop.round_running and round_.ended_at is not None
    once(services.begin_consolidation)
    for text in ("Mere tid", "Bedre busser"):
        services.add_challenge(workshop, text=text)
    once(voting.open_vote)
    once(voting.close_vote)
    assert workshop.phase == "results" and workshop.results_json is not None
    once(voting.close_workshop)
    assert workshop.phase == "closed"
    assert refusals <= {
        "A round is already running. End it first.",
        "No round is running.",
        "All rounds have been played. Move on to the shortlist.",
        "The shortlist comes after the rounds.",
        "The vote opens after the shortlist is made.",
        "The vote is not open.",
        "Close the vote and show the results first.",
    }, refusals


def test_every_extra_minute_counts(app: Flask) -> None:
    """Each press of +1 minute adds one: none is lost to another written at the same time."""
    workshop = new_workshop(3)
    services.start_next_round(workshop)
    assert workshop.round_deadline is not None
    before = workshop.round_deadline
    outcomes = at_once(app, facilitator_times(workshop, services.extend_round))
    assert len(outcomes.done) == ATTEMPTS
    assert workshop.round_deadline - before == timedelta(
        seconds=services.EXTEND_SECONDS * ATTEMPTS
    )


def test_one_host_and_one_notetaker_per_table(app: Flask) -> None:
    """Everyone volunteers for a role at once, while the facilitator starts the first round
    (which fills the roles nobody took): each table ends with one host and one note-taker."""
    workshop = new_workshop(ATTEMPTS)
    people = list(workshop.participants)
    attempts: list[Attempt[Any]] = [
        Attempt(
            participant_of(p.id),
            lambda participant, i=index: services.volunteer(
                participant, ("host", "notetaker")[i % 2]
            ),
        )
        for index, p in enumerate(people)
    ]
    attempts.append(Attempt(workshop_of(workshop.id), services.start_next_round))
    outcomes = at_once(app, attempts)
    assert workshop.phase == "rounds"
    for table in workshop.tables:
        roles = sorted(p.role for p in workshop.participants if p.home_table_id == table.id)
        assert roles.count("host") == 1, (table.name, roles)
        assert roles.count("notetaker") == 1, (table.name, roles)
    assert set(outcomes.refused) <= {
        "Your table already has a Bordformand.",
        "Your table already has a Referent.",
        "Roles are settled once the rounds have started.",
    }, set(outcomes.refused)


def test_no_ballot_counts_after_the_close(app: Flask) -> None:
    """Ballots from phones and on paper arrive while the facilitator closes the vote (from
    two screens): every ballot stored is one the results count, everyone on the voter roll
    has exactly one, and every ballot refused was refused because the vote had closed."""
    workshop = at_the_vote(ATTEMPTS)
    choice = ranking(workshop)
    attempts: list[Attempt[Any]] = [
        Attempt(participant_of(p.id), lambda participant: voting.cast_ballot(participant, choice))
        for p in workshop.participants
    ]
    paper = 10
    attempts += facilitator_times(
        workshop, lambda w: voting.cast_paper_ballot(w, choice), count=paper
    )
    attempts += facilitator_times(workshop, voting.close_vote, count=2)
    outcomes = at_once(app, attempts)

    closes = [o for o in outcomes.done if o is None]
    assert len(closes) == 1
    counted = [o for o in outcomes.done if isinstance(o, voting.CastOutcome)]
    assert all(not o.already_counted for o in counted)
    receipts = [o for o in outcomes.done if isinstance(o, str)]
    assert workshop.phase == "results" and workshop.results_json is not None
    stored = count(Ballot, workshop)
    assert stored == workshop.results_json["ballots"], "a ballot stored after the tally"
    assert stored == len(counted) + len(receipts)
    assert count(VoterRollEntry, workshop) == len(counted)
    assert workshop.paper_ballots == len(receipts)
    assert set(outcomes.refused) <= {
        "The vote is not open.",
        "Paper ballots can be entered only while the vote is open.",
    }, set(outcomes.refused)


def test_one_ballot_per_person(app: Flask) -> None:
    """One phone sends its ballot from many tabs at once: one ballot, the rest told it is
    already counted."""
    workshop = at_the_vote(3)
    choice = ranking(workshop)
    voter = workshop.participants[0]
    outcomes = at_once(
        app,
        [
            Attempt(participant_of(voter.id), lambda p: voting.cast_ballot(p, choice))
            for _ in range(ATTEMPTS)
        ],
    )
    assert outcomes.refused == []
    assert sorted(o.already_counted for o in outcomes.done) == [False] + [True] * (ATTEMPTS - 1)
    assert count(Ballot, workshop) == count(VoterRollEntry, workshop) == 1


def test_one_ballot_per_voter_code(app: Flask) -> None:
    """Many phones type the same code at once: one ballot."""
    workshop = at_the_vote(ATTEMPTS, voter_codes=True)
    choice = ranking(workshop)
    (code,) = codes.print_voter_codes(workshop, 1)
    outcomes = at_once(
        app,
        [
            Attempt(participant_of(p.id), lambda p: voting.cast_ballot(p, choice, code))
            for p in workshop.participants
        ],
    )
    assert len(outcomes.done) == 1
    assert set(outcomes.refused) == {
        "This voter code has already been used. Each code works once; ask the facilitator."
    }
    assert count(Ballot, workshop) == count(VoterRollEntry, workshop) == 1
    assert codes.code_counts(workshop).used == 1
