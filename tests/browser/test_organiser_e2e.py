"""The organiser's day in a real browser against a real server: log in, build a 3-table
workshop from a template, open the facilitator view, run it with phones, export the results
and close the workshop, erasing the names."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import Browser, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    REPO_ROOT,
    CocreateServer,
    new_context,
    wait_for_seating,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

EMAIL = "anne@kommune.dk"
PASSWORD = "en god adgangskode"
DESKTOP = {"width": 1280, "height": 900}
BROWSER_PHONES = ["Søren Kjærgård", "Åse Østby"]
HTTP_PHONES = ["Birgitte Holm", "Jens Ærenlund", "Karen Bøgh", "Ole Kjær"]
ACK_TIMEOUT_S = 10


class Actor:
    """A Socket.IO connection acting for the facilitator or for one participant."""

    def __init__(self, server: CocreateServer, auth: dict[str, str], http: requests.Session):
        self.client = socketio.Client(http_session=http, reconnection=False)
        self.client.connect(server.base_url, auth=auth, wait_timeout=ACK_TIMEOUT_S)

    def act(self, event: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.client.call(event, payload or {}, timeout=ACK_TIMEOUT_S)
        assert isinstance(answer, dict) and answer.get("ok"), (event, answer)
        return answer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CocreateServer]:
    running = CocreateServer(tmp_path / "server")
    running.workdir.mkdir()
    created = subprocess.run(
        [sys.executable, "-m", "cocreate.cli", "add-organiser", EMAIL, "--password", PASSWORD],
        cwd=REPO_ROOT,
        env=running.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    running.start()
    yield running
    running.stop()


def test_organiser_prepares_runs_exports_and_erases(
    browser: Browser, server: CocreateServer, screenshots_dir: Path
) -> None:
    context = new_context(browser, viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    shot = screenshots_dir / "organiser"
    shot.mkdir(exist_ok=True)

    # Log in: a wrong password first, then the right one.
    page.goto(server.base_url + "/organiser/")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill("forkert")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#login-error")).to_have_text(
        "The e-mail address or the password is not right."
    )
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My workshops")).to_be_visible()

    # A new workshop from the Halsnæs template, cut down to three tables in the editor.
    page.locator("#new-workshop").click()
    page.get_by_label(re.compile("Årskonference")).check()
    page.get_by_label("Date of the workshop").fill("2026-11-24")
    page.screenshot(path=shot / "01-new-workshop.png", full_page=True)
    page.locator("#create-workshop").click()
    expect(page.locator("#plan-form")).to_be_visible()
    tables = page.locator('[data-rows="tables"] .org-row')
    expect(tables).to_have_count(4)
    tables.nth(3).get_by_role("button", name="Remove this table").click()
    expect(tables).to_have_count(3)
    # A mistake first: the editor says what is wrong, next to the field.
    page.locator("#rounds-1-minutes").fill("ti")
    page.locator("#save-plan").click()
    expect(page.locator("#rounds-1-minutes-error")).to_have_text(
        'Must be a number, not text ("ti").'
    )
    expect(page.locator("#rounds-1-minutes")).to_have_attribute("aria-invalid", "true")
    page.locator("#rounds-1-minutes").screenshot(path=shot / "02-field-error.png")
    page.screenshot(path=shot / "02-plan-error.png", full_page=True)
    expect(tables).to_have_count(3)  # what was typed is kept
    page.locator("#rounds-1-minutes").fill("5")
    page.locator("#vote-shortlist_size").fill("3")
    page.locator("#save-plan").click()
    expect(page.get_by_text("The plan has been saved.")).to_be_visible()
    expect(tables).to_have_count(3)

    # The facilitator view, reached through ownership.
    page.get_by_role("link", name=re.compile("Årskonference")).first.click()
    page.screenshot(path=shot / "03-workshop-page.png", full_page=True)
    page.locator("#open-facilitator").click()
    page.wait_for_url(re.compile(r"/w/[A-Z0-9]+/facilitate/"))
    found = re.search(r"/w/([A-Z0-9]+)/facilitate/([^/?#]+)", page.url)
    assert found, page.url
    code, key = found.groups()
    expect(page.locator("body")).to_contain_text(code)
    page.screenshot(path=shot / "04-facilitator.png")
    page.go_back()

    # Phones join: two in the browser, four over HTTP.
    people: list[tuple[str, requests.Session]] = []
    for name in BROWSER_PHONES:
        phone = new_context(browser, viewport=PHONE_VIEWPORT).new_page()
        phone.goto(f"{server.base_url}/j/{code}")
        phone.locator("input[name=name]").fill(name)
        phone.locator("form button[type=submit]").click()
        expect(phone.locator("body")).to_contain_text(name)
        http = requests.Session()
        for cookie in phone.context.cookies():
            http.cookies.set(cookie["name"], cookie["value"])
        people.append((name, http))
    people += [(name, server.join(code, name)) for name in HTTP_PHONES]
    page.goto(server.base_url + "/organiser/")
    expect(page.locator(f'tr:has-text("{code}") td.num')).to_have_text(str(len(people)))

    # The workshop runs: every round, one challenge per person, the vote.
    facilitator = Actor(server, {"code": code, "key": key}, requests.Session())
    phones = [Actor(server, {"code": code}, http) for _name, http in people]
    facilitator.act("start_round")
    notes = [
        phone.act("add_note", {"field": "challenges", "text": f"Udfordring nummer {i}"})["note_id"]
        for i, phone in enumerate(phones[:3], start=1)
    ]
    for _ in range(3):
        facilitator.act("end_round")
        wait_for_seating(facilitator.client.call)
        facilitator.act("start_round")
    facilitator.act("end_round")
    facilitator.act("begin_consolidation")
    for note_id in notes:
        facilitator.act("shortlist_add", {"note_id": note_id})
    facilitator.act("open_vote")
    shortlist = [c["id"] for c in facilitator.act("sync")["snapshot"]["challenges"]]
    for shift, phone in enumerate(phones):
        phone.act("cast_ballot", {"choice": shortlist[shift % 3 :] + shortlist[: shift % 3]})
    facilitator.act("close_vote")

    # Export: the ranking, then the archive with and without names.
    page.get_by_role("link", name=re.compile("Årskonference")).first.click()
    with page.expect_download() as csv_download:
        page.locator("#export-csv").click()
    ranking = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert "Udfordring nummer 1" in ranking
    with page.expect_download() as anonymous_download:
        page.locator("#export-json button").click()
    anonymous = Path(anonymous_download.value.path()).read_text(encoding="utf-8")
    assert "Søren" not in anonymous and "Udfordring nummer 2" in anonymous
    page.locator("#include_names").check()
    with page.expect_download() as named_download:
        page.locator("#export-json button").click()
    assert "Søren Kjærgård" in Path(named_download.value.path()).read_text(encoding="utf-8")

    # Close the workshop and erase the names.
    expect(page.locator("#close-erase")).to_be_checked()
    page.screenshot(path=shot / "05-before-closing.png", full_page=True)
    page.locator("#close-workshop").click()
    expect(page.get_by_text("The workshop is closed and 6 names were erased.")).to_be_visible()
    expect(page.locator("#names-status")).to_contain_text("Names were erased on")
    page.screenshot(path=shot / "06-closed.png", full_page=True)
    with page.expect_download() as after_download:
        page.locator("#include_names").check()
        page.locator("#export-json button").click()
    archive = json.loads(Path(after_download.value.path()).read_text(encoding="utf-8"))
    text = json.dumps(archive, ensure_ascii=False)
    for name in BROWSER_PHONES + HTTP_PHONES:
        assert name not in text, name
    assert "Udfordring nummer 3" in text  # the results stay

    page.locator("#logout").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    context.close()
