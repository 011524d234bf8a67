"""The shortlist screen with 61 challenge notes (issue 13, items 10 and 15): the notes grouped
by table, a search box, full texts in the "merge into" chooser, look-alike hints with one
button to add them as one item, and keyboard focus that stays in the list after adding."""

from __future__ import annotations

from pathlib import Path

import pytest
import socketio
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    PROJECTOR_VIEWPORT,
    SESSIONS_DIR,
    SMALL_PHONE_VIEWPORT,
    CocreateServer,
    ImportedWorkshop,
    StartServer,
    new_context,
)
from tests.browser.shortlist_notes import FRIVILLIGE, MANDAT, NOTES

pytestmark = [pytest.mark.browser, pytest.mark.server]

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"
NAMES = (
    "Birgitte Holm-Ærenlund",
    "Jens Østergaard Kjærsgaard",
    "Karen Bøgh Dæhlin",
    "Ole Kjær",
    "Pia Lundgård-Vestergaard",
    "Rasmus Vang",
    "Marie-Louise Vestergaard Kristiansen",
)
LONG_CHALLENGE = (
    "Styregruppen skal følge op på handlingskortene hvert kvartal, så de tværfaglige "
    "indsatsteams ved, hvad der er besluttet"
)
SIZES = {
    "1920x1080": PROJECTOR_VIEWPORT,
    "390x844": PHONE_VIEWPORT,
    "360x640": SMALL_PHONE_VIEWPORT,
}


def to_shortlist(server: CocreateServer, workshop: ImportedWorkshop) -> socketio.Client:
    """Seven people write the 61 notes in round 1; the rounds end and the shortlist begins."""
    driver = socketio.Client()
    driver.connect(server.base_url, auth={"code": workshop.code, "key": workshop.facilitator_key})
    sessions = [server.join(workshop.code, name) for name in NAMES]
    assert driver.call("start_round", {})["ok"]
    for index, session in enumerate(sessions):
        phone = socketio.Client(http_session=session, reconnection=False)
        phone.connect(server.base_url, auth={"code": workshop.code})
        # Nine notes each stay inside a phone's burst of ten actions.
        for text in NOTES[index :: len(sessions)]:
            ack = phone.call("add_note", {"field": "challenges", "text": text})
            assert ack["ok"], ack
        phone.disconnect()
    assert driver.call("end_round", {})["ok"]
    assert driver.call("begin_consolidation", {})["ok"]
    return driver


def focused(page: Page, attribute: str) -> str | None:
    return page.evaluate(f"() => document.activeElement.getAttribute('{attribute}')")


def test_sixty_one_notes_on_the_shortlist_screen(
    browser: Browser, start_server: StartServer, screenshots_dir: Path
) -> None:
    server, workshop = start_server(PLAN_FILE)
    driver = to_shortlist(server, workshop)
    page = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    page.goto(server.base_url + workshop.facilitator_path)
    expect(page.locator(".candidate")).to_have_count(61)

    # Grouped by table: one section per table, the notes of that table inside.
    tables = page.locator(".candidate-table")
    expect(tables).to_have_count(4)
    expect(tables.locator("h3")).to_have_text(
        [f"Table {n} — Gruppe {n} ({c})" for n, c in zip(range(1, 5), counts(page), strict=True)]
    )

    # Search: only the matching notes (and their tables) stay, with a count.
    page.fill("#candidate-search", "frivillige maglehøj")
    expect(page.locator(".candidate:visible")).to_have_count(3)
    expect(page.locator(".candidate:visible .text")).to_have_text(sorted_like(page, FRIVILLIGE))
    expect(page.locator("#search-count")).to_have_text("3 of 61 notes match.")
    page.fill("#candidate-search", "")
    expect(page.locator(".candidate:visible")).to_have_count(61)

    # The look-alike hints: the three "frivillige" notes and the two "mandat" notes.
    groups = page.locator("#look-alike .alike-group")
    expect(groups).to_have_count(3)
    expect(groups.first.locator("p")).to_have_text("These 3 notes look alike: merge?")
    expect(groups.first.locator("li")).to_have_count(3)
    groups.first.get_by_role("button", name="Add as one shortlist item").click()
    item = page.locator("#shortlist .shortlist-item")
    expect(item).to_have_count(1)
    expect(item.first.locator("input")).to_have_value(FRIVILLIGE[0])
    expect(page.locator(".candidate")).to_have_count(58)
    expect(groups).to_have_count(2)

    # Full texts in the merge chooser, and the look-alike item preselected there.
    assert driver.call("shortlist_add", {"text": LONG_CHALLENGE})["ok"]
    assert driver.call("shortlist_add", {"text": "Tydeligt mandat til indsatsteamene"})["ok"]
    expect(item).to_have_count(3)
    chooser = page.locator(f'.candidate:has-text("{MANDAT[1]}") select[data-merge-target]')
    expect(chooser.locator("option").nth(1)).to_have_text(f"2. {LONG_CHALLENGE}")
    expect(chooser).to_have_value(item.nth(2).get_attribute("data-challenge") or "")
    expect(page.locator(f'.candidate:has-text("{MANDAT[1]}") .look-alike-hint')).to_have_text(
        "Looks like shortlist item 3."
    )

    # The keyboard stays in the list: after adding a note, focus is on the next note's button.
    buttons = page.locator(".candidate button[data-add-note]")
    first, second = (buttons.nth(i).get_attribute("data-add-note") for i in range(2))
    buttons.first.focus()
    page.keyboard.press("Enter")
    expect(item).to_have_count(4)
    expect(page.locator(f'.candidate[data-note="{first}"]')).to_have_count(0)
    page.wait_for_function(
        f"() => document.activeElement.getAttribute('data-add-note') === '{second}'"
    )
    # Another change redrawing the screen (a note merged elsewhere) keeps it there.
    assert driver.call("shortlist_add", {"text": "Endnu et punkt"})["ok"]
    expect(item).to_have_count(5)
    assert focused(page, "data-add-note") == second
    page.context.close()

    for language in ("da", "en"):
        for size, viewport in SIZES.items():
            look = new_context(browser, language=language, viewport=viewport).new_page()
            look.goto(server.base_url + workshop.facilitator_path)
            expect(look.locator(".candidate")).to_have_count(57)
            look.screenshot(path=screenshots_dir / f"shortlist-61-{language}-{size}.png")
            look.screenshot(
                path=screenshots_dir / f"shortlist-61-{language}-{size}-full.png", full_page=True
            )
            look.context.close()
    driver.disconnect()


def counts(page: Page) -> list[int]:
    return [page.locator(".candidate-table").nth(n).locator(".candidate").count() for n in range(4)]


def sorted_like(page: Page, texts: tuple[str, ...]) -> list[str]:
    """The texts in the order the screen lists them (by table, then as written)."""
    order = page.locator(".candidate .text").all_inner_texts()
    return sorted(texts, key=order.index)
