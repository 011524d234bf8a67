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
from cocreate.workshop.models import Note, Participant, Workshop
from tests.clients import SMALL_PLAN

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
            except Exception as error:  # reported below, as the test's failure
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


def at_the_vote(people: int, *, voter_codes: int = 0) -> tuple[Workshop, list[str]]:
    """A workshop whose vote is open, with three challenges on the ballot, and the voter
    codes printed for it (none unless asked for)."""
    workshop = new_workshop(people, phase="consolidation", voter_codes=voter_codes > 0)
    for text in ("Mere tid", "Bedre busser", "Flere hænder"):
        services.add_challenge(workshop, text=text)
    printed = codes.print_voter_codes(workshop, voter_codes) if voter_codes else []
    voting.open_vote(workshop)
    return workshop, printed


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
    assert workshop.round_deadline - before == timedelta(seconds=services.EXTEND_SECONDS * ATTEMPTS)


def test_people_joining_at_once_are_spread_evenly(app: Flask) -> None:
    """A room joins at once (the QR code on the projector): the home tables stay balanced,
    each join counting everyone before it."""
    workshop = new_workshop(0)
    outcomes = at_once(
        app,
        [
            Attempt(workshop_of(workshop.id), lambda w, i=index: services.join(w, f"Deltager {i}"))
            for index in range(ATTEMPTS)
        ],
    )
    assert len(outcomes.done) == ATTEMPTS
    sizes = [
        sum(1 for p in workshop.participants if p.home_table_id == t.id) for t in workshop.tables
    ]
    assert sum(sizes) == ATTEMPTS and max(sizes) - min(sizes) <= 1, sizes


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


def test_a_note_sent_again_at_once_is_stored_once(app: Flask) -> None:
    """A phone's outbox sends a note again while the first sending is still being stored
    (it reconnected to the other worker): one note, and every sending is answered with it."""
    workshop = new_workshop(3)
    services.start_next_round(workshop)
    writer = workshop.participants[0]
    outcomes = at_once(
        app,
        [
            Attempt(
                participant_of(writer.id),
                lambda p: services.add_note(p, "challenges", "Mere tid", "outbox-1").id,
            )
            for _ in range(ATTEMPTS)
        ],
    )
    assert outcomes.refused == []
    assert count(Note, workshop) == 1
    assert set(outcomes.done) == {db.session.scalar(select(Note.id))}


CLOSED_REFUSALS = {
    "The vote is not open.",
    "Paper ballots can be entered only while the vote is open.",
}
CODE_USED = "This voter code has already been used. Each code works once; ask the facilitator."


def phone_ballot(participant_id: int, choice: list[str], code: str | None = None) -> Attempt[Any]:
    return Attempt(
        participant_of(participant_id), lambda voter: voting.cast_ballot(voter, choice, code)
    )


def paper_ballot(workshop: Workshop, choice: list[str], code: str | None = None) -> Attempt[Any]:
    return Attempt(workshop_of(workshop.id), lambda w: voting.cast_paper_ballot(w, choice, code))


def check_the_close(workshop: Workshop, outcomes: Outcomes) -> list[voting.CastOutcome]:
    """The facilitator's two closes made one; every ballot stored is one the results count,
    whoever cast it and however many tabs sent it. Returns the phones' counted ballots."""
    assert [o for o in outcomes.done if o is None] == [None], "the vote closed twice"
    assert workshop.phase == "results" and workshop.results_json is not None
    phones = [o for o in outcomes.done if isinstance(o, voting.CastOutcome)]
    counted = [o for o in phones if not o.already_counted]
    paper = [o for o in outcomes.done if isinstance(o, str)]
    stored = count(Ballot, workshop)
    assert stored == workshop.results_json["ballots"], "a ballot stored after the tally"
    assert stored == len(counted) + len(paper)
    assert count(VoterRollEntry, workshop) == len(counted)  # one ballot per person
    assert workshop.paper_ballots == len(paper)
    return counted


def test_no_ballot_counts_after_the_close(app: Flask) -> None:
    """Each phone sends its ballot from two tabs, and paper ballots are typed in, while the
    facilitator closes the vote from two screens: one close, one ballot per person, and
    every ballot refused was refused because the vote had closed."""
    voters = 25
    workshop, _ = at_the_vote(voters)
    choice = ranking(workshop)
    attempts = [phone_ballot(p.id, choice) for p in workshop.participants for _tab in range(2)]
    attempts += [paper_ballot(workshop, choice) for _ in range(8)]
    attempts += facilitator_times(workshop, voting.close_vote, count=2)
    outcomes = at_once(app, attempts)
    counted = check_the_close(workshop, outcomes)
    assert len(counted) <= voters
    assert set(outcomes.refused) <= CLOSED_REFUSALS, set(outcomes.refused)


def test_each_voter_code_counts_once(app: Flask) -> None:
    """With voter codes, while the vote closes: one phone sends from many tabs with its
    code, another with a different code in each tab, many phones and a paper ballot typed in
    twice share a code. Each person and each code counts once: the ballots stored are as
    many as the codes the close found used."""
    workshop, printed = at_the_vote(40, voter_codes=12)
    choice = ranking(workshop)
    tabs, tries, sharing, *others = workshop.participants
    attempts = [phone_ballot(tabs.id, choice, printed[0]) for _ in range(10)]
    attempts += [phone_ballot(tries.id, choice, code) for code in printed[1:6]]
    attempts += [phone_ballot(p.id, choice, printed[6]) for p in [sharing, *others[:19]]]
    attempts += [paper_ballot(workshop, choice, printed[7]) for _ in range(2)]
    own = zip(others[19:23], printed[8:], strict=True)
    attempts += [phone_ballot(p.id, choice, code) for p, code in own]
    attempts += facilitator_times(workshop, voting.close_vote, count=2)
    outcomes = at_once(app, attempts)
    counted = check_the_close(workshop, outcomes)
    assert count(Ballot, workshop) == workshop.voter_codes_used
    assert len(counted) + workshop.paper_ballots <= 1 + 1 + 1 + 1 + 4
    assert set(outcomes.refused) <= CLOSED_REFUSALS | {CODE_USED}, set(outcomes.refused)
