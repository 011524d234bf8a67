"""The facilitator's keyboard shortcuts, and a ranking ballot cast with the keyboard alone."""

from __future__ import annotations

import re

import pytest
import socketio
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    PROJECTOR_VIEWPORT,
    SESSIONS_DIR,
    StartServer,
    new_context,
    wait_for_seating,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"


def deadline_of(page: Page) -> int:
    return int(page.locator("#countdown").get_attribute("data-deadline") or 0)


def test_shortcuts_drive_the_round_and_the_help_returns_the_focus(
    browser: Browser, start_server: StartServer
) -> None:
    server, workshop = start_server(PLAN_FILE)
    for name in ("Anna", "Bo", "Cecilie", "Dan"):
        server.join(workshop.code, name)
    page = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    page.goto(server.base_url + workshop.facilitator_path)
    expect(page.locator("#joined-count")).to_have_text("4 joined")

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    expect(page.locator("#help")).to_contain_text("Pause or resume the round")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()
    expect(page.locator("#help-toggle")).to_be_focused()

    page.keyboard.press("n")  # next step: round 1 starts
    expect(page.locator("#countdown")).to_be_visible()
    before = deadline_of(page)
    page.keyboard.press("+")
    expect(page.locator("#countdown")).not_to_have_attribute("data-deadline", str(before))
    assert deadline_of(page) == before + 60_000
    page.keyboard.press("p")
    expect(page.locator("#countdown")).to_contain_text("Paused at")
    page.keyboard.press("p")
    expect(page.locator("#countdown")).to_have_attribute("data-deadline", re.compile(r"^\d+$"))
    page.keyboard.press("n")  # next step: round 1 ends
    expect(page.locator("button[data-event=start_round]")).to_have_text("Start round 2")


def test_a_ranking_ballot_cast_with_the_keyboard_alone(
    browser: Browser, start_server: StartServer
) -> None:
    server, workshop = start_server(PLAN_FILE)
    for name in ("Anna", "Bo", "Cecilie"):
        server.join(workshop.code, name)
    facilitator = socketio.Client()
    facilitator.connect(
        server.base_url, auth={"code": workshop.code, "key": workshop.facilitator_key}
    )
    phone = new_context(browser, viewport=PHONE_VIEWPORT, is_mobile=True).new_page()
    phone.goto(f"{server.base_url}/j/{workshop.code}")
    phone.fill("#name", "Tastatur Bruger")
    phone.keyboard.press("Enter")
    expect(phone.locator("#where")).to_be_visible()
    for _ in range(4):
        wait_for_seating(facilitator.call)
        assert facilitator.call("start_round", {})["ok"]
        assert facilitator.call("end_round", {})["ok"]
    assert facilitator.call("begin_consolidation", {})["ok"]
    for text in ("Tydeligere mandat", "Klarere ressourcer", "Fælles ledelse"):
        assert facilitator.call("shortlist_add", {"text": text})["ok"]
    assert facilitator.call("open_vote", {})["ok"]
    items = phone.locator("#ballot-panel li .text")
    expect(items).to_have_text(["Tydeligere mandat", "Klarere ressourcer", "Fælles ledelse"])

    # Tab to the first "move down" button and press Enter: the first challenge moves down,
    # and the focus follows it so a screen-reader user can keep going.
    phone.locator("button[data-move=down]").first.focus()
    phone.keyboard.press("Enter")
    expect(items).to_have_text(["Klarere ressourcer", "Tydeligere mandat", "Fælles ledelse"])
    expect(phone.locator('button[data-move="down"][data-index="1"]')).to_be_focused()
    phone.keyboard.press("Enter")
    expect(items).to_have_text(["Klarere ressourcer", "Fælles ledelse", "Tydeligere mandat"])
    phone.locator("#cast").focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#cast-confirm")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator("#ballot-done")).to_be_visible()
    assert facilitator.call("sync", {})["snapshot"]["turnout"]["voted"] == 1
    facilitator.disconnect()
