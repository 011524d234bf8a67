"""A latecomer during the vote: their phone says they wait (in their language), the
facilitator sees them at a glance and admits them, and the phone turns into the ballot without
a reload."""

from __future__ import annotations

from pathlib import Path

import pytest
import socketio
from playwright.sync_api import Browser, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    PROJECTOR_VIEWPORT,
    SESSIONS_DIR,
    StartServer,
    new_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"
CHALLENGES = ("Tydeligere mandat", "Klarere ressourcer", "Fælles ledelse")


def test_a_latecomer_waits_until_the_facilitator_admits_them(
    browser: Browser, start_server: StartServer, screenshots_dir: Path
) -> None:
    server, workshop = start_server(PLAN_FILE)
    for name in ("Anna", "Bo", "Cecilie"):
        server.join(workshop.code, name)
    driver = socketio.Client()  # drives the workshop to the vote
    driver.connect(server.base_url, auth={"code": workshop.code, "key": workshop.facilitator_key})
    assert driver.call("start_round", {})["ok"]
    assert driver.call("end_round", {})["ok"]
    assert driver.call("begin_consolidation", {})["ok"]
    for text in CHALLENGES:
        assert driver.call("shortlist_add", {"text": text})["ok"]
    assert driver.call("open_vote", {})["ok"]

    facilitator = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    facilitator.goto(server.base_url + workshop.facilitator_path)
    expect(facilitator.locator("#turnout")).to_have_text("0 of 3 have voted")
    expect(facilitator.locator("#access-state")).to_contain_text("Joining is closed")
    expect(facilitator.locator("#waiting-list")).to_have_count(0)

    phone = new_context(browser, "da", viewport=PHONE_VIEWPORT, is_mobile=True).new_page()
    phone.goto(f"{server.base_url}/j/{workshop.code}")
    phone.fill("#name", "Sen Ankomst")
    phone.keyboard.press("Enter")
    expect(phone.locator("#where")).to_have_text("Venter på facilitatoren")
    expect(phone.locator("#waiting")).to_contain_text("Facilitatoren lukker dig ind")
    expect(phone.locator("#ballot-panel")).to_be_hidden()
    phone.evaluate("window.notReloaded = true")

    waiting = facilitator.locator("#waiting-list li")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Sen Ankomst")
    expect(waiting.locator(".tag.waiting")).to_have_text("waiting")
    expect(waiting.locator(".tag.late")).to_have_text("joined late")
    expect(facilitator.locator("#turnout")).to_have_text("0 of 3 have voted")  # not eligible
    facilitator.screenshot(path=screenshots_dir / "who-may-vote-facilitator.png")
    phone.screenshot(path=screenshots_dir / "who-may-vote-waiting-phone.png", full_page=True)
    waiting.get_by_role("button", name="Admit Sen Ankomst").click()

    expect(facilitator.locator("#waiting-list")).to_have_count(0)
    expect(facilitator.locator("#turnout")).to_have_text("0 of 4 have voted")
    expect(phone.locator("#ballot-panel li .text")).to_have_text(list(CHALLENGES))
    expect(phone.locator("#where")).to_have_text("Tid til at stemme")
    assert phone.evaluate("window.notReloaded") is True  # the push brought them in
    phone.locator("#cast").click()
    phone.locator("#cast-confirm").click()
    expect(phone.locator("#ballot-done")).to_be_visible()
    expect(facilitator.locator("#turnout")).to_have_text("1 of 4 have voted")
    driver.disconnect()
