"""Keys in a real browser: the organiser makes a new facilitator link and the screen on the
old one stops; the facilitator makes a table's tablet link in the People panel, and revoking
it stops the tablet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    SESSIONS_DIR,
    CocreateServer,
    StartServer,
    new_context,
)
from tests.browser.test_organiser_e2e import DESKTOP, EMAIL, PASSWORD, server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]

NO_LONGER_VALID = "This link is no longer valid."


def log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/organiser/")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My workshops")).to_be_visible()


def test_a_new_facilitator_link_stops_the_screen_on_the_old_one(
    browser: Browser,
    server: CocreateServer,  # noqa: F811
    screenshots_dir: Path,
) -> None:
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    log_in(page, server.base_url)
    page.locator("#new-workshop").click()
    page.get_by_label(re.compile("Årskonference")).check()
    page.locator("#create-workshop").click()
    expect(page.locator("#plan-form")).to_be_visible()
    page.get_by_role("link", name=re.compile("Årskonference")).first.click()
    workshop_page = page.url

    # The projector laptop gets a facilitator link, shown once.
    page.locator("#rotate-facilitator-key").click()
    old_link = page.locator("#new-facilitator-link").input_value()
    assert re.search(r"/w/[A-Z0-9]+/facilitate/", old_link), old_link
    projector = new_context(browser, viewport=DESKTOP).new_page()
    projector.goto(old_link)
    expect(projector.locator("#join-code")).to_be_visible()
    expect(projector.locator("body")).to_have_attribute("data-connected", "yes")

    # The organiser makes a new one: the projector on the old link stops at once.
    page.goto(workshop_page)
    page.locator("#rotate-facilitator-key").click()
    new_link = page.locator("#new-facilitator-link").input_value()
    assert new_link != old_link
    page.screenshot(path=screenshots_dir / "organiser-new-facilitator-link.png", full_page=True)
    expect(projector.locator("#status")).to_have_text(NO_LONGER_VALID)
    projector.screenshot(path=screenshots_dir / "facilitator-link-replaced.png")
    response = projector.reload()
    assert response is not None and response.status == 403
    expect(projector.locator("body")).to_contain_text("it may have been replaced by a new one")

    projector.goto(new_link)
    expect(projector.locator("#join-code")).to_be_visible()
    expect(projector.locator("body")).to_have_attribute("data-connected", "yes")
    # The organiser still opens the view from their page.
    page.goto(workshop_page)
    page.locator("#open-facilitator").click()
    expect(page.locator("#join-code")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-connected", "yes")
    context.close()
    projector.context.close()


def test_the_facilitator_makes_and_revokes_a_tables_tablet_link(
    browser: Browser, start_server: StartServer, screenshots_dir: Path
) -> None:
    running, workshop = start_server(SESSIONS_DIR / "hedensted-kernegrupper.toml")
    control = new_context(browser, viewport=DESKTOP).new_page()
    control.goto(running.base_url + workshop.facilitator_path)
    expect(control.locator("body")).to_have_attribute("data-connected", "yes")
    first_table = control.locator("#people-grid .table-card").first

    first_table.locator("[data-tablet-create]").click()
    link = first_table.locator("a.tablet-link")
    expect(link).to_be_visible()
    url = link.get_attribute("href") or ""
    assert re.search(rf"/w/{workshop.code}/table/\d+/", url), url
    expect(link).to_have_text(url)  # the whole address, to copy onto the tablet
    first_table.screenshot(path=screenshots_dir / "people-panel-tablet-link.png")
    # Another facilitator screen learns that the table has a link, but never the link.
    other = new_context(browser, viewport=DESKTOP).new_page()
    other.goto(running.base_url + workshop.facilitator_path)
    other_first = other.locator("#people-grid .table-card").first
    expect(other_first).to_contain_text("This table has a tablet link.")
    expect(other_first.locator("a.tablet-link")).to_have_count(0)

    tablet = new_context(browser, viewport=PHONE_VIEWPORT).new_page()
    tablet.goto(url)
    expect(tablet.locator("#where")).to_be_visible()
    expect(tablet.locator("body")).to_have_attribute("data-connected", "yes")

    first_table.locator("[data-tablet-revoke]").click()

    expect(tablet.locator("#status")).to_have_text(NO_LONGER_VALID)
    tablet.screenshot(path=screenshots_dir / "tablet-link-revoked.png")
    expect(first_table.locator("[data-tablet-revoke]")).to_have_count(0)
    expect(other_first.locator("[data-tablet-revoke]")).to_have_count(0)
    assert requests.get(url, timeout=10).status_code == 403
    response = tablet.reload()
    assert response is not None and response.status == 403
    expect(tablet.locator("body")).to_contain_text("it was revoked or replaced")
    for page in (control, other, tablet):
        page.context.close()
