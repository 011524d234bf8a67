"""Issue 11 in a real browser: a page on another port of the same host (same site, another
origin) auto-submits a form to the organiser pages, and a login cookie is used after the
account logged out or changed its password. SameSite=Lax lets the first through, so only the
form token stops it; only the session version stops the second."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import SESSIONS_DIR, CocreateServer, new_context

pytestmark = [pytest.mark.browser, pytest.mark.server]

EMAIL = "anne@kommune.dk"
PASSWORD = "en god adgangskode"
NEW_PASSWORD = "en endnu bedre adgangskode"
DESKTOP = {"width": 1280, "height": 900}
EXPIRED_DA = "Formularen er udløbet"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CocreateServer]:
    """A server with one organiser, who owns one imported workshop."""
    running = CocreateServer(tmp_path / "server")
    running.workdir.mkdir()
    running.add_organiser(EMAIL, PASSWORD)
    running.import_plan(SESSIONS_DIR / "hedensted-kernegrupper.toml")
    running.start()
    yield running
    running.stop()


@contextlib.contextmanager
def attacker_site(html: str) -> Iterator[str]:
    """Another web server on 127.0.0.1: the same site as cocreate, a different origin."""

    class AttackPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), AttackPage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def log_in(page: Page, server: CocreateServer, password: str = PASSWORD) -> None:
    page.goto(server.base_url + "/organiser/login")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password]").fill(password)
    page.locator("#login").click()
    expect(page.locator("#logout")).to_be_visible()


def test_a_same_site_page_cannot_archive_a_workshop(
    browser: Browser, server: CocreateServer, screenshots_dir: Path
) -> None:
    context = new_context(browser, language="da", viewport=DESKTOP)
    page = context.new_page()
    log_in(page, server)
    row = page.locator("tr[data-workshop]")
    expect(row).to_have_count(1)
    workshop_id = row.get_attribute("data-workshop")
    target = f"{server.base_url}/organiser/workshops/{workshop_id}/archive"
    attack = f"""<!doctype html><title>Gratis kaffe</title>
<form id="attack" method="post" action="{target}">
  <input type="hidden" name="archived" value="1">
</form>
<script>document.getElementById("attack").submit();</script>"""

    with (
        attacker_site(attack) as attacker_url,
        page.expect_response(lambda response: response.url == target) as answer,
    ):
        page.goto(attacker_url)
    assert answer.value.status == 400
    expect(page.locator("[role=alert]")).to_contain_text(EXPIRED_DA)
    page.screenshot(path=screenshots_dir / "csrf-refused.png")

    page.goto(server.base_url + "/organiser/")
    expect(page.locator(f'tr[data-workshop="{workshop_id}"]')).to_have_count(1)
    expect(page.locator(".org-archive")).to_have_count(0)  # nothing was archived

    # The organiser's own button, carrying the page's token, still works.
    page.locator(f'tr[data-workshop="{workshop_id}"] form button').click()
    expect(page.get_by_text("Arkiveret.")).to_be_visible()
    expect(page.locator(".org-archive")).to_have_count(1)
    context.close()


def test_logout_ends_a_copy_of_the_login_cookie(browser: Browser, server: CocreateServer) -> None:
    own = new_context(browser, viewport=DESKTOP)
    page = own.new_page()
    log_in(page, server)
    thief = new_context(browser, viewport=DESKTOP)
    thief.add_cookies(own.cookies())
    stolen = thief.new_page()
    stolen.goto(server.base_url + "/organiser/")
    expect(stolen.locator("#logout")).to_be_visible()  # the copy works while logged in

    page.locator("#logout").click()
    expect(page.get_by_text("You have logged out, here and on every other device.")).to_be_visible()
    stolen.goto(server.base_url + "/organiser/")
    expect(stolen.locator("#login")).to_be_visible()
    expect(stolen.locator("#logout")).to_have_count(0)
    own.close()
    thief.close()


def test_a_password_change_logs_out_the_other_browsers(
    browser: Browser, server: CocreateServer, screenshots_dir: Path
) -> None:
    laptop_context = new_context(browser, viewport=DESKTOP)
    laptop = laptop_context.new_page()
    log_in(laptop, server)
    other_context = new_context(browser, viewport=DESKTOP)
    other = other_context.new_page()
    log_in(other, server)

    laptop.locator("#change-password").click()
    laptop.get_by_label("Current password").fill(PASSWORD)
    laptop.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    laptop.get_by_label("New password again").fill(NEW_PASSWORD)
    laptop.screenshot(path=screenshots_dir / "organiser-password.png")
    laptop.locator("#save-password").click()
    expect(laptop.get_by_text("Your password has been changed.")).to_be_visible()
    expect(laptop.locator("#logout")).to_be_visible()  # the browser that changed it stays in

    other.goto(server.base_url + "/organiser/")
    expect(other.locator("#login")).to_be_visible()
    log_in(other, server, NEW_PASSWORD)
    laptop_context.close()
    other_context.close()
