"""A whole World Café workshop in a real browser against a real server.

The projector opens the facilitator link; the phones join through the URL decoded from the
QR code the projector shows. Then every round of the Halsnæs sample plan, the shortlist, the
anonymous vote, the revealed ranking and the CSV download, with screenshots at each phase."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    PROJECTOR_VIEWPORT,
    SESSIONS_DIR,
    SMALL_PHONE_VIEWPORT,
    StartServer,
    new_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"
PLAN: dict[str, Any] = tomllib.loads(PLAN_FILE.read_text(encoding="utf-8"))
TABLE_NAMES: list[str] = [t["name"] for t in PLAN["tables"]]
ROUNDS: list[dict[str, Any]] = PLAN["rounds"]
HOST_LABEL: str = PLAN["roles"]["host"]
CHALLENGE_LABEL = "Udfordringer"
EXPERIENCE_LABEL = "Oplevelser"

# Joined over plain HTTP first, so they become the hosts and note-takers who stay, and the
# phones under test travel between tables.
SEATED_PEOPLE = [
    "Birgitte Holm",
    "Jens Ærenlund",
    "Karen Bøgh",
    "Ole Kjær",
    "Pia Lundgård",
    "Rasmus Vang",
    "Tove Friis",
    "Niels Dæhlin",
]
# (name, viewport) of the phones driven by the browser.
PHONE_PEOPLE = [
    ("Søren Kjærgård", PHONE_VIEWPORT),
    ("Åse Østby", PHONE_VIEWPORT),
    ("ليلى حداد", SMALL_PHONE_VIEWPORT),
    ("Mads Brønd", PHONE_VIEWPORT),
]
EVERYONE = len(SEATED_PEOPLE) + len(PHONE_PEOPLE)
HOST_PHONE = 0  # volunteers as host in the lobby, so stays home
SCREENSHOT_PHONE = 1  # a traveller on a 390 px phone
SMALL_PHONE = 2  # the 360 x 640 phone

TABLE_LINE = re.compile(r"Table (\d+) — ")


@dataclass
class PhoneUnderTest:
    name: str
    page: Page
    home_table: int = 0
    tables_by_round: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class WrittenNote:
    text: str
    table: int
    label: str


class Screenshots:
    """Numbered screenshots of the projector and the phones, one set per phase."""

    def __init__(self, folder: Path, projector: Page, phones: list[PhoneUnderTest]) -> None:
        self.folder = folder
        self.projector = projector
        self.phones = phones
        self.taken = 0

    def phase(self, phase_name: str) -> None:
        self.taken += 1
        prefix = f"{self.taken:02d}-{phase_name}"
        # The projector as the room sees it: only what fits the 1920 x 1080 screen.
        self.projector.screenshot(path=self.folder / f"{prefix}-projector.png")
        self.phones[SCREENSHOT_PHONE].page.screenshot(
            path=self.folder / f"{prefix}-phone.png", full_page=True
        )
        self.phones[SMALL_PHONE].page.screenshot(
            path=self.folder / f"{prefix}-phone-small.png", full_page=True
        )

    def phone_only(self, phase_name: str, page: Page) -> None:
        self.taken += 1
        path = self.folder / f"{self.taken:02d}-{phase_name}-phone.png"
        page.screenshot(path=path, full_page=True)


def test_a_whole_workshop_from_qr_code_to_csv(
    browser: Browser,
    start_server: StartServer,
    screenshots_dir: Path,
) -> None:
    server, workshop = start_server(PLAN_FILE, worker="gevent")
    projector = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    projector.goto(server.base_url + workshop.facilitator_path)

    join_url = read_join_url_from_qr_code(projector, screenshots_dir / "00-join-qr.png")
    assert join_url == f"{server.base_url}/j/{workshop.code}"
    expect(projector.locator("#join-url")).to_have_text(join_url)
    expect(projector.locator("#join-code")).to_have_text(workshop.code)

    for name in SEATED_PEOPLE:
        server.join(workshop.code, name)
    phones = [join_on_phone(browser, join_url, name, size) for name, size in PHONE_PEOPLE]
    shots = Screenshots(screenshots_dir, projector, phones)

    lobby_shows_everyone_at_balanced_tables(projector, phones)
    volunteer_as_host(projector, phones[HOST_PHONE])
    shots.phase("lobby")

    notes: list[WrittenNote] = []
    for number, round_plan in enumerate(ROUNDS, start=1):
        start_round(projector, phones, number, round_plan)
        if number == 1:
            extend_by_one_minute(projector, phones)
            for index, phone in enumerate(phones):
                notes.append(add_note(phone, CHALLENGE_LABEL, challenge_text(index)))
            notes.append(add_note(phones[HOST_PHONE], EXPERIENCE_LABEL, EXPERIENCE_TEXT))
        if number == 3:
            notes.append(add_duplicate_from_another_table(phones, notes[HOST_PHONE]))
        if number == 2:
            notes.append(add_note(phones[SMALL_PHONE], CHALLENGE_LABEL, ARABIC_CHALLENGE))
        wall_shows_every_note(projector, notes)
        shots.phase(f"round-{number}")
        end_round(projector, phones, number)
        shots.phase(f"after-round-{number}")
    travellers_moved_and_came_home(phones)

    shortlist = make_the_shortlist(projector, phones, notes)
    shots.phase("shortlist")

    ballots = vote_on_every_phone(projector, phones, shortlist, shots)
    casting_again_adds_no_ballot(projector, phones[HOST_PHONE])
    shots.phase("voted")

    projector.click("button[data-event=close_vote]")
    expected = borda_ranking(ballots, shortlist)
    projector_shows_the_ranking(projector, expected, ballots_cast=len(phones))
    for phone in phones:
        expect(phone.page.locator("#results-panel ol.results-list li")).to_have_count(
            len(shortlist)
        )
    shots.phase("results")

    csv_rows = download_results_csv(projector, workshop.code)
    assert csv_rows == expected
    assert server.process is not None and server.process.poll() is None


# --- joining ------------------------------------------------------------------------------


def read_join_url_from_qr_code(projector: Page, png_path: Path) -> str:
    """Screenshot the QR code as the projector shows it and decode it like a phone camera."""
    qr = projector.locator("#join-qr")
    expect(qr).to_be_visible()
    projector.wait_for_function(
        "() => { const i = document.getElementById('join-qr');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    qr.screenshot(path=png_path)
    decoded = zxingcpp.read_barcodes(Image.open(png_path))
    assert len(decoded) == 1, f"expected one QR code in {png_path}, found {len(decoded)}"
    assert decoded[0].format == zxingcpp.BarcodeFormat.QRCode
    return str(decoded[0].text)


def join_on_phone(
    browser: Browser, join_url: str, name: str, viewport: dict[str, int]
) -> PhoneUnderTest:
    context = new_context(browser, viewport=viewport, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(join_url)
    page.fill("#name", name)
    page.click("#join-form button[type=submit]")
    where = page.locator("#where")
    expect(where).to_have_text(TABLE_LINE)
    expect(page.locator("#instruction")).to_contain_text(name)
    expect(page.locator("body")).to_have_attribute("data-connected", "yes")
    return PhoneUnderTest(name=name, page=page, home_table=table_number(where))


def table_number(where: Locator) -> int:
    found = TABLE_LINE.search(where.inner_text())
    assert found, where.inner_text()
    return int(found.group(1))


def lobby_shows_everyone_at_balanced_tables(projector: Page, phones: list[PhoneUnderTest]) -> None:
    expect(projector.locator("#joined-count")).to_have_text(f"{EVERYONE} joined")
    cards = projector.locator("#stage .tables-grid .table-card")
    expect(cards).to_have_count(len(TABLE_NAMES))
    for name in SEATED_PEOPLE:
        expect(projector.locator("#stage .tables-grid")).to_contain_text(name)
    for phone in phones:
        # The projector lists each phone under the home table the phone shows.
        expect(cards.nth(phone.home_table - 1)).to_contain_text(phone.name)
        where = phone.page.locator("#where")
        expect(where).to_have_text(
            f"Table {phone.home_table} — {TABLE_NAMES[phone.home_table - 1]}"
        )
    # Balanced home tables: 12 people, 4 tables, the four phones joined last, one per table.
    assert sorted(p.home_table for p in phones) == [1, 2, 3, 4]


def volunteer_as_host(projector: Page, phone: PhoneUnderTest) -> None:
    phone.page.click("button[data-volunteer=host]")
    expect(phone.page.locator("#instruction")).to_contain_text(f"Your role: {HOST_LABEL}")
    expect(phone.page.locator("button[data-volunteer=host]")).to_have_count(0)
    expect(projector.get_by_label(f"Role of {phone.name}")).to_have_value("host")


# --- rounds -------------------------------------------------------------------------------


def start_round(
    projector: Page, phones: list[PhoneUnderTest], number: int, round_plan: dict[str, Any]
) -> None:
    projector.click("button[data-event=start_round]")
    countdown = projector.locator("#countdown")
    expect(countdown).to_have_text(re.compile(r"^\d+:\d{2}$"))
    expect(projector.locator("#stage .eyebrow")).to_have_text(f"Round {number} of {len(ROUNDS)}")
    expect(projector.locator("#stage h1")).to_have_text(round_plan["title"])
    deadline = countdown.get_attribute("data-deadline")
    board = projector.locator("#board .table-card")
    for phone in phones:
        page = phone.page
        instruction = page.locator("#instruction")
        expect(instruction).to_contain_text(f"Round {number} of {len(ROUNDS)}")
        expect(instruction.locator(".prompt")).to_have_text(round_plan["prompt"])
        timer = instruction.locator(".timer")
        expect(timer).to_have_text(re.compile(r"^\d+:\d{2} left$"))
        # Phones and projector count down to the same moment.
        expect(timer).to_have_attribute("data-deadline", deadline or "missing")
        where = page.locator("#where")
        expect(where).to_have_text(TABLE_LINE)
        table = table_number(where)
        if phone.tables_by_round:
            # The table the phone announced between rounds is where the round puts it.
            assert table == phone.tables_by_round[-1], phone.name
        else:
            phone.tables_by_round.append(table)
        expect(where).to_have_text(f"Table {table} — {TABLE_NAMES[table - 1]}")
        # The projector's "who goes where" board agrees with the phone.
        expect(board.nth(table - 1)).to_contain_text(phone.name)
        expect(page.locator("#notes-panel")).to_be_visible()


def extend_by_one_minute(projector: Page, phones: list[PhoneUnderTest]) -> None:
    countdown = projector.locator("#countdown")
    before = int(countdown.get_attribute("data-deadline") or 0)
    projector.click("button[data-event=extend_round]")
    after = str(before + 60_000)
    expect(countdown).to_have_attribute("data-deadline", after)
    for phone in phones:
        expect(phone.page.locator("#instruction .timer")).to_have_attribute("data-deadline", after)


def challenge_text(index: int) -> str:
    return [
        "Mandatet i indsatsteamene er uklart",
        "For få frivillige i Maglehøj",
        "Beboerne kender ikke den økonomiske rådgivning",
        "Skolerne mangler tid til samarbejdet med familierne",
    ][index]


ARABIC_CHALLENGE = "Tolkning mangler: ليس لدينا مترجم"
EXPERIENCE_TEXT = "Handlingskortene giver et godt overblik"
DUPLICATE_TEXT = "Uklart mandat for indsatsteamene"


def add_note(phone: PhoneUnderTest, label: str, text: str) -> WrittenNote:
    page = phone.page
    page.get_by_label(label, exact=True).check()
    page.fill("#note-text", text)
    page.click("#note-submit")
    expect(page.locator("#note-text")).to_have_value("")
    note = page.locator("#notes-list .note", has_text=text)
    expect(note).to_have_count(1)
    expect(note.locator(".meta")).to_contain_text(label)
    expect(page.locator("#note-error")).to_be_hidden()
    return WrittenNote(text=text, table=phone.tables_by_round[-1], label=label)


def add_duplicate_from_another_table(
    phones: list[PhoneUnderTest], original: WrittenNote
) -> WrittenNote:
    """A traveller writes the same challenge in other words at another table."""
    writer = next(
        p
        for i, p in enumerate(phones)
        if i != HOST_PHONE and p.tables_by_round[-1] != original.table
    )
    return add_note(writer, CHALLENGE_LABEL, DUPLICATE_TEXT)


def wall_shows_every_note(projector: Page, notes: list[WrittenNote]) -> None:
    cards = projector.locator("#wall .table-card")
    for note in notes:
        card = cards.nth(note.table - 1)
        expect(card.locator("h3")).to_have_text(f"{note.table}. {TABLE_NAMES[note.table - 1]}")
        expect(card.locator(".wall-note", has_text=note.text).locator(".meta")).to_contain_text(
            note.label
        )


def end_round(projector: Page, phones: list[PhoneUnderTest], number: int) -> None:
    projector.click(f"button:has-text('End round {number}')")
    expect(projector.locator("#countdown")).to_have_count(0)
    last = number == len(ROUNDS)
    board = projector.locator("#board .table-card")
    for phone in phones:
        instruction = phone.page.locator("#instruction")
        where = phone.page.locator("#where")
        if last:
            expect(where).to_have_text("All rounds are done")
            expect(instruction).to_contain_text(f"Stay at Table {phone.home_table}")
            continue
        expect(instruction).to_contain_text(f"Round {number} has ended. Next: round {number + 1}")
        expect(where).to_have_text(TABLE_LINE)
        upcoming = table_number(where)
        phone.tables_by_round.append(upcoming)
        expect(board.nth(upcoming - 1)).to_contain_text(phone.name)
        expect(projector.locator("#stage")).to_contain_text(f"Who goes where in round {number + 1}")
    if last:
        expect(projector.locator("button[data-event=begin_consolidation]")).to_have_text(
            "Make the shortlist"
        )


def travellers_moved_and_came_home(phones: list[PhoneUnderTest]) -> None:
    for index, phone in enumerate(phones):
        tables = phone.tables_by_round
        assert len(tables) == len(ROUNDS), (phone.name, tables)
        assert tables[0] == tables[-1] == phone.home_table, (phone.name, tables)
        if index == HOST_PHONE:
            assert set(tables) == {phone.home_table}, (phone.name, tables)
        else:
            visits = tables[1:-1]
            assert phone.home_table not in visits, (phone.name, tables)
            assert len(set(visits)) == len(visits), ("same table twice", phone.name, tables)


# --- shortlist ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShortlistItem:
    challenge_id: int
    text: str
    tables: tuple[str, ...]


def make_the_shortlist(
    projector: Page, phones: list[PhoneUnderTest], notes: list[WrittenNote]
) -> list[ShortlistItem]:
    projector.click("button[data-event=begin_consolidation]")
    expect(projector.locator("#stage h1")).to_have_text("Shortlist")
    for phone in phones:
        expect(phone.page.locator("#where")).to_have_text("Choosing the challenges")
    challenge_notes = [n for n in notes if n.label == CHALLENGE_LABEL]
    candidates = projector.locator(".candidate")
    # Only the challenges field is offered; the experience note is not.
    expect(candidates).to_have_count(len(challenge_notes))
    expect(projector.locator("#stage")).not_to_contain_text(EXPERIENCE_TEXT)

    def table_name(note: WrittenNote) -> str:
        return TABLE_NAMES[note.table - 1]

    chosen = [notes[HOST_PHONE], notes[1], notes[2]]
    for count, note in enumerate(chosen, start=1):
        candidates.filter(has_text=note.text).locator("button[data-add-note]").click()
        expect(projector.locator("#shortlist-count")).to_have_text(f"Shortlist: {count} of 7")
    expect(candidates).to_have_count(len(challenge_notes) - len(chosen))

    items = projector.locator("#shortlist .shortlist-item")
    ids = [int(items.nth(i).get_attribute("data-challenge") or 0) for i in range(len(chosen))]

    # Merge the duplicate into the first item: both tables now stand behind it.
    duplicate = next(n for n in challenge_notes if n.text == DUPLICATE_TEXT)
    candidate = candidates.filter(has_text=DUPLICATE_TEXT)
    candidate.locator("select[data-merge-target]").select_option(str(ids[0]))
    candidate.locator("button[data-merge-note]").click()
    expect(candidates.filter(has_text=DUPLICATE_TEXT)).to_have_count(0)
    merged_tables = tuple(sorted({table_name(notes[HOST_PHONE]), table_name(duplicate)}))
    expect(items.nth(0).locator(".small")).to_have_text("From: " + ", ".join(merged_tables))
    expect(projector.locator("#shortlist-count")).to_have_text("Shortlist: 3 of 7")

    # Edit the wording of the second item.
    edited = "Få frivillige i Maglehøj og Høje Tøpholm"
    projector.fill(f"#edit-{ids[1]}", edited)
    projector.click(f"button[data-save='{ids[1]}']")
    expect(projector.locator("#action-error")).to_be_hidden()

    # And one challenge in the facilitator's own words.
    own = "Styregruppen skal følge op hvert kvartal"
    projector.fill("#own-text", own)
    projector.click("#add-own button")
    expect(projector.locator("#shortlist-count")).to_have_text("Shortlist: 4 of 7")
    expect(items).to_have_count(4)
    own_id = int(items.nth(3).get_attribute("data-challenge") or 0)
    expect(items.nth(3).locator(".small")).to_have_text("From: the facilitator")

    return [
        ShortlistItem(ids[0], notes[HOST_PHONE].text, merged_tables),
        ShortlistItem(ids[1], edited, (table_name(notes[1]),)),
        ShortlistItem(ids[2], notes[2].text, (table_name(notes[2]),)),
        ShortlistItem(own_id, own, ()),
    ]


# --- the vote -----------------------------------------------------------------------------

# Up/down clicks each phone makes, as (direction, index) on the ballot.
BALLOT_MOVES: list[list[tuple[str, int]]] = [
    [],
    [("down", 0)],
    [("up", 3), ("up", 2), ("up", 1)],
    [("down", 0), ("down", 1), ("up", 3)],
]


def vote_on_every_phone(
    projector: Page,
    phones: list[PhoneUnderTest],
    shortlist: list[ShortlistItem],
    shots: Screenshots,
) -> list[list[int]]:
    projector.click("button[data-event=open_vote]")
    turnout = projector.locator("#turnout")
    expect(turnout).to_have_text(f"0 of {EVERYONE} have voted")
    # The projector shows the (edited) shortlist and the turnout, never scores or a ranking.
    expect(projector.locator("#stage .shortlist-item")).to_have_text([c.text for c in shortlist])
    shortlist_order = [c.challenge_id for c in shortlist]
    for phone in phones:
        expect(phone.page.locator("#where")).to_have_text("Time to vote")
        expect(phone.page.locator("#ballot-panel ol.ballot li .text")).to_have_text(
            [c.text for c in shortlist]
        )
    shots.phase("vote-open")

    ballots: list[list[int]] = []
    for index, phone in enumerate(phones):
        page = phone.page
        expected_order = list(shortlist_order)
        for direction, position in BALLOT_MOVES[index]:
            page.click(f"#ballot-panel button[data-move={direction}][data-index='{position}']")
            other = position - 1 if direction == "up" else position + 1
            expected_order[position], expected_order[other] = (
                expected_order[other],
                expected_order[position],
            )
        shown = page.locator("#ballot-panel ol.ballot li")
        expect(shown).to_have_count(len(shortlist))
        shown_order = [
            int(v) for v in shown.evaluate_all("items => items.map(li => li.dataset.challenge)")
        ]
        assert shown_order == expected_order, phone.name
        page.click("#cast")
        expect(page.locator("#confirm-text")).to_contain_text("You cannot change it afterwards.")
        if index == SCREENSHOT_PHONE:
            shots.phone_only("vote-confirm", page)
        expect(projector.locator("#ranking")).to_have_count(0)
        page.click("#cast-confirm")
        expect(page.locator("#ballot-done")).to_have_text("Your ballot is counted.")
        expect(page.locator("#receipt")).to_have_text(re.compile(r"^[A-HJ-NP-Z2-9]{8}$"))
        expect(page.locator("#where")).to_have_text("Your vote is counted")
        expect(turnout).to_have_text(f"{index + 1} of {EVERYONE} have voted")
        ballots.append(expected_order)
    # Turnout only: no ranking, no scores while the vote is open.
    expect(projector.locator("#ranking")).to_have_count(0)
    expect(projector.locator("#stage")).not_to_contain_text("points")
    for phone in phones:
        expect(phone.page.locator("#results-panel")).to_be_hidden()
    return ballots


def casting_again_adds_no_ballot(projector: Page, phone: PhoneUnderTest) -> None:
    """Reloading shows the vote as counted; a second ballot sent anyway is not counted."""
    page = phone.page
    page.reload()
    expect(page.locator("#where")).to_have_text("Your vote is counted")
    expect(page.locator("#ballot-done")).to_be_visible()
    expect(page.locator("#cast")).to_have_count(0)
    # Send a ballot from the same phone (same cookie) on a fresh connection, as a stale tab
    # or a replayed request would.
    answer = page.evaluate(
        """() => new Promise((resolve) => {
            const code = document.getElementById("phone").dataset.code;
            const socket = io({ auth: { code }, forceNew: true });
            socket.on("connect_error", (err) => resolve({ connect_error: err.message }));
            socket.emit("sync", {}, (synced) => {
                const ranking = synced.snapshot.shortlist.map((c) => c.id).reverse();
                socket.emit("cast_ballot", { choice: ranking }, (ack) => {
                    socket.disconnect();
                    resolve(ack);
                });
            });
        })"""
    )
    assert answer == {"ok": True, "already_counted": True, "receipt": None}
    expect(projector.locator("#turnout")).to_have_text(f"4 of {EVERYONE} have voted")


# --- results ------------------------------------------------------------------------------


def borda_ranking(ballots: list[list[int]], shortlist: list[ShortlistItem]) -> list[dict[str, str]]:
    """The expected result rows, as the CSV has them: Borda points, ties share a rank."""
    size = len(shortlist)
    scores = {c.challenge_id: 0 for c in shortlist}
    for ballot in ballots:
        for position, challenge_id in enumerate(ballot):
            scores[challenge_id] += size - position
    by_id = {c.challenge_id: c for c in shortlist}
    ordered = sorted(shortlist, key=lambda c: (-scores[c.challenge_id], c.text))
    rows = []
    for item in ordered:
        rank = 1 + sum(1 for s in scores.values() if s > scores[item.challenge_id])
        rows.append(
            {
                "rank": str(rank),
                "challenge": by_id[item.challenge_id].text,
                "score": str(scores[item.challenge_id]),
                "tables": "; ".join(item.tables),
                "score_unit": "Borda-point",  # what a Borda score counts, in Danish
            }
        )
    return rows


def comparable(rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return sorted((r["rank"], r["challenge"], r["score"]) for r in rows)


def projector_shows_the_ranking(
    projector: Page, expected: list[dict[str, str]], ballots_cast: int
) -> None:
    ranking = projector.locator("#ranking li")
    expect(ranking).to_have_count(len(expected))
    expect(projector.locator("#stage .method")).to_contain_text(f"{ballots_cast} ballots.")
    shown = ranking.evaluate_all(
        """items => items.map(li => ({
            rank: li.dataset.rank,
            challenge: li.children[1].childNodes[0].textContent.trim(),
            score: li.querySelector(".score").textContent.match(/\\d+/)[0],
        }))"""
    )
    assert sorted((r["rank"], r["challenge"], r["score"]) for r in shown) == comparable(expected)


def download_results_csv(projector: Page, code: str) -> list[dict[str, str]]:
    link = projector.locator("#download-csv")
    expect(link).to_be_visible()
    with projector.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"cocreate-{code}-results.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV starts with a BOM for Excel"
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    assert reader.fieldnames == ["rank", "challenge", "score", "tables", "score_unit"]
    rows = list(reader)
    # Rows within a tie may come in any order; compare them sorted by rank, then text.
    return sorted(rows, key=lambda r: (int(r["rank"]), r["challenge"]))
