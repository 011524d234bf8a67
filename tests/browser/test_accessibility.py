"""An axe-core scan of every page cocreate shows, in every phase of a workshop.

One server, three workshops from the Halsnæs sample plan (Danish, as the municipalities see
it): the first is driven through lobby, a round, the break between rounds, the shortlist, a
ranking vote and the results; the other two reach the vote quickly so the phone's dots and
approval ballots are scanned too. Every page is scanned once the phase is on screen; each page
is then its own test, so a failure names the page and lists every violation axe found there
(rule, impact, the elements), serious or not. A JSON report goes to
`test-artifacts/accessibility.json`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    PROJECTOR_VIEWPORT,
    REPO_ROOT,
    SESSIONS_DIR,
    SMALL_PHONE_VIEWPORT,
    CocreateServer,
    ImportedWorkshop,
    new_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"
LANGUAGE = "da"
LAPTOP_VIEWPORT = {"width": 1366, "height": 768}  # the facilitator's control view
REPORT_PATH = REPO_ROOT / "test-artifacts" / "accessibility.json"
BLOCKING_IMPACTS = ("serious", "critical")

# Joined over plain HTTP first, as in the full workshop test, so the phones travel.
SEATED_PEOPLE = ["Birgitte Holm", "Jens Ærenlund", "Karen Bøgh", "Ole Kjær", "Pia Lundgård"]
PHONES = [
    ("Søren Kjærgård", PHONE_VIEWPORT),
    ("Åse Østby", PHONE_VIEWPORT),
    ("Mads Brønd", SMALL_PHONE_VIEWPORT),
]

# Every page and phase the flow below scans, in the order it scans them.
PAGES = [
    "landing",
    "landing-unknown-code",
    "error-unknown-code",
    "join",
    "join-error",
    "facilitator-lobby",
    "facilitator-shortcuts-help",
    "projector-lobby",
    "phone-lobby",
    "facilitator-round-running",
    "facilitator-round-running-people-open",
    "projector-round-running",
    "phone-round-running",
    "phone-round-running-editing-note",
    "facilitator-between-rounds",
    "projector-between-rounds",
    "phone-between-rounds",
    "facilitator-shortlist",
    "facilitator-shortlist-dots-settings",
    "facilitator-shortlist-approval-settings",
    "projector-shortlist",
    "phone-shortlist",
    "facilitator-voting",
    "projector-voting",
    "phone-voting-ranking",
    "phone-voting-ranking-confirm",
    "phone-voted",
    "facilitator-results",
    "projector-results",
    "phone-results",
    "ballot-box",
    "phone-voting-dots",
    "phone-voting-dots-confirm",
    "phone-voting-approval",
    "phone-voting-approval-confirm",
]

# axe leaves some checks "for review" when it cannot decide alone. For these rules every such
# result on cocreate's pages is a real problem, so they count as violations here.
REVIEW_COUNTS_AS_VIOLATION = {
    # aria-label on a plain <span> (no role): screen readers ignore the label.
    "aria-prohibited-attr",
}

# Rules that must pass whatever impact axe gives them: every page has a main heading.
ALWAYS_REQUIRED = {"page-has-heading-one"}


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str]
    summaries: list[str]

    def describe(self) -> str:
        nodes = "\n".join(
            f"      - {target}: {summary}"
            for target, summary in zip(self.targets, self.summaries, strict=True)
        )
        return f"  {self.rule} ({self.impact}): {self.help}\n{nodes}"


class Scanner:
    """Runs axe-core on a page and keeps what it found under the page's name."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.found: dict[str, list[Violation]] = {}
        # What axe does not check, seen on the way (keyboard focus, live regions).
        self.facts: dict[str, str] = {}

    def scan(self, name: str, page: Page) -> None:
        assert name in PAGES, f"add {name!r} to PAGES"
        assert name not in self.found, f"{name} scanned twice"
        page.wait_for_load_state("load")
        response: dict[str, Any] = self.axe.run(page).response
        reviewed = [v for v in response["incomplete"] if v["id"] in REVIEW_COUNTS_AS_VIOLATION]
        self.found[name] = [
            Violation(
                rule=v["id"],
                impact=v.get("impact") or "none",
                help=v["help"],
                targets=[" ".join(map(str, n["target"])) for n in v["nodes"]],
                summaries=[
                    " ".join((n.get("failureSummary") or "").split())[:300] for n in v["nodes"]
                ],
            )
            for v in response["violations"] + reviewed
        ]

    def write_report(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        report = {name: [v.__dict__ for v in violations] for name, violations in self.found.items()}
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


def describe_all(violations: list[Violation]) -> str:
    return "\n".join(v.describe() for v in violations) or "  (none)"


# --- the one run that visits every page -------------------------------------------------------


@pytest.fixture(scope="module")
def scanner(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scanner]:
    workdir = tmp_path_factory.mktemp("a11y-server")
    server = CocreateServer(workdir)
    main_workshop = server.import_plan(PLAN_FILE)
    dots_workshop = server.import_plan(PLAN_FILE)
    approval_workshop = server.import_plan(PLAN_FILE)
    server.start()
    scanner = Scanner()
    contexts: list[Any] = []

    def open_page(**options: Any) -> Page:
        context = new_context(browser, language=LANGUAGE, **options)
        contexts.append(context)
        return context.new_page()

    try:
        whole_workshop(server, main_workshop, scanner, open_page)
        quick_vote(server, dots_workshop, "dots", scanner, open_page)
        quick_vote(server, approval_workshop, "approval", scanner, open_page)
    except BaseException:
        print(f"--- log of the server on port {server.port} ---\n{server.log()[-6000:]}")
        raise
    finally:
        for context in contexts:
            context.close()
        server.stop()
        scanner.write_report(REPORT_PATH)
    yield scanner


@pytest.fixture(scope="module")
def scans(scanner: Scanner) -> dict[str, list[Violation]]:
    return scanner.found


def join(page: Page, server: CocreateServer, code: str, name: str) -> None:
    page.goto(f"{server.base_url}/j/{code}")
    page.fill("#name", name)
    page.click("#join-form button[type=submit]")
    expect(page.locator("#where")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-connected", "yes")


def in_phase(page: Page, phase: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-phase", phase)


def whole_workshop(
    server: CocreateServer, workshop: ImportedWorkshop, scanner: Scanner, open_page: Any
) -> None:
    base = server.base_url
    visitor = open_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    visitor.goto(base + "/")
    expect(visitor.locator("#code")).to_be_visible()
    scanner.scan("landing", visitor)
    visitor.fill("#code", "ZZZZZZ")
    visitor.click("form button[type=submit]")
    expect(visitor.locator(".message.error")).to_be_visible()
    scanner.scan("landing-unknown-code", visitor)
    visitor.goto(base + "/j/ZZZZZZ")
    expect(visitor.locator(".message")).to_contain_text("ZZZZZZ")
    scanner.scan("error-unknown-code", visitor)
    visitor.goto(f"{base}/j/{workshop.code}")
    expect(visitor.locator("#join-form")).to_be_visible()
    scanner.scan("join", visitor)
    visitor.fill("#name", "   ")  # passes `required`, refused by the server
    visitor.click("#join-form button[type=submit]")
    expect(visitor.locator("#join-error")).to_be_visible()
    scanner.scan("join-error", visitor)

    control = open_page(viewport=LAPTOP_VIEWPORT)
    control.goto(base + workshop.facilitator_path)
    projector = open_page(viewport=PROJECTOR_VIEWPORT)
    projector.goto(base + workshop.facilitator_path + "?view=present")
    for name in SEATED_PEOPLE:
        server.join(workshop.code, name)
    phones = []
    for name, viewport in PHONES:
        phone = open_page(viewport=viewport, is_mobile=True, has_touch=True)
        join(phone, server, workshop.code, name)
        phones.append(phone)
    everyone = len(SEATED_PEOPLE) + len(PHONES)
    for page in (control, projector):
        in_phase(page, "lobby")
        expect(page.locator("#joined-count")).to_contain_text(str(everyone))
        page.wait_for_function(
            "() => { const i = document.getElementById('join-qr');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
    expect(phones[0].locator("button[data-volunteer]").first).to_be_visible()
    scanner.scan("facilitator-lobby", control)
    control.click("#help-toggle")
    expect(control.locator("#help-close")).to_be_focused()
    scanner.scan("facilitator-shortcuts-help", control)
    control.keyboard.press("Escape")
    expect(control.locator("#help")).to_be_hidden()
    scanner.facts["focus after closing the help"] = control.evaluate(
        "() => document.activeElement ? document.activeElement.id || document.activeElement.tagName"
        " : 'none'"
    )
    scanner.scan("projector-lobby", projector)
    scanner.scan("phone-lobby", phones[0])

    # Round 1, with a note on every phone so the notes list shows its edit tools.
    control.click("button[data-event=start_round]")
    for page in (control, projector):
        expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d+:\d{2}$"))
    for index, phone in enumerate(phones):
        expect(phone.locator("#instruction .timer")).to_be_visible()
        phone.locator("#field-choice input").last.check()
        phone.fill("#note-text", f"Udfordring nummer {index + 1}: uklart mandat i teamet")
        phone.click("#note-submit")
        expect(phone.locator("#notes-list .note")).to_have_count(1)
    for page in (control, projector):
        expect(page.locator("#wall .wall-note")).to_have_count(len(phones))
    scanner.scan("facilitator-round-running", control)
    control.locator("#people summary").click()
    expect(control.locator("#people select").first).to_be_visible()
    scanner.scan("facilitator-round-running-people-open", control)
    scanner.scan("projector-round-running", projector)
    scanner.scan("phone-round-running", phones[0])
    scanner.facts["live region around the phone's countdown"] = (
        phones[0]
        .locator("#instruction .timer")
        .evaluate(
            "el => { const r = el.closest('[aria-live]');"
            " return r ? r.getAttribute('aria-live') : 'none'; }"
        )
    )
    phones[0].click("#notes-list button[data-action=edit]")
    expect(phones[0].locator("#notes-list textarea")).to_be_focused()
    scanner.scan("phone-round-running-editing-note", phones[0])
    phones[0].click("#notes-list button[data-action=cancel]")

    control.click("button[data-event=end_round]")
    for page in (control, projector):
        expect(page.locator("#countdown")).to_have_count(0)
        expect(page.locator("#board")).to_be_visible()
    for phone in phones:
        expect(phone.locator("#instruction .timer")).to_have_count(0)
    scanner.scan("facilitator-between-rounds", control)
    scanner.scan("projector-between-rounds", projector)
    scanner.scan("phone-between-rounds", phones[0])

    # The shortlist: two notes from the tables and one in the facilitator's words.
    control.click("button[data-event=begin_consolidation]")
    for page in [control, projector, *phones]:
        in_phase(page, "consolidation")
    control.locator(".candidate button[data-add-note]").first.click()
    expect(control.locator("#shortlist .shortlist-item")).to_have_count(1)
    control.locator(".candidate button[data-add-note]").first.click()
    expect(control.locator("#shortlist .shortlist-item")).to_have_count(2)
    control.fill("#own-text", "Styregruppen skal følge op hvert kvartal")
    control.click("#add-own button")
    expect(control.locator("#shortlist .shortlist-item")).to_have_count(3)
    expect(projector.locator("#shortlist .shortlist-item")).to_have_count(3)
    scanner.scan("facilitator-shortlist", control)
    for ballot_type, limit in (("dots", "#points-budget"), ("approval", "#approvals-max")):
        control.select_option("#ballot-type", ballot_type)
        expect(control.locator(limit)).to_be_visible()
        scanner.scan(f"facilitator-shortlist-{ballot_type}-settings", control)
    control.select_option("#ballot-type", "ranking")
    expect(control.locator("#ballot-method")).to_be_visible()
    scanner.scan("projector-shortlist", projector)
    expect(phones[0].locator("#notes-panel")).to_be_visible()
    scanner.scan("phone-shortlist", phones[0])

    control.click("button[data-event=open_vote]")
    for page in (control, projector):
        expect(page.locator("#turnout")).to_be_visible()
    for phone in phones:
        expect(phone.locator("#ballot-panel ol.ballot li")).to_have_count(3)
    scanner.scan("facilitator-voting", control)
    scanner.scan("projector-voting", projector)
    scanner.scan("phone-voting-ranking", phones[0])
    phones[0].click("#ballot-panel button[data-move=down][data-index='0']")
    phones[0].click("#cast")
    expect(phones[0].locator("#cast-confirm")).to_be_focused()
    scanner.scan("phone-voting-ranking-confirm", phones[0])
    for phone in phones:
        if not phone.locator("#cast-confirm").count():
            phone.click("#cast")
        phone.click("#cast-confirm")
        expect(phone.locator("#ballot-done")).to_be_visible()
    expect(phones[0].locator("#receipt")).to_be_visible()
    scanner.scan("phone-voted", phones[0])

    control.click("button[data-event=close_vote]")
    for page in (control, projector):
        expect(page.locator("#ranking li")).to_have_count(3)
    expect(control.locator("#download-csv")).to_be_visible()
    expect(phones[0].locator("#results-panel ol.results-list li")).to_have_count(3)
    scanner.scan("facilitator-results", control)
    scanner.scan("projector-results", projector)
    scanner.scan("phone-results", phones[0])
    phones[0].click("#ballot-box-link")
    expect(phones[0].locator("#ballot-box li")).to_have_count(len(phones))
    scanner.scan("ballot-box", phones[0])


def quick_vote(
    server: CocreateServer,
    workshop: ImportedWorkshop,
    ballot_type: str,
    scanner: Scanner,
    open_page: Any,
) -> None:
    """Lobby, one short round, two challenges in the facilitator's words, the vote open."""
    control = open_page(viewport=LAPTOP_VIEWPORT)
    control.goto(server.base_url + workshop.facilitator_path)
    phone = open_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    join(phone, server, workshop.code, "Karen Bøgh")
    expect(control.locator("#joined-count")).to_contain_text("1")
    control.click("button[data-event=start_round]")
    expect(control.locator("#countdown")).to_be_visible()
    control.click("button[data-event=end_round]")
    expect(control.locator("button[data-event=begin_consolidation]")).to_be_visible()
    control.click("button[data-event=begin_consolidation]")
    in_phase(control, "consolidation")
    for count, text in enumerate(
        ["Beboerne kender ikke den økonomiske rådgivning", "For få frivillige i Maglehøj"],
        start=1,
    ):
        control.fill("#own-text", text)
        control.click("#add-own button")
        expect(control.locator("#shortlist .shortlist-item")).to_have_count(count)
    control.select_option("#ballot-type", ballot_type)
    expect(control.locator("#ballot-type")).to_have_value(ballot_type)
    control.click("button[data-event=open_vote]")
    in_phase(phone, "voting")
    expect(phone.locator("#ballot-panel ul.ballot li")).to_have_count(2)
    scanner.scan(f"phone-voting-{ballot_type}", phone)
    if ballot_type == "dots":
        phone.locator("#ballot-panel button[data-dot=add]").first.click()
    else:
        phone.locator("#ballot-panel input[data-approve]").first.check()
    phone.click("#cast")
    expect(phone.locator("#cast-confirm")).to_be_focused()
    scanner.scan(f"phone-voting-{ballot_type}-confirm", phone)


# --- the checks -------------------------------------------------------------------------------


def test_every_page_and_phase_was_scanned(scans: dict[str, list[Violation]]) -> None:
    assert list(scans) == PAGES


@pytest.mark.parametrize("page_name", PAGES)
def test_no_serious_or_critical_violations(
    scans: dict[str, list[Violation]], page_name: str
) -> None:
    violations = scans[page_name]
    blocking = [v for v in violations if v.impact in BLOCKING_IMPACTS or v.rule in ALWAYS_REQUIRED]
    assert not blocking, (
        f"{page_name}: {len(blocking)} serious or critical axe violation(s). "
        f"Everything axe found on this page:\n{describe_all(violations)}"
    )


def test_the_phone_countdown_is_not_read_aloud_every_second(scanner: Scanner) -> None:
    assert scanner.facts["live region around the phone's countdown"] in ("off", "none")


def test_closing_the_shortcuts_help_gives_the_focus_back(scanner: Scanner) -> None:
    assert scanner.facts["focus after closing the help"] == "help-toggle"
