"""The phone as the room uses it, between pushes: a role taken by a tablemate, notes typed
offline, the receipt after the close, focus kept across redraws, the language of texts and
what a screen reader hears. Each test here failed on the code before its fix."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import PHONE_VIEWPORT, SESSIONS_DIR, StartServer, new_context

pytestmark = [pytest.mark.browser, pytest.mark.server]

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"  # 4 tables, balanced homes


def join(browser: Browser, base_url: str, code: str, name: str, language: str = "en") -> Page:
    page = new_context(browser, language=language, viewport=PHONE_VIEWPORT).new_page()
    page.goto(f"{base_url}/j/{code}")
    page.fill("#name", name)
    page.click("#join-form button[type=submit]")
    expect(page.locator("body")).to_have_attribute("data-connected", "yes")
    expect(page.locator("#where")).to_be_visible()
    return page


def test_a_role_taken_at_the_table_leaves_the_other_phones_there(
    browser: Browser, start_server: StartServer
) -> None:
    server, workshop = start_server(PLAN_FILE)
    # Balanced homes: the first and the fifth to join share table 1.
    phones = [join(browser, server.base_url, workshop.code, f"Deltager {i}") for i in range(5)]
    first, mate = phones[0], phones[4]
    expect(mate.locator("#where")).to_have_text(first.locator("#where").inner_text())
    expect(mate.locator("button[data-volunteer=host]")).to_be_visible()

    first.click("button[data-volunteer=host]")

    expect(first.locator("button[data-volunteer=host]")).to_have_count(0)
    expect(mate.locator("button[data-volunteer=host]")).to_have_count(0)
    expect(mate.locator("button[data-volunteer=notetaker]")).to_be_visible()
    expect(mate.locator("#role-holders")).to_contain_text("Bordformand: Deltager 0")
    expect(mate.locator("#role-holders")).to_contain_text("Referent: nobody yet")
