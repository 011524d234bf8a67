"""The facilitator enters a paper ballot during a Schulze vote (issue 13, items 12 and 4): the
turnout counts it on the control view and the projector, the receipt is shown to write on the
paper, a wrong ballot gets a message, and the result names Schulze scores as pairwise wins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import socketio
from playwright.sync_api import Browser, expect

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
CHALLENGES = (
    "Tydeligere mandat til indsatsteamene",
    "Klarere ressourcer til det tværfaglige samarbejde",
    "Fælles ledelse på tværs af forvaltningerne",
)
SIZES = {
    "1920x1080": PROJECTOR_VIEWPORT,
    "390x844": PHONE_VIEWPORT,
    "360x640": SMALL_PHONE_VIEWPORT,
}


def test_a_paper_ballot_entered_by_the_facilitator(
    browser: Browser, start_server: StartServer, screenshots_dir: Path
) -> None:
    server, workshop = start_server(PLAN_FILE)
    sessions = [server.join(workshop.code, name) for name in ("Anna Ærø", "Bo Østby")]
    driver = socketio.Client()
    driver.connect(server.base_url, auth={"code": workshop.code, "key": workshop.facilitator_key})
    assert driver.call("start_round", {})["ok"]
    assert driver.call("end_round", {})["ok"]
    assert driver.call("begin_consolidation", {})["ok"]
    for text in CHALLENGES:
        assert driver.call("shortlist_add", {"text": text})["ok"]
    ack = driver.call("set_ballot", {"ballot_type": "ranking", "method": "schulze"})
    assert ack["ok"], ack
    assert driver.call("open_vote", {})["ok"]

    page = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    page.goto(server.base_url + workshop.facilitator_path)
    projector = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    projector.goto(server.base_url + workshop.facilitator_path + "?view=present")
    expect(page.locator("#turnout")).to_have_text("0 of 2 have voted")
    expect(projector.locator("#paper-ballot")).to_have_count(0)  # not on the projector

    # Two places the same: told what to correct, nothing counted.
    form = page.locator("#paper-ballot-form")
    form.get_by_label("Place of “Tydeligere mandat til indsatsteamene”").fill("1")
    form.get_by_label("Place of “Klarere ressourcer til det tværfaglige samarbejde”").fill("1")
    form.get_by_label("Place of “Fælles ledelse på tværs af forvaltningerne”").fill("3")
    page.click("#paper-submit")
    expect(page.locator("#action-error")).to_have_text(
        "Give each challenge a different place from 1 to 3."
    )
    expect(page.locator("#turnout")).to_have_text("0 of 2 have voted")
    # A phone's ballot redraws the screen: what was typed stays.
    phone = socketio.Client(http_session=sessions[0], reconnection=False)
    phone.connect(server.base_url, auth={"code": workshop.code})
    ids = [c["id"] for c in driver.call("sync", {})["snapshot"]["challenges"]]
    assert phone.call("cast_ballot", {"choice": ids})["ok"]
    expect(page.locator("#turnout")).to_have_text("1 of 2 have voted")
    expect(
        form.get_by_label("Place of “Fælles ledelse på tværs af forvaltningerne”")
    ).to_have_value("3")
    form.get_by_label("Place of “Tydeligere mandat til indsatsteamene”").fill("2")
    page.click("#paper-submit")

    expect(page.locator("#turnout")).to_have_text("2 of 3 have voted")
    expect(page.locator("#turnout-paper")).to_have_text(
        "1 of them entered on paper by the facilitator."
    )
    expect(projector.locator("#turnout")).to_have_text("2 of 3 have voted")
    expect(projector.locator("#turnout-paper")).to_be_visible()
    expect(page.locator("#paper-receipt")).to_have_text(
        re.compile(r"^Counted\. Write the receipt [A-Z2-9]{8} on the paper ballot")
    )
    expect(form.locator("input").first).to_have_value("")  # ready for the next one
    for language in ("da", "en"):
        for size, viewport in SIZES.items():
            look = new_context(browser, language=language, viewport=viewport).new_page()
            look.goto(server.base_url + workshop.facilitator_path)
            expect(look.locator("#paper-ballot-form")).to_be_visible()
            look.locator("#paper-ballot").scroll_into_view_if_needed()
            look.screenshot(path=screenshots_dir / f"paper-ballot-{language}-{size}.png")
            look.context.close()

    second = socketio.Client(http_session=sessions[1], reconnection=False)
    second.connect(server.base_url, auth={"code": workshop.code})
    assert second.call("cast_ballot", {"choice": list(reversed(ids))})["ok"]
    page.click("button[data-event=close_vote]")
    expect(page.locator("#ranking li")).to_have_count(3)
    # Schulze scores count wins: never "beaten".
    expect(page.locator("#ranking .score").first).to_contain_text(re.compile(r"pairwise wins?"))
    expect(page.locator("#ranking")).not_to_contain_text("beaten")
    expect(page.locator("#results-paper")).to_have_text(
        "1 of them entered on paper by the facilitator."
    )
    danish = new_context(browser, language="da", viewport=PROJECTOR_VIEWPORT).new_page()
    danish.goto(server.base_url + workshop.facilitator_path + "?view=present")
    expect(danish.locator("#ranking .score").first).to_contain_text(re.compile(r"parvis(e)? sejr"))
    expect(danish.locator("#ranking")).not_to_contain_text("slået")
    danish.screenshot(path=screenshots_dir / "paper-ballot-results-da-1920x1080.png")
    page.screenshot(path=screenshots_dir / "paper-ballot-results-en-1920x1080.png")
    for client in (phone, second, driver):
        client.disconnect()
