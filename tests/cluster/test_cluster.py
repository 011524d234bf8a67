"""A workshop on the cluster: two workers sharing Redis and PostgreSQL behind HAProxy, phones
spread over both (python-socketio clients through the balancer, each with its SERVERID
cookie). Every phone sees every change whichever worker made it; a worker killed mid-round
leaves its phones to reconnect through the balancer to the other, with nothing lost."""

from __future__ import annotations

import csv
import io
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import socketio

from deploy.localcluster import LocalCluster
from tests.browser.harness import SESSIONS_DIR, form_token, wait_for_seating

pytestmark = pytest.mark.cluster

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"
CHALLENGES = "challenges"
ACK_TIMEOUT_S = 15
# How long a change may take to reach a screen on a busy shared 2-core machine; a bound on
# waiting, not a measurement.
PUSH_TIMEOUT_S = 30


def imported(cluster: LocalCluster) -> tuple[str, str]:
    """A new workshop: its join code and facilitator path."""
    output = cluster.cli("import", str(PLAN_FILE))
    lines = dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)
    return lines["Join code"], lines["Facilitator path"]


def on_worker(session: requests.Session, worker: str) -> requests.Session:
    """Route this device to a worker, as HAProxy's cookie does once it has chosen one."""
    # The same domain and path as the cookie HAProxy sets, so a later one replaces it.
    session.cookies.set("SERVERID", worker, domain="127.0.0.1", path="/")
    return session


def join(cluster: LocalCluster, code: str, name: str) -> requests.Session:
    """Join through the balancer as a phone does; HAProxy picks the worker (its cookie)."""
    session = requests.Session()
    page = session.get(f"{cluster.base_url}/j/{code}", timeout=10)
    response = session.post(
        f"{cluster.base_url}/j/{code}",
        data={"name": name, "csrf_token": form_token(page.text)},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return session


class Screen:
    """One Socket.IO connection through the balancer, keeping the newest state pushed to it
    (a push at a version it already has is ignored, as common.js does) and syncing after
    every (re)connect."""

    def __init__(
        self,
        cluster: LocalCluster,
        auth: dict[str, Any],
        http: requests.Session,
        *,
        polling_only: bool = False,
        reconnect: bool = True,
    ) -> None:
        self.http = http
        self.lock = threading.Condition()
        self.state: dict[str, Any] = {}  # the newest table_state or facilitator_state
        self.version = -1
        self.connects = 0
        self.disconnected = threading.Event()
        self.client = socketio.Client(
            http_session=http,
            reconnection=reconnect,
            reconnection_delay=0.5,
            reconnection_delay_max=2,
        )
        self.client.on("connect", self._connected)
        self.client.on("disconnect", self._disconnected)
        for event in ("table_state", "facilitator_state"):
            self.client.on(event, self._pushed)
        self.client.connect(
            cluster.base_url,
            auth=auth,
            transports=["polling"] if polling_only else ["polling", "websocket"],
            wait_timeout=ACK_TIMEOUT_S,
        )

    @property
    def worker(self) -> str | None:
        return self.http.cookies.get("SERVERID")

    def _connected(self) -> None:
        with self.lock:
            self.connects += 1
            self.lock.notify_all()

    def _disconnected(self, *_reason: Any) -> None:
        self.disconnected.set()

    def _pushed(self, payload: dict[str, Any]) -> None:
        with self.lock:
            if payload["v"] > self.version:
                self.version = payload["v"]
                self.state = payload
            self.lock.notify_all()

    def act(self, event: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.client.call(event, payload or {}, timeout=ACK_TIMEOUT_S)
        assert isinstance(answer, dict) and answer.get("ok"), (event, answer)
        return answer

    def sync(self) -> dict[str, Any]:
        snapshot: dict[str, Any] = self.act("sync")["snapshot"]
        return snapshot

    def wait_until(self, what: str, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Wait for a pushed state that passes `check`."""
        with self.lock:
            if not self.lock.wait_for(
                lambda: bool(self.state) and check(self.state), PUSH_TIMEOUT_S
            ):
                pytest.fail(f"{what}: not pushed to this screen (on {self.worker}): {self.state}")
            return self.state

    def wait_reconnected(self, connects: int) -> None:
        with self.lock:
            if not self.lock.wait_for(lambda: self.connects > connects, PUSH_TIMEOUT_S):
                pytest.fail(f"did not reconnect through the balancer (was on {self.worker})")

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def screens() -> Iterator[list[Screen]]:
    opened: list[Screen] = []
    yield opened
    for screen in opened:
        screen.close()


def note_texts(view: dict[str, Any]) -> set[str]:
    return {n["text"] for n in view["notes"]}


def test_the_balancer_spreads_one_address_by_cookie_and_keeps_polling_on_its_worker(
    cluster: LocalCluster, screens: list[Screen]
) -> None:
    """All phones come from one address (a venue's NAT): the cookie, not the address,
    spreads them over both workers, and a polling-only connection, whose every request must
    reach the worker holding it, works throughout."""
    code, _ = imported(cluster)
    phones = [join(cluster, code, f"Deltager {i}") for i in range(4)]
    assert {p.cookies.get("SERVERID") for p in phones} == {"w1", "w2"}
    for http in phones:
        screen = Screen(cluster, {"code": code}, http, polling_only=True)
        screens.append(screen)
        assert screen.client.transport() == "polling"
        for _ in range(3):  # each call is a new polling request, answered by the same worker
            assert screen.sync()["me"]["name"].startswith("Deltager")


def test_the_workers_count_the_rate_limits_in_redis(cluster: LocalCluster) -> None:
    """Unknown join codes looked up through both workers are counted in the one store all
    workers share (RATELIMIT_STORAGE_URI), not in each worker's memory."""
    import redis

    for index in range(4):
        http = on_worker(requests.Session(), ("w1", "w2")[index % 2])
        response = http.get(f"{cluster.base_url}/?code=QQQQ{index:02d}", timeout=10)
        assert response.status_code == 404
    store = redis.Redis.from_url(cluster.redis_url)
    counters = [key for key in store.keys("*") if b"join-code-lookup" in key]
    assert counters, "no rate-limit counter in Redis"
    assert sum(int(store.get(key) or 0) for key in counters) == 4


def test_revoking_a_tablet_link_ends_the_tablet_on_the_other_worker(
    cluster: LocalCluster, screens: list[Screen]
) -> None:
    code, facilitator_path = imported(cluster)
    key = facilitator_path.rstrip("/").rsplit("/", 1)[-1]
    facilitator = Screen(
        cluster, {"code": code, "key": key}, on_worker(requests.Session(), "w1"), reconnect=False
    )
    screens.append(facilitator)
    table_id = facilitator.sync()["tables"][0]["id"]
    link = facilitator.act("create_tablet_link", {"table_id": table_id})
    tablet_key = link["path"].rstrip("/").rsplit("/", 1)[-1]
    tablet = Screen(
        cluster,
        {"code": code, "table": table_id, "key": tablet_key},
        on_worker(requests.Session(), "w2"),
        reconnect=False,
    )
    screens.append(tablet)
    assert tablet.sync()["view"] == "tablet"

    facilitator.act("revoke_tablet_link", {"table_id": table_id})
    assert tablet.disconnected.wait(PUSH_TIMEOUT_S), "the revoked tablet on w2 stayed connected"


def test_a_workshop_across_two_workers_survives_losing_one(
    cluster: LocalCluster, screens: list[Screen]
) -> None:
    code, facilitator_path = imported(cluster)
    key = facilitator_path.rstrip("/").rsplit("/", 1)[-1]
    names = [f"Deltager {i} Ærøskøbing-Sønderborg" for i in range(8)]
    sessions = [join(cluster, code, name) for name in names]

    facilitator = Screen(cluster, {"code": code, "key": key}, on_worker(requests.Session(), "w1"))
    screens.append(facilitator)
    homes = {p["name"]: p["home_table_id"] for p in facilitator.sync()["participants"]}
    # Each table gets phones on both workers: whatever a phone on w1 writes, its tablemates
    # on w2 must see, and the other way round.
    seen: dict[int, int] = {}
    phones: list[Screen] = []
    for name, http in zip(names, sessions, strict=True):
        table = homes[name]
        worker = ("w1", "w2")[seen.get(table, 0) % 2]
        seen[table] = seen.get(table, 0) + 1
        phones.append(Screen(cluster, {"code": code}, on_worker(http, worker)))
    screens.extend(phones)
    assert {p.worker for p in phones} == {"w1", "w2"}

    def everyone_sees(what: str, check: Callable[[dict[str, Any]], bool]) -> None:
        for phone in phones:
            phone.wait_until(what, lambda state: check(state["view"]))

    # Round 1, started on w1: every phone hears it, whichever worker holds it.
    facilitator.act("start_round")
    everyone_sees("round 1", lambda view: view["round"]["number"] == 1)

    sent: dict[int, dict[str, str]] = {}
    for index, phone in enumerate(phones):
        sent[index] = {
            "field": CHALLENGES,
            "text": f"Udfordring {index}",
            "client_id": str(uuid.uuid4()),
        }
        phone.act("add_note", sent[index])
    table_of = {index: homes[names[index]] for index in range(len(phones))}
    for index, phone in enumerate(phones):
        mates = {f"Udfordring {j}" for j, t in table_of.items() if t == table_of[index]}
        phone.wait_until("the table's notes", lambda state, m=mates: m <= note_texts(state["view"]))
    facilitator.wait_until(
        "every note on the facilitator's board",
        lambda state: len(state["snapshot"]["notes"]) == len(phones),
    )

    # Round 2, then w1 dies mid-round: killed by its PID, nothing cleaned up.
    facilitator.act("end_round")
    wait_for_seating(facilitator.client.call)
    facilitator.act("start_round")
    everyone_sees("round 2", lambda view: view["round"]["number"] == 2)
    on_w1 = [p for p in phones if p.worker == "w1"]
    on_w2 = [p for p in phones if p.worker == "w2"]
    connects = {id(p): p.connects for p in [*on_w1, facilitator]}
    cluster.kill_worker(0)

    # While w1's phones reconnect, a phone on w2 writes a note.
    during = {
        "field": CHALLENGES,
        "text": "Skrevet mens w1 var nede",
        "client_id": str(uuid.uuid4()),
    }
    on_w2[0].act("add_note", during)
    for screen in [*on_w1, facilitator]:
        screen.wait_reconnected(connects[id(screen)])
        assert screen.worker == "w2", "the balancer did not move the phone to the live worker"
    # Reconnected, a phone syncs (as common.js does) and has everything, its own notes too.
    total = len(phones) + 1
    assert len(facilitator.sync()["notes"]) == total
    for phone in on_w1:
        snapshot = phone.sync()
        own = [n for n in snapshot["notes"] if n["mine"]]
        assert [n["text"] for n in own] == [sent[phones.index(phone)]["text"]]
    # A note whose answer was lost in the crash is sent again by the phone's outbox: stored
    # once, not twice.
    first = on_w1[0]
    again = first.act("add_note", sent[phones.index(first)])
    assert again["note_id"] == next(n["id"] for n in first.sync()["notes"] if n["mine"])
    assert len(facilitator.sync()["notes"]) == total

    # A reconnected phone writes; whoever sits at its table this round (all on w2 now) sees
    # it pushed.
    after = {
        "field": CHALLENGES,
        "text": "Skrevet efter genforbindelsen",
        "client_id": str(uuid.uuid4()),
    }
    table_now = first.sync()["seat"]["id"]
    first.act("add_note", after)
    tablemates = [p for p in phones if p.sync()["seat"]["id"] == table_now]
    assert len(tablemates) > 1
    for phone in tablemates:
        phone.wait_until("a note after the crash", lambda s: after["text"] in note_texts(s["view"]))

    # The rest of the workshop on the surviving worker: shortlist, vote, results, export.
    facilitator.act("end_round")
    facilitator.act("begin_consolidation")
    notes = facilitator.sync()["notes"]
    for note in notes[:3]:
        facilitator.act("shortlist_add", {"note_id": note["id"]})
    facilitator.act("open_vote")
    everyone_sees("the ballot", lambda view: len(view["shortlist"]) == 3)
    ids = [c["id"] for c in phones[0].sync()["shortlist"]]
    for index, phone in enumerate(phones):
        ranking = ids[index % 3 :] + ids[: index % 3]
        # Refused on PostgreSQL before every statement kept its row count (cocreate/app.py).
        assert phone.act("cast_ballot", {"choice": ranking})["already_counted"] is False
    assert facilitator.sync()["turnout"]["voted"] == len(phones)
    facilitator.act("close_vote")
    everyone_sees("the results", lambda view: view["results"] is not None)
    assert phones[0].sync()["results"]["ballots"] == len(phones)

    response = requests.get(f"{cluster.base_url}{facilitator_path}/results.csv", timeout=30)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    shortlisted = {n["text"] for n in notes[:3]}
    assert {r["challenge"] for r in rows} == shortlisted
    assert sum(int(r["score"]) for r in rows) == len(phones) * (3 + 2 + 1)  # Borda: 3, 2, 1
