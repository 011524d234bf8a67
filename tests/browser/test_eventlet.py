"""A short workshop over real Socket.IO connections, on each async worker `cocreate serve`
offers. No browser: python-socketio clients play the phones and the facilitator screen, so
the worker's WebSocket handling, broadcasts and acknowledgements are what is being proved."""

from __future__ import annotations

import csv
import io
import re
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from cocreate.collation import name_sort_key
from tests.browser.harness import SESSIONS_DIR, CocreateServer, ImportedWorkshop, StartServer

pytestmark = pytest.mark.server

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"
CHALLENGE_FIELD = "challenges"
PARTICIPANT_NAMES = ["Ægir Holm", "Østen Berg", "Yasmin Haddad"]
ACK_TIMEOUT_S = 10
BROADCAST_TIMEOUT_S = 10


class LiveClient:
    """One Socket.IO connection (a phone or the facilitator screen) that notes the states
    the server pushes to it ("table_state" to phones, "facilitator_state" to facilitators)."""

    def __init__(
        self, server: CocreateServer, auth: dict[str, str], http: requests.Session | None = None
    ) -> None:
        self.changed = threading.Event()
        self.pushed: dict[str, Any] = {}
        self.client = socketio.Client(http_session=http or requests.Session(), reconnection=False)
        for event in ("table_state", "facilitator_state"):
            self.client.on(event, self._pushed)
        self.client.connect(server.base_url, auth=auth, wait_timeout=ACK_TIMEOUT_S)

    def _pushed(self, payload: dict[str, Any]) -> None:
        self.pushed = payload
        self.changed.set()

    def act(self, event: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.client.call(event, payload or {}, timeout=ACK_TIMEOUT_S)
        assert isinstance(answer, dict), answer
        assert answer.get("ok"), (event, answer)
        return answer

    def snapshot(self) -> dict[str, Any]:
        return self.act("sync")["snapshot"]

    def expect_broadcast(self) -> None:
        assert self.changed.wait(BROADCAST_TIMEOUT_S), "no state was pushed"
        self.changed.clear()

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture(params=["gevent", "eventlet"])
def running(
    request: pytest.FixtureRequest, start_server: StartServer
) -> tuple[CocreateServer, ImportedWorkshop]:
    server, workshop = start_server(PLAN_FILE, worker=request.param)
    assert f"with the {request.param} worker" in server.log()
    return server, workshop


@pytest.fixture
def clients() -> Iterator[list[LiveClient]]:
    opened: list[LiveClient] = []
    yield opened
    for client in opened:
        client.close()


def test_a_short_workshop_over_real_sockets(
    running: tuple[CocreateServer, ImportedWorkshop], clients: list[LiveClient]
) -> None:
    server, workshop = running
    facilitator = LiveClient(server, {"code": workshop.code, "key": workshop.facilitator_key})
    clients.append(facilitator)
    assert facilitator.client.transport() == "websocket"

    phones = []
    for name in PARTICIPANT_NAMES:
        cookie_jar = server.join(workshop.code, name)
        facilitator.expect_broadcast()  # the lobby learns of each join
        phones.append(LiveClient(server, {"code": workshop.code}, http=cookie_jar))
    clients.extend(phones)
    assert [p.snapshot()["me"]["name"] for p in phones] == PARTICIPANT_NAMES
    # The (Danish) facilitator screen lists them in the Danish alphabet: Æ and Ø after Z.
    listed = [p["name"] for p in facilitator.snapshot()["participants"]]
    assert listed == sorted(PARTICIPANT_NAMES, key=lambda n: name_sort_key(n, "da"))

    # A phone without the participant cookie is refused.
    with pytest.raises(socketio.exceptions.ConnectionError):
        LiveClient(server, {"code": workshop.code})

    facilitator.act("start_round")
    for phone in phones:
        phone.expect_broadcast()
        pushed_round = phone.pushed["view"]["round"]  # the push itself carries the new round
        assert pushed_round["number"] == 1 and pushed_round["running"]
        assert phone.snapshot()["round"]["number"] == 1

    facilitator.changed.clear()
    challenges = [
        "Mandatet i indsatsteamene er uklart",
        "For få frivillige i boligområderne",
        "Skolerne mangler tid til familierne",
    ]
    for phone, text in zip(phones, challenges, strict=True):
        client_id = str(uuid.uuid4())
        payload = {"field": CHALLENGE_FIELD, "text": text, "client_id": client_id}
        note = phone.act("add_note", payload)
        # Re-sending after a lost answer stores nothing new.
        again = phone.act("add_note", payload)
        assert again["note_id"] == note["note_id"]
    facilitator.expect_broadcast()
    notes = facilitator.snapshot()["notes"]
    assert sorted(n["text"] for n in notes) == sorted(challenges)

    facilitator.act("end_round")
    facilitator.act("begin_consolidation")
    for note in notes[:2]:
        facilitator.act("shortlist_add", {"note_id": note["id"]})
    facilitator.act("shortlist_add", {"text": "Styregruppen skal følge op hvert kvartal"})
    shortlist = facilitator.snapshot()["challenges"]
    assert len(shortlist) == 3

    phones[0].changed.clear()
    facilitator.act("open_vote")
    phones[0].expect_broadcast()
    ids = [c["id"] for c in phones[0].snapshot()["shortlist"]]
    assert ids == [c["id"] for c in shortlist]
    rankings = [ids, [ids[1], ids[0], ids[2]], [ids[1], ids[2], ids[0]]]
    for phone, ranking in zip(phones, rankings, strict=True):
        cast = phone.act("cast_ballot", {"choice": ranking})
        assert cast["already_counted"] is False
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", cast["receipt"])
    again = phones[0].act("cast_ballot", {"choice": list(reversed(ids))})
    assert again["already_counted"] is True
    turnout = facilitator.snapshot()["turnout"]
    assert turnout == {"voted": 3, "eligible": 3, "codes_used": None, "paper": 0}
    assert facilitator.snapshot()["results"] is None  # nothing before the vote closes

    facilitator.act("close_vote")
    results = facilitator.snapshot()["results"]
    assert results["ballots"] == 3 and not results["withheld"]

    response = requests.get(f"{server.base_url}{workshop.facilitator_path}/results.csv", timeout=10)
    assert response.status_code == 200, server.log()[-4000:]
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    # Borda over 3 challenges: 3, 2, 1 points per ballot.
    texts = {c["id"]: c["text"] for c in shortlist}
    assert [(r["rank"], r["challenge"], r["score"]) for r in rows] == [
        ("1", texts[ids[1]], "8"),
        ("2", texts[ids[0]], "6"),
        ("3", texts[ids[2]], "4"),
    ]
    assert rows[0]["tables"] and rows[2]["tables"] == ""
