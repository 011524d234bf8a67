"""One person, one ballot, in a real browser: the facilitator switches voter codes on in the
shortlist phase and prints the slips; a phone types a code with its ballot. A wrong code and a
code already used are refused on the phone, in its language, and change nothing."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import PHONE_VIEWPORT, PROJECTOR_VIEWPORT, StartServer, new_context

pytestmark = [pytest.mark.browser, pytest.mark.server]

# One short round at two tables, so the test reaches the vote quickly.
PLAN = """
[workshop]
title = "Stemmekoder i Testby"
language = "da"

[[tables]]
name = "Nord"

[[tables]]
name = "Syd"

[[rounds]]
title = "Eneste runde"
minutes = 10

[[fields]]
key = "challenges"
label = "Udfordringer"

[vote]
shortlist_size = 4
min_ballots = 1
"""
CHALLENGES = ["Flere cykelstier", "Længere åbningstider"]
CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


def test_a_phone_types_its_voter_code_and_votes_once(
    browser: Browser, start_server: StartServer, screenshots_dir: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "stemmekoder.toml"
    plan_file.write_text(PLAN, encoding="utf-8")
    server, workshop = start_server(plan_file)
    projector = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    projector.goto(server.base_url + workshop.facilitator_path)
    anna = _join(browser, server.base_url, workshop.code, "Anna", "en")
    bo = _join(browser, server.base_url, workshop.code, "Bo", "da")
    expect(projector.locator("#joined-count")).to_have_text("2 joined")

    projector.click("button[data-event=start_round]")
    projector.click("button[data-event=end_round]")
    projector.click("button[data-event=begin_consolidation]")
    for number, text in enumerate(CHALLENGES, start=1):
        projector.fill("#own-text", text)
        projector.click("#add-own button")
        expect(
            projector.locator(f"#shortlist .shortlist-item input >> nth={number - 1}")
        ).to_have_value(text)

    # --- the facilitator switches codes on and prints a sheet of slips
    projector.check("#voter-codes-toggle")
    expect(projector.locator("#voter-codes-count")).to_have_text("0 printed")
    expect(projector.locator("#voter-code-count")).to_have_value("7")  # 2 here + 5 spare
    projector.fill("#voter-code-count", "3")
    with projector.expect_popup() as opened:
        projector.click("#print-voter-codes-button")
    sheet = opened.value
    codes = sheet.locator(".voter-code").all_inner_texts()
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(CODE.match(code) for code in codes), codes
    sheet.screenshot(path=screenshots_dir / "voter-codes-sheet.png", full_page=True)
    expect(projector.locator("#voter-codes-count")).to_have_text("3 printed")
    projector.screenshot(path=screenshots_dir / "voter-codes-facilitator.png")

    projector.click("button[data-event=open_vote]")
    expect(projector.locator("#turnout")).to_have_text("0 of 2 have voted")

    # --- a guessed code is refused and nothing is counted
    expect(anna.locator("#voter-code")).to_be_visible()
    _cast(anna, "ABCD-2345" if "ABCD-2345" not in codes else "EFGH-6789")
    expect(anna.locator("#ballot-error")).to_have_text(
        "This voter code is not valid. Check the code on your slip and type it again."
    )
    expect(projector.locator("#turnout")).to_have_text("0 of 2 have voted")
    anna.screenshot(path=screenshots_dir / "voter-codes-phone-refused.png", full_page=True)

    # --- the code from the slip, typed the easy way (small letters, no dash), counts
    anna.fill("#voter-code", codes[0].replace("-", "").lower())
    anna.click("#cast-confirm")
    expect(anna.locator("#ballot-done")).to_have_text("Your ballot is counted.")
    expect(projector.locator("#turnout")).to_have_text("1 of 2 have voted")
    expect(projector.locator("#voter-codes-count")).to_have_text("3 printed, 1 used")

    # --- the same code from another phone is refused, in that phone's language (Danish)
    _cast(bo, codes[0])
    expect(bo.locator("#ballot-error")).to_have_text(
        "Stemmekoden er allerede brugt. Hver kode virker én gang; spørg facilitatoren."
    )
    expect(projector.locator("#turnout")).to_have_text("1 of 2 have voted")
    bo.fill("#voter-code", codes[1])
    bo.click("#cast-confirm")
    expect(bo.locator("#ballot-done")).to_have_text("Din stemme er talt med.")
    expect(projector.locator("#voter-codes-count")).to_have_text("3 printed, 2 used")

    projector.click("button[data-event=close_vote]")
    expect(projector.locator("#ranking li")).to_have_count(2)
    with sqlite3.connect(server.database_path) as database:
        assert database.execute("SELECT count(*) FROM ballot").fetchone() == (2,)
        assert database.execute("SELECT count(*) FROM voter_code").fetchone() == (0,)
        assert database.execute(
            "SELECT voter_codes_printed, voter_codes_used FROM workshop"
        ).fetchone() == (3, 2)


def _join(browser: Browser, base_url: str, code: str, name: str, language: str) -> Page:
    context = new_context(
        browser, language=language, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.goto(f"{base_url}/j/{code}")
    phone.fill("#name", name)
    phone.click("#join-form button[type=submit]")
    expect(phone.locator("#where")).to_be_visible()
    return phone


def _cast(phone: Page, code: str) -> None:
    expect(phone.locator("#ballot-panel ol.ballot li")).to_have_count(len(CHALLENGES))
    phone.fill("#voter-code", code)
    phone.click("#cast")
    phone.click("#cast-confirm")
