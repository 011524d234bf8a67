"""The server dies in the middle of a round and comes back: the open pages notice, keep what
was typed, reconnect by themselves and show the same round, table and deadline as before."""

from __future__ import annotations

import re
import signal
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    PROJECTOR_VIEWPORT,
    SESSIONS_DIR,
    CocreateServer,
    StartServer,
    new_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

PLAN_FILE = SESSIONS_DIR / "hedensted-kernegrupper.toml"  # participants choose their table
CHOSEN_TABLE = "2. Beskæftigelse"
EPOCH_MILLISECONDS = re.compile(r"^\d{13}$")

# Set on the pages before the crash; still there afterwards only if no page was reloaded.
SAME_DOCUMENT_MARK = "window.__cocreateBeforeRestart"
# Counts the snapshots a page asks for, so a reconnect is seen to pull the database's state.
COUNT_SYNC_REQUESTS = """() => {
    window.__cocreateSyncs = 0;
    const emit = io.Socket.prototype.emit;
    io.Socket.prototype.emit = function (event, ...rest) {
        if (event === "sync") window.__cocreateSyncs += 1;
        return emit.call(this, event, ...rest);
    };
}"""

NOTE_TYPED_AFTER_CRASH = "Skrevet efter genstart: mentorordningen skal samles ét sted"
NOTE_TYPED_OFFLINE = "Skrevet mens serveren var nede – må ikke gå tabt"


def test_pages_reconnect_to_the_same_round_after_a_server_crash(
    browser: Browser, start_server: StartServer, screenshots_dir: Path
) -> None:
    server, workshop = start_server(PLAN_FILE, worker="gevent")
    projector = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    projector.goto(server.base_url + workshop.facilitator_path)
    phone = new_context(browser, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{server.base_url}/j/{workshop.code}")
    phone.fill("#name", "Søs Mørkebjerg")
    phone.select_option("#table_id", label=CHOSEN_TABLE)
    phone.click("#join-form button[type=submit]")
    expect(phone.locator("#where")).to_have_text("Table 2 — Beskæftigelse")
    expect(projector.locator("#joined-count")).to_have_text("1 joined")

    projector.click("button[data-event=start_round]")
    expect(projector.locator("#countdown")).to_have_attribute("data-deadline", EPOCH_MILLISECONDS)
    expect(phone.locator("#instruction .timer")).to_have_attribute(
        "data-deadline", EPOCH_MILLISECONDS
    )
    before = _what_the_pages_show(projector, phone)
    assert before["phone deadline"] == before["projector deadline"]
    assert before["phone round"] == "Round 1 of 4"
    for page in (projector, phone):
        page.evaluate(f"{SAME_DOCUMENT_MARK} = true")
        page.evaluate(COUNT_SYNC_REQUESTS)

    # --- a crash: both pages say they are offline, then find the new server by themselves.
    server.stop(signal.SIGKILL)
    _both_show_offline(projector, phone)
    phone.screenshot(path=screenshots_dir / "restart-1-offline-phone.png", full_page=True)
    projector.screenshot(path=screenshots_dir / "restart-1-offline-projector.png")

    server.start()  # same port, same database
    _both_reconnect_without_reload(projector, phone)
    for page in (projector, phone):
        assert page.evaluate("window.__cocreateSyncs") >= 1, "reconnected without re-syncing"
    assert _what_the_pages_show(projector, phone) == before
    expect(projector.locator("button[data-event=end_round]")).to_have_text("End round 1")

    wall = projector.locator("#wall")
    _type_note(phone, NOTE_TYPED_AFTER_CRASH)
    expect(phone.locator("#note-text")).to_have_value("")
    expect(phone.locator("#note-error")).to_be_hidden()
    expect(phone.locator("#notes-list")).to_contain_text(NOTE_TYPED_AFTER_CRASH)
    expect(wall).to_contain_text(NOTE_TYPED_AFTER_CRASH)
    assert _stored_notes(server) == [NOTE_TYPED_AFTER_CRASH]
    phone.screenshot(path=screenshots_dir / "restart-2-reconnected-phone.png", full_page=True)
    projector.screenshot(path=screenshots_dir / "restart-2-reconnected-projector.png")

    # --- an orderly stop: a note typed meanwhile waits on the phone and is sent once.
    server.stop(signal.SIGTERM)
    _both_show_offline(projector, phone)
    _type_note(phone, NOTE_TYPED_OFFLINE)
    queued = phone.locator("#note-queued")
    expect(queued).to_have_text("Saved on this phone; it will be sent when the connection returns.")
    expect(phone.locator("#note-error")).to_be_hidden()  # not an error: nothing is lost
    # The note waiting on the phone is shown as such, not hidden until the Wi-Fi returns.
    pending = phone.locator("#notes-pending .note.pending")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(NOTE_TYPED_OFFLINE)
    expect(pending).to_contain_text("waiting to send")
    assert _outbox_size(phone, workshop.code) == 1
    server.start()
    _both_reconnect_without_reload(projector, phone)
    expect(wall).to_contain_text(NOTE_TYPED_OFFLINE)
    expect(phone.locator("#notes-list")).to_contain_text(NOTE_TYPED_OFFLINE)
    # Sent: the message and the waiting note go away by themselves.
    expect(queued).to_be_hidden()
    expect(pending).to_have_count(0)
    assert _outbox_size(phone, workshop.code) == 0
    assert _stored_notes(server) == [NOTE_TYPED_AFTER_CRASH, NOTE_TYPED_OFFLINE]
    assert _what_the_pages_show(projector, phone) == before


def _both_show_offline(projector: Page, phone: Page) -> None:
    # The room reads a short word; the phone adds that nothing typed is lost.
    for page, words in ((projector, "Reconnecting…"), (phone, "Offline — reconnecting…")):
        expect(page.locator("body")).to_have_attribute("data-connected", "no")
        status = page.locator("#status")
        expect(status).to_be_visible()
        expect(status).to_have_class("status offline")
        expect(status).to_contain_text(words)


def _both_reconnect_without_reload(projector: Page, phone: Page) -> None:
    for page in (projector, phone):
        expect(page.locator("body")).to_have_attribute("data-connected", "yes")
        expect(page.locator("#status")).to_be_hidden()  # "Connected again", then out of the way
        assert page.evaluate(SAME_DOCUMENT_MARK) is True, "the page was reloaded"


def _what_the_pages_show(projector: Page, phone: Page) -> dict[str, str]:
    return {
        "projector round": projector.locator("#stage .eyebrow").inner_text(),
        "projector deadline": projector.locator("#countdown").get_attribute("data-deadline") or "",
        "phone round": _round_of(phone.locator("#instruction").inner_text()),
        "phone deadline": phone.locator("#instruction .timer").get_attribute("data-deadline") or "",
        "phone table": phone.locator("#where").inner_text(),
    }


def _round_of(instruction: str) -> str:
    found = re.search(r"Round \d+ of \d+", instruction)
    assert found, instruction
    return found.group(0)


def _type_note(phone: Page, text: str) -> None:
    phone.fill("#note-text", text)
    phone.click("#note-submit")


def _outbox_size(phone: Page, code: str) -> int:
    return int(
        phone.evaluate(
            "code => JSON.parse(localStorage.getItem('cocreate-outbox-' + code) || '[]').length",
            code,
        )
    )


def _stored_notes(server: CocreateServer) -> list[str]:
    with sqlite3.connect(server.database_path) as database:
        rows = database.execute("SELECT text FROM note ORDER BY id").fetchall()
    return [text for (text,) in rows]
