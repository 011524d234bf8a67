"""Every screen in Danish and in English, on two phone sizes and the 1920 x 1080 projector.

One workshop from the Halsnæs sample plan is played from the lobby to the results while a
Danish and an English set of devices watch it: a 390 x 844 and a 360 x 640 phone, the
projector view and the facilitator's control view. Two more workshops reach the vote quickly
so the dots and approval ballots are seen too. Screenshots go to
`test-artifacts/screenshots/lang-{da,en}-...png`.

What is checked, per language: the words (html lang, "Runde 1 af 4" / "Round 1 of 4", "Afgiv
min stemme" / "Cast my vote", ...), and on every phone page: every visible button, link and
form control is at least 44 x 44 CSS px (a checkbox or radio counts together with its label;
a link inside a paragraph of text is exempt), no button's text overflows it, nothing is wider
than the screen, and after scrolling to the bottom the instruction (#instruction) still shows
at the top. Layout problems are collected over the whole run and reported together at the end,
so one too-small button does not hide the screenshots of the phases after it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
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

pytestmark = [pytest.mark.browser, pytest.mark.server]

PLAN_FILE = SESSIONS_DIR / "halsnaes-aarskonference.toml"
LANGUAGES = ("da", "en")
MIN_TAP_PX = 44
ROUNDS = 4

# The words each language must show, by what they are.
WORDS: dict[str, dict[str, str]] = {
    "da": {
        "home table": "Dit eget bord",
        "round 1": "Runde 1 af 4",
        "round 2": "Runde 2 af 4",
        "table": "Bord",
        "all done": "Alle runder er færdige",
        "choosing": "Udfordringerne vælges",
        "time to vote": "Tid til at stemme",
        "cast": "Afgiv min stemme",
        "confirm": "Ja, afgiv min stemme",
        "counted": "Din stemme er talt med.",
        "ranking": "Rangordning",
        "vote on phone": "Stem på din telefon",
        "result": "Resultat",
        "joined": "er med",
        "who goes where": "Hvem går hvorhen",
        "spread points": "Fordel dine point",
        "choose up to": "Vælg op til",
        "join button": "Deltag i workshoppen",
        "ballot box": "Stemmeurne",
    },
    "en": {
        "home table": "Your home table",
        "round 1": "Round 1 of 4",
        "round 2": "Round 2 of 4",
        "table": "Table",
        "all done": "All rounds are done",
        "choosing": "Choosing the challenges",
        "time to vote": "Time to vote",
        "cast": "Cast my vote",
        "confirm": "Yes, cast my vote",
        "counted": "Your ballot is counted.",
        "ranking": "Ranking",
        "vote on phone": "Vote on your phone",
        "result": "Result",
        "joined": "joined",
        "who goes where": "Who goes where",
        "spread points": "Spread your points",
        "choose up to": "Choose up to",
        "join button": "Join the workshop",
        "ballot box": "Ballot box",
    },
}

SEATED_PEOPLE = [
    "Birgitte Holm",
    "Jens Ærenlund",
    "Karen Bøgh",
    "Ole Kjær",
    "Pia Lundgård",
    "Rasmus Vang",
    "Tove Friis",
    "Niels Dæhlin",
]
PHONE_NAMES = {
    ("da", "390x844"): "Søren Kjærgård",
    ("da", "360x640"): "Åse Østby",
    ("en", "390x844"): "Mads Brønd",
    ("en", "360x640"): "Marie-Louise Vestergaard Kristiansen",  # a long name on a small phone
}
PHONE_SIZES = {"390x844": PHONE_VIEWPORT, "360x640": SMALL_PHONE_VIEWPORT}
NOTES = [
    "Mandatet i indsatsteamene er uklart, og det gør det svært at prioritere opgaverne",
    "For få frivillige i Maglehøj",
    "Beboerne kender ikke den økonomiske rådgivning",
    "Skolerne mangler tid til samarbejdet med familierne",
]
OWN_CHALLENGE = "Styregruppen skal følge op på handlingskortene hvert kvartal"

# Interactive things a finger has to hit.
TAP_TARGETS = "button, a[href], input:not([type=hidden]), select, textarea, summary"
# A link that is part of a sentence, and a checkbox or radio measured with its label.
TAP_TARGET_KIND = """el => {
    if (el.matches('a') && getComputedStyle(el).display === 'inline' && el.closest('p')) {
        return {kind: 'inline-link'};
    }
    if (el.matches('input[type=checkbox], input[type=radio]')) {
        const labels = [...el.labels].map(l => l.getBoundingClientRect());
        const boxes = [el.getBoundingClientRect(), ...labels];
        const left = Math.min(...boxes.map(b => b.left)), top = Math.min(...boxes.map(b => b.top));
        const right = Math.max(...boxes.map(b => b.right));
        const bottom = Math.max(...boxes.map(b => b.bottom));
        return {kind: 'with-label', width: right - left, height: bottom - top};
    }
    return {kind: 'plain'};
}"""
OVERFLOWING_BUTTONS = """() => [...document.querySelectorAll('button, .button')]
    .filter(b => b.offsetParent !== null && (b.scrollWidth > b.clientWidth + 1
                                              || b.scrollHeight > b.clientHeight + 1))
    .map(b => b.outerHTML.slice(0, 120))"""
# Text on the projector that the back of the room (15 m) cannot read.
MIN_PROJECTOR_TEXT_PX = 20
SMALL_PROJECTOR_TEXT = """min => [...document.querySelectorAll('#stage *')]
    .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
                  && el.getClientRects().length
                  && el.getBoundingClientRect().top < innerHeight
                  && parseFloat(getComputedStyle(el).fontSize) < min)
    .map(el => getComputedStyle(el).fontSize + ' ' + el.outerHTML.slice(0, 80))"""
PAGE_WIDER_THAN_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .slice(0, 5).map(el => el.outerHTML.slice(0, 120));
}"""


@dataclass
class Device:
    language: str
    kind: str  # phone-390x844, phone-360x640, projector, control
    page: Page

    @property
    def is_phone(self) -> bool:
        return self.kind.startswith("phone")


@dataclass
class Screens:
    folder: Path
    devices: list[Device]
    problems: list[str] = field(default_factory=list)
    taken: int = 0

    def of(self, language: str, kind: str) -> Page:
        return next(d.page for d in self.devices if d.language == language and d.kind == kind)

    def phones(self, language: str | None = None) -> list[Device]:
        return [d for d in self.devices if d.is_phone and language in (None, d.language)]

    def phase(self, name: str, devices: list[Device] | None = None) -> None:
        """Screenshot every device and check the layout of the phones."""
        self.taken += 1
        for device in devices or self.devices:
            self.shoot(device, f"{self.taken:02d}-{name}")

    def shoot(self, device: Device, name: str) -> None:
        page = device.page
        path = self.folder / f"lang-{device.language}-{name}-{device.kind}.png"
        label = f"{device.language} {name} {device.kind}"
        expect(page.locator("html")).to_have_attribute("lang", device.language)
        page.evaluate("window.scrollTo(0, 0)")
        if device.kind == "projector":
            page.screenshot(path=path)  # what the room sees: the 1920 x 1080 screen only
            self.problems += [
                f"{label}: text under {MIN_PROJECTOR_TEXT_PX} px: {e}"
                for e in page.evaluate(SMALL_PROJECTOR_TEXT, MIN_PROJECTOR_TEXT_PX)
            ]
        else:
            page.screenshot(path=path, full_page=True)
        self.problems += [
            f"{label}: wider than the screen: {e}" for e in page.evaluate(PAGE_WIDER_THAN_SCREEN)
        ]
        self.problems += [
            f"{label}: text overflows the button: {e}" for e in page.evaluate(OVERFLOWING_BUTTONS)
        ]
        if device.is_phone:
            self.problems += tap_target_problems(page, label)
            self.problems += instruction_stays_on_top(
                page, label, path.with_name(path.name.replace(".png", "-scrolled.png"))
            )


def tap_target_problems(page: Page, label: str) -> list[str]:
    problems = []
    for element in page.locator(TAP_TARGETS).all():
        if not element.is_visible():
            continue
        box = element.bounding_box()
        if box is None or (box["width"] >= MIN_TAP_PX and box["height"] >= MIN_TAP_PX):
            continue
        kind: dict[str, Any] = element.evaluate(TAP_TARGET_KIND)
        if kind["kind"] == "inline-link":
            continue
        if kind["kind"] == "with-label":
            box = {"width": kind["width"], "height": kind["height"]}
            if box["width"] >= MIN_TAP_PX and box["height"] >= MIN_TAP_PX:
                continue
        html = element.evaluate("el => el.outerHTML.slice(0, 100)")
        problems.append(
            f"{label}: tap target {box['width']:.0f} x {box['height']:.0f} px < "
            f"{MIN_TAP_PX}: {html}"
        )
    return problems


def instruction_stays_on_top(page: Page, label: str, scrolled_png: Path) -> list[str]:
    """Scrolled to the bottom, the phone still says where to be, at the top of the screen."""
    instruction = page.locator("#instruction")
    if not instruction.count():
        return []  # a page without the instruction (landing, join, ballot box)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(
        "() => window.scrollY + innerHeight >= document.documentElement.scrollHeight - 1"
    )
    page.screenshot(path=scrolled_png)
    box = instruction.bounding_box()
    viewport = page.viewport_size
    page.evaluate("window.scrollTo(0, 0)")
    assert viewport is not None
    if box is None or not 0 <= box["y"] <= 1 or box["height"] <= 0:
        return [f"{label}: #instruction is not at the top after scrolling: {box}"]
    if box["y"] + box["height"] > viewport["height"]:
        return [f"{label}: #instruction is taller than the screen ({box['height']:.0f} px)"]
    if page.locator("#note-text").is_visible() and box["height"] > viewport["height"] / 2:
        # While notes are written the form must stay usable below the sticky instruction.
        return [
            f"{label}: #instruction covers more than half the screen while notes are "
            f"written ({box['height']:.0f} of {viewport['height']} px)"
        ]
    return []


# --- the run ----------------------------------------------------------------------------------


def test_every_screen_in_danish_and_english(
    browser: Browser, start_server: StartServer, screenshots_dir: Path
) -> None:
    server, workshop = start_server(PLAN_FILE)
    base = server.base_url
    devices: list[Device] = []
    for language in LANGUAGES:
        for kind, path in (("control", ""), ("projector", "?view=present")):
            page = new_context(browser, language=language, viewport=PROJECTOR_VIEWPORT).new_page()
            page.goto(base + workshop.facilitator_path + path)
            devices.append(Device(language, kind, page))
    screens = Screens(screenshots_dir, devices)
    control = screens.of("en", "control")

    before_joining(browser, server, workshop, screens)
    for name in SEATED_PEOPLE:
        server.join(workshop.code, name)
    for (language, size), name in PHONE_NAMES.items():
        page = new_context(
            browser,
            language=language,
            viewport=PHONE_SIZES[size],
            is_mobile=True,
            has_touch=True,
        ).new_page()
        page.goto(f"{base}/j/{workshop.code}")
        page.fill("#name", name)
        page.click("#join-form button[type=submit]")
        expect(page.locator("body")).to_have_attribute("data-connected", "yes")
        devices.append(Device(language, f"phone-{size}", page))

    everyone = len(SEATED_PEOPLE) + len(PHONE_NAMES)
    for language in LANGUAGES:
        words = WORDS[language]
        for kind in ("control", "projector"):
            expect(screens.of(language, kind).locator("#joined-count")).to_have_text(
                f"{everyone} {words['joined']}"
            )
        for phone in screens.phones(language):
            expect(phone.page.locator("#instruction")).to_contain_text(words["home table"])
            expect(phone.page.locator("#where")).to_contain_text(f"{words['table']} ")
    host = screens.phones("da")[0].page
    host.locator("button[data-volunteer=host]").click()
    expect(host.locator("button[data-volunteer=host]")).to_have_count(0)
    for language in LANGUAGES:
        screens.of(language, "projector").wait_for_function(
            "() => { const i = document.getElementById('join-qr');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
    screens.phase("lobby")
    whole_on_projector(screens, "#join-qr", "#join-code", "#joined-count")

    for number in range(1, ROUNDS + 1):
        control.click("button[data-event=start_round]")
        for language in LANGUAGES:
            words = WORDS[language]
            round_words = words.get(f"round {number}")
            for kind in ("control", "projector"):
                page = screens.of(language, kind)
                expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d+:\d{2}$"))
                if round_words:
                    expect(page.locator("#stage .eyebrow")).to_have_text(round_words)
            for phone in screens.phones(language):
                expect(phone.page.locator("#instruction .timer")).to_be_visible()
                if round_words:
                    expect(phone.page.locator("#instruction")).to_contain_text(round_words)
        if number == 1:
            for index, phone in enumerate(screens.phones()):
                add_note(phone.page, NOTES[index])
            for language in LANGUAGES:
                expect(screens.of(language, "projector").locator("#wall .wall-note")).to_have_count(
                    len(NOTES)
                )
        if number in (1, 2):
            screens.phase(f"round-{number}")
            whole_on_projector(screens, "#stage .eyebrow", "#countdown", "#board")
        control.click("button[data-event=end_round]")
        for language in LANGUAGES:
            for phone in screens.phones(language):
                expect(phone.page.locator("#instruction .timer")).to_have_count(0)
            if number < ROUNDS:
                expect(screens.of(language, "projector").locator("#stage")).to_contain_text(
                    WORDS[language]["who goes where"]
                )
        if number == 1:
            screens.phase("after-round-1")
    for language in LANGUAGES:
        for phone in screens.phones(language):
            expect(phone.page.locator("#where")).to_have_text(WORDS[language]["all done"])
    screens.phase("after-last-round")

    control.click("button[data-event=begin_consolidation]")
    for index in range(2):
        control.locator(".candidate button[data-add-note]").first.click()
        expect(control.locator("#shortlist .shortlist-item")).to_have_count(index + 1)
    control.fill("#own-text", OWN_CHALLENGE)
    control.click("#add-own button")
    expect(control.locator("#shortlist .shortlist-item")).to_have_count(3)
    for language in LANGUAGES:
        expect(screens.of(language, "projector").locator("#shortlist li")).to_have_count(3)
        for phone in screens.phones(language):
            expect(phone.page.locator("#where")).to_have_text(WORDS[language]["choosing"])
    screens.phase("shortlist")

    control.click("button[data-event=open_vote]")
    for language in LANGUAGES:
        words = WORDS[language]
        expect(screens.of(language, "projector").locator("#stage h1")).to_have_text(
            words["vote on phone"]
        )
        for phone in screens.phones(language):
            expect(phone.page.locator("#where")).to_have_text(words["time to vote"])
            expect(phone.page.locator("#cast")).to_have_text(words["cast"])
    screens.phase("vote-open")
    whole_on_projector(screens, "#turnout", "#stage .shortlist")
    for phone in screens.phones():
        phone.page.locator("#ballot-panel button[data-move=down]").first.click()
        phone.page.click("#cast")
        expect(phone.page.locator("#cast-confirm")).to_have_text(WORDS[phone.language]["confirm"])
    screens.phase("vote-confirm", screens.phones())
    for phone in screens.phones():
        phone.page.click("#cast-confirm")
        expect(phone.page.locator("#ballot-done")).to_have_text(WORDS[phone.language]["counted"])
    for language in LANGUAGES:
        expect(screens.of(language, "projector").locator("#turnout")).to_have_text(
            re.compile(rf"^{len(PHONE_NAMES)} \w+ {everyone} ")
        )
    screens.phase("voted")

    control.click("button[data-event=close_vote]")
    for language in LANGUAGES:
        words = WORDS[language]
        projector = screens.of(language, "projector")
        expect(projector.locator("#stage h1")).to_have_text(words["result"])
        expect(projector.locator("#ranking li")).to_have_count(3)
        for phone in screens.phones(language):
            expect(phone.page.locator("#results-panel h2")).to_have_text(words["ranking"])
    screens.phase("results")
    whole_on_projector(screens, "#ranking")
    for phone in screens.phones():
        phone.page.click("#ballot-box-link")
        expect(phone.page.locator("#ballot-box li")).to_have_count(len(PHONE_NAMES))
        expect(phone.page.locator("h1")).to_contain_text(WORDS[phone.language]["ballot box"])
    screens.phase("ballot-box", screens.phones())

    for ballot_type in ("dots", "approval"):
        other_ballot(browser, server, ballot_type, screens)

    assert not screens.problems, (
        f"{len(screens.problems)} layout problem(s) on the screens:\n" + "\n".join(screens.problems)
    )


def whole_on_projector(screens: Screens, *selectors: str) -> None:
    """What the room must see is on the 1920 x 1080 screen, not below it."""
    for language in LANGUAGES:
        projector = screens.of(language, "projector")
        for selector in selectors:
            expect(projector.locator(selector)).to_be_in_viewport(ratio=1)


def add_note(page: Page, text: str) -> None:
    page.locator("#field-choice input").last.check()
    page.fill("#note-text", text)
    page.click("#note-submit")
    expect(page.locator("#notes-list .note", has_text=text)).to_have_count(1)


def before_joining(
    browser: Browser, server: CocreateServer, workshop: ImportedWorkshop, screens: Screens
) -> None:
    """The start page, the join form with and without an error, an unknown code."""
    for language in LANGUAGES:
        for size, viewport in PHONE_SIZES.items():
            page = new_context(
                browser, language=language, viewport=viewport, is_mobile=True, has_touch=True
            ).new_page()
            device = Device(language, f"phone-{size}", page)
            page.goto(server.base_url + "/")
            expect(page.locator("#code")).to_be_visible()
            screens.shoot(device, "00-landing")
            page.fill("#code", "ZZZZZZ")
            page.click("form button[type=submit]")
            expect(page.locator(".message.error")).to_contain_text("ZZZZZZ")
            screens.shoot(device, "00-landing-unknown-code")
            page.goto(f"{server.base_url}/j/{workshop.code}")
            expect(page.locator("#join-form button[type=submit]")).to_have_text(
                WORDS[language]["join button"]
            )
            screens.shoot(device, "00-join")
            page.fill("#name", "   ")
            page.click("#join-form button[type=submit]")
            expect(page.locator("#join-error")).to_be_visible()
            screens.shoot(device, "00-join-error")
            page.goto(f"{server.base_url}/j/ZZZZZZ")
            expect(page.locator(".message")).to_contain_text("ZZZZZZ")
            screens.shoot(device, "00-error-unknown-code")
            page.context.close()


def other_ballot(
    browser: Browser, server: CocreateServer, ballot_type: str, screens: Screens
) -> None:
    """A second workshop straight to the vote with another ballot, on all four phones."""
    workshop = server.import_plan(PLAN_FILE)
    control = new_context(browser, viewport=PROJECTOR_VIEWPORT).new_page()
    control.goto(server.base_url + workshop.facilitator_path)
    phones = []
    for (language, size), name in PHONE_NAMES.items():
        page = new_context(
            browser,
            language=language,
            viewport=PHONE_SIZES[size],
            is_mobile=True,
            has_touch=True,
        ).new_page()
        page.goto(f"{server.base_url}/j/{workshop.code}")
        page.fill("#name", name)
        page.click("#join-form button[type=submit]")
        expect(page.locator("body")).to_have_attribute("data-connected", "yes")
        phones.append(Device(language, f"phone-{size}", page))
    control.click("button[data-event=start_round]")
    expect(control.locator("#countdown")).to_be_visible()
    control.click("button[data-event=end_round]")
    control.click("button[data-event=begin_consolidation]")
    expect(control.locator("body")).to_have_attribute("data-phase", "consolidation")
    for count, text in enumerate(NOTES[:3], start=1):
        control.fill("#own-text", text)
        control.click("#add-own button")
        expect(control.locator("#shortlist .shortlist-item")).to_have_count(count)
    control.select_option("#ballot-type", ballot_type)
    expect(control.locator("#ballot-type")).to_have_value(ballot_type)
    control.click("button[data-event=open_vote]")
    heading = "spread points" if ballot_type == "dots" else "choose up to"
    for phone in phones:
        expect(phone.page.locator("#ballot-heading")).to_contain_text(
            WORDS[phone.language][heading]
        )
        expect(phone.page.locator("#cast")).to_have_text(WORDS[phone.language]["cast"])
        if ballot_type == "dots":
            phone.page.locator("#ballot-panel button[data-dot=add]").first.click()
        else:
            phone.page.locator("#ballot-panel input[data-approve]").first.check()
    screens.phase(f"vote-{ballot_type}", phones)
    for phone in phones:
        phone.page.context.close()
    control.context.close()
