"""The projector and the facilitator's lobby with a full room: 5 tables, 18 people with long
Danish names, 12 long notes at every table. A projector cannot scroll, so everything the
room must read fits the 1920 x 1080 screen, whole; a badge stays on one line; an outage
reads as a short "Reconnecting…". On the control view the lobby warns about tables without
a host or a note-taker, and changing a role keeps the keyboard focus where it was.

Screenshots go to `test-artifacts/screenshots/projector-*.png`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import (
    PHONE_VIEWPORT,
    PROJECTOR_VIEWPORT,
    SMALL_PHONE_VIEWPORT,
    CocreateServer,
    StartServer,
    new_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

LANGUAGES = ("da", "en")
TABLES = [
    ("Udsatte boligområder og tryghed", "Færre udsættelser og mere tryghed i opgangene"),
    ("Børn, unge og fritidsfællesskaber", "Flere unge i foreningslivet og i fritidsjob"),
    ("Sundhed, trivsel og forebyggelse", "Trivsel i boligområdet og færre ensomme ældre"),
    ("Beskæftigelse og uddannelsesparathed", "Flere i job og uddannelse efter grundskolen"),
    ("Frivillighed og medborgerskab", "Frivillige, lokalråd og foreninger som medskabere"),
]
ROUNDS = 5
NAMES = [
    "Marie-Louise Vestergaard Kristiansen",
    "Søren Kjærgård Østergaard",
    "Åse Østby Mikkelsen",
    "Birgitte Holm Rasmussen",
    "Jens Ærenlund Frederiksen",
    "Karen Bøgh Christiansen",
    "Ole Kjær Vindeløv",
    "Pia Lundgård Sørensen",
    "Rasmus Vang Thygesen",
    "Tove Friis Abildgaard",
    "Niels Dæhlin Bjerregaard",
    "Hanne Skovgaard Møller",
    "Anders Bøje Højgaard",
    "Mette Frølund Damgaard",
    "Kasper Løvenskiold Nørgaard",
    "Lise-Lotte Ravnsbæk Ågesen",
    "Morten Kjeldsen Brøndum",
    "Ida Schrøder Hvidtfeldt",
]
NOTES_PER_TABLE = 12
LOBBY_WARNING = {
    "da": "Endnu ikke valgt: Bordformand, Referent / tidtager",
    "en": "Not chosen yet: Bordformand, Referent / tidtager",
}
MEMBER = {"da": "Deltager", "en": "Member"}
PLAN_LINE = {"da": "Bordplan", "en": "Seating plan"}
RECONNECTING = {"da": "Forbinder igen …", "en": "Reconnecting…"}
MIN_PLAN_LINE_PX = 20
NOTE_TEXTS = [
    "Mandatet i indsatsteamene er uklart, og det gør det svært at prioritere opgaverne mellem "
    "boligsociale medarbejdere, skolerne og kommunens familieafdeling",
    "For få frivillige i Maglehøj og Vinderød, især om aftenen og i weekenderne, når "
    "behovet for voksne rollemodeller er størst",
    "Beboerne kender ikke den økonomiske rådgivning, og informationen når ikke frem til dem, "
    "der ikke læser dansk",
    "Skolerne mangler tid og faste kontaktpersoner til samarbejdet med familierne i boligområderne",
]
PLAN = """
[workshop]
title = "Årskonference om de boligsociale helhedsplaner – fra mandat til handling"
language = "da"

[roles]
host = "Bordformand"
notetaker = "Referent / tidtager"

{tables}
{rounds}
[[fields]]
key = "challenges"
label = "Udfordringer"

[vote]
shortlist_size = 7
method = "schulze"
ballot = "ranking"
min_ballots = 3
challenge_field = "challenges"
"""

# Everything on the stage inside the screen: the page does not scroll, and no element with
# text reaches past the bottom or the right edge.
OVERFLOW = """() => {
    const out = [];
    const root = document.documentElement;
    if (root.scrollHeight > innerHeight + 1) out.push('page is ' + root.scrollHeight + ' px tall');
    if (root.scrollWidth > innerWidth + 1) out.push('page is ' + root.scrollWidth + ' px wide');
    for (const el of document.querySelectorAll('#stage *')) {
        if (!el.getClientRects().length) continue;
        const box = el.getBoundingClientRect();
        if (box.bottom > innerHeight + 1 || box.right > innerWidth + 1) {
            out.push(Math.round(box.bottom) + ' ' + el.outerHTML.slice(0, 90));
        }
    }
    for (const card of document.querySelectorAll('#stage .table-card')) {
        if (card.scrollWidth > card.clientWidth + 1) {
            out.push('text spills out of ' + card.outerHTML.slice(0, 90));
        }
    }
    return out.slice(0, 8);
}"""
# A badge ("Referent") that breaks across lines has more than one line box.
BROKEN_BADGES = """() => [...document.querySelectorAll('#stage .tag')]
    .filter(el => el.getClientRects().length > 1
                  || el.getBoundingClientRect().height
                     > 1.8 * parseFloat(getComputedStyle(el).fontSize))
    .map(el => el.textContent)"""


def plan_file(folder: Path) -> Path:
    tables = "".join(f'[[tables]]\nname = "{n}"\ntopic = "{t}"\n\n' for n, t in TABLES)
    rounds = "".join(
        f'[[rounds]]\ntitle = "Runde {n} – på besøg ved et nyt bord"\n'
        f'prompt = "Hvad skal der til, for at forslagene ved dette bord lykkes i runde {n}?"\n'
        "minutes = 15\n\n"
        for n in range(1, ROUNDS + 1)
    )
    path = folder / "projector.toml"
    path.write_text(PLAN.format(tables=tables, rounds=rounds), encoding="utf-8")
    return path


class Driver:
    """A python-socketio connection: the facilitator's hands, or a phone."""

    def __init__(self, server: CocreateServer, auth: dict[str, str], http: Any = None) -> None:
        self.client = socketio.Client(http_session=http or requests.Session(), reconnection=False)
        self.client.connect(server.base_url, auth=auth, wait_timeout=10)

    def act(self, event: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.client.call(event, payload or {}, timeout=10)
        assert isinstance(answer, dict) and answer.get("ok"), (event, answer)
        return answer


@pytest.fixture
def drivers() -> Iterator[list[Driver]]:
    opened: list[Driver] = []
    yield opened
    for driver in opened:
        driver.client.disconnect()


def projector_problems(page: Page) -> list[str]:
    return [
        *page.evaluate(OVERFLOW),
        *(f"badge on two lines: {b}" for b in page.evaluate(BROKEN_BADGES)),
    ]


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"projector-{name}.png")


class Problems(list[str]):
    """What went wrong, gathered over the whole run so one failure does not hide the rest."""

    @contextmanager
    def noted(self, label: str) -> Iterator[None]:
        try:
            yield
        except AssertionError as error:
            self.append(f"{label}: {str(error).splitlines()[0]}")

    def projector(self, label: str, page: Page) -> None:
        self.extend(f"{label}: {p}" for p in projector_problems(page))


def on_small_screens(page: Page, folder: Path, name: str) -> None:
    """The control view on a phone or a small tablet, the whole page, to look at."""
    for size, viewport in (("390x844", PHONE_VIEWPORT), ("360x640", SMALL_PHONE_VIEWPORT)):
        page.set_viewport_size(viewport)
        page.evaluate("window.scrollTo(0, 0)")
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": 3 * viewport["height"]}
        page.screenshot(path=folder / f"projector-{name}-{size}.png", full_page=True, clip=clip)
    page.set_viewport_size(PROJECTOR_VIEWPORT)


def test_a_full_room_fits_the_projector(
    browser: Browser,
    start_server: StartServer,
    drivers: list[Driver],
    screenshots_dir: Path,
    tmp_path: Path,
) -> None:
    server, workshop = start_server(plan_file(tmp_path))
    sessions = [server.join(workshop.code, name) for name in NAMES]
    facilitator = Driver(server, {"code": workshop.code, "key": workshop.facilitator_key})
    drivers.append(facilitator)
    problems = Problems()
    projectors, controls = {}, {}
    for language in LANGUAGES:
        for _kind, pages, query in (
            ("projector", projectors, "?view=present"),
            ("control", controls, ""),
        ):
            page = new_context(browser, language=language, viewport=PROJECTOR_VIEWPORT).new_page()
            page.goto(server.base_url + workshop.facilitator_path + query)
            pages[language] = page
    for language, page in projectors.items():
        expect(page.locator("#joined-count")).to_contain_text(str(len(NAMES)))
        page.wait_for_function(
            "() => { const i = document.getElementById('join-qr');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        shoot(page, screenshots_dir, f"{language}-lobby")
        problems.projector(f"{language} lobby", page)

    # The lobby warns about every table without a host or a note-taker, until it has both.
    people = facilitator.act("sync")["snapshot"]["participants"]
    first_table = people[0]["home_table_id"]
    host, notetaker = [p for p in people if p["home_table_id"] == first_table][:2]
    for language, page in controls.items():
        warnings = page.locator("[data-missing-roles]")
        with problems.noted(f"{language} lobby warnings"):
            expect(warnings).to_have_count(len(TABLES))
        with problems.noted(f"{language} lobby warning words"):
            expect(warnings.first).to_contain_text(LOBBY_WARNING[language])
        member = page.locator(
            f"#people-grid select[data-role-for='{host['id']}'] option[value=member]"
        )
        with problems.noted(f"{language} Member"):
            expect(member).to_have_text(MEMBER[language])
    control = controls["en"]
    role = control.locator(f"select[data-role-for='{host['id']}']")
    role.evaluate("el => { el.drawnBefore = true; el.focus(); }")
    role.select_option("host")
    control.wait_for_function(  # the answer came and the screen was drawn anew
        "id => !document.querySelector(`select[data-role-for='${id}']`).drawnBefore",
        arg=host["id"],
    )
    # The screen was drawn again with the new role: the keyboard is still on that select.
    with problems.noted("focus after a role change"):
        expect(role).to_be_focused()
    facilitator.act("set_role", {"participant_id": notetaker["id"], "role": "notetaker"})
    for language, page in controls.items():
        with problems.noted(f"{language} warning gone once the table has both"):
            expect(page.locator(f"[data-missing-roles='{first_table}']")).to_have_count(0)
        shoot(page, screenshots_dir, f"{language}-control-lobby")
        on_small_screens(page, screenshots_dir, f"{language}-control-lobby")

    facilitator.act("start_round")
    phones = [Driver(server, {"code": workshop.code}, http) for http in sessions]
    drivers.extend(phones)
    seats = [phone.act("sync")["snapshot"]["seat"]["id"] for phone in phones]
    written: dict[int, int] = {}
    for phone, seat in zip(phones * NOTES_PER_TABLE, seats * NOTES_PER_TABLE, strict=True):
        if written.get(seat, 0) >= NOTES_PER_TABLE:
            continue
        text = NOTE_TEXTS[written.get(seat, 0) % len(NOTE_TEXTS)]
        phone.act("add_note", {"client_id": str(uuid.uuid4()), "field": "challenges", "text": text})
        written[seat] = written.get(seat, 0) + 1
    assert sorted(written.values()) == [NOTES_PER_TABLE] * len(TABLES)

    for language, page in projectors.items():
        expect(page.locator("#countdown")).to_be_visible()
        expect(page.locator("#wall [data-wall-table]")).to_have_count(len(TABLES))
        shoot(page, screenshots_dir, f"{language}-round-1")
        for card in page.locator("#wall [data-wall-table]").all():  # the newest note, whole
            with problems.noted(f"{language} newest note"):
                expect(card.locator(".wall-note").last).to_be_in_viewport(ratio=1)
        with problems.noted(f"{language} board"):
            expect(page.locator("#board")).to_be_in_viewport(ratio=1)
        problems.projector(f"{language} round 1", page)
    for language, page in controls.items():
        line = page.locator("#plan-quality")
        with problems.noted(f"{language} plan line"):
            expect(line).to_contain_text(PLAN_LINE[language])
        size = line.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        if size < MIN_PLAN_LINE_PX:
            problems.append(f"{language} plan line in {size} px text")
        shoot(page, screenshots_dir, f"{language}-control-round-1")
        page.locator("#people summary").click()
        on_small_screens(page, screenshots_dir, f"{language}-control-round-1-people")

    facilitator.act("end_round")
    for language, page in projectors.items():
        expect(page.locator("#board")).to_be_visible()
        expect(page.locator("#countdown")).to_have_count(0)
        shoot(page, screenshots_dir, f"{language}-after-round-1")
        problems.projector(f"{language} after round 1", page)

    # An outage: the room reads a short "Reconnecting…", and nothing moves on the screen.
    for driver in drivers:
        driver.client.disconnect()
    drivers.clear()
    server.stop()
    for language, page in projectors.items():
        status = page.locator("#status")
        with problems.noted(f"{language} outage"):
            expect(status).to_have_text(RECONNECTING[language])
        shoot(page, screenshots_dir, f"{language}-outage")
        problems.projector(f"{language} outage", page)

    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
