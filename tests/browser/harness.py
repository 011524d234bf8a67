"""What the browser and server tests share: a `cocreate serve` subprocess on a free local
port with its own SQLite database, and how Debian's Chromium is launched."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
SESSIONS_DIR = REPO_ROOT / "sessions"
SCREENSHOTS_DIR = REPO_ROOT / "test-artifacts" / "screenshots"

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PROJECTOR_VIEWPORT = {"width": 1920, "height": 1080}
# Two common phone sizes: a modern phone and a small, older Android.
PHONE_VIEWPORT = {"width": 390, "height": 844}
SMALL_PHONE_VIEWPORT = {"width": 360, "height": 640}

UI_TIMEOUT_MS = 20_000  # how long `expect` waits for the pages
SERVER_START_TIMEOUT_S = 30.0
SERVER_STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ImportedWorkshop:
    """A workshop made by `cocreate import`, with the facilitator link it printed: the only
    time its key is known (the database keeps a hash). Tablet links are made by a facilitator
    screen (`create_tablet_link`), as in the People panel."""

    code: str
    facilitator_path: str

    @property
    def facilitator_key(self) -> str:
        return self.facilitator_path.rstrip("/").rsplit("/", 1)[-1]


class CocreateServer:
    """One `cocreate serve` process on 127.0.0.1, with its own SQLite database.

    `stop()` and `start()` may be called again to restart it on the same port and database."""

    def __init__(self, workdir: Path, worker: str = "gevent") -> None:
        self.workdir = workdir
        self.worker = worker
        self.port = free_port()
        self.database_path = workdir / "cocreate.sqlite3"
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.env = os.environ | {
            "DATABASE_URL": f"sqlite:///{self.database_path}",
            "COCREATE_SECRET_KEY": "test",
            # Every test phone joins from 127.0.0.1; the per-address join limit is for venues.
            "COCREATE_JOIN_RATE_LIMIT": "10000 per minute",
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *arguments: str) -> str:
        """Run a `cocreate` command on this server's database; returns what it printed."""
        completed = subprocess.run(
            [sys.executable, "-m", "cocreate.cli", *arguments],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    def add_organiser(self, email: str, password: str) -> None:
        self.cli("add-organiser", email, "--password", password)

    def import_plan(self, plan_file: Path) -> ImportedWorkshop:
        output = self.cli("import", str(plan_file))
        code = re.search(r"Join code: (\S+)", output)
        path = re.search(r"Facilitator path: (\S+)", output)
        assert code and path, output
        return ImportedWorkshop(code=code.group(1), facilitator_path=path.group(1))

    def start(self) -> None:
        assert self.process is None, "already running"
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cocreate.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--worker",
                self.worker,
                "--public-url",
                self.base_url,
            ],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be killed whole
        )
        log.close()
        self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"the server exited at start:\n{self.log()}")
            try:
                if requests.get(self.base_url + "/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        pytest.fail(f"the server did not answer within {SERVER_START_TIMEOUT_S} s:\n{self.log()}")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop the server with `sig` (SIGKILL simulates a crash); waits until it is gone."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=SERVER_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=SERVER_STOP_TIMEOUT_S)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def join(self, code: str, name: str, table_id: str | None = None) -> requests.Session:
        """Join as a participant over plain HTTP; the session holds the participant cookie."""
        session = requests.Session()
        page = session.get(f"{self.base_url}/j/{code}", timeout=10)  # as after a QR scan
        form = {"name": name, "csrf_token": form_token(page.text)}
        form |= {"table_id": table_id} if table_id else {}
        response = session.post(f"{self.base_url}/j/{code}", data=form, timeout=10)
        assert response.status_code == 200, response.text  # the 303 lands on the phone page
        assert any(c.name == f"cocreate_{code}" for c in session.cookies), "no participant cookie"
        return session


def form_token(html: str) -> str:
    """The CSRF token of the form on a page, which a POST from that page must send back."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no form token on the page"
    return found.group(1)


# The `start_server` fixture: `start_server(plan_file, worker="gevent")`.
StartServer = Callable[..., tuple[CocreateServer, ImportedWorkshop]]


def new_context(browser: Any, language: str = "en", **options: Any) -> Any:
    """A browser context (one device) that has chosen a language, as a person does with the
    language switch; cookies are per host, so it holds for every test server's port."""
    context = browser.new_context(**options)
    context.add_cookies(
        [{"name": "cocreate_lang", "value": language, "domain": "127.0.0.1", "path": "/"}]
    )
    return context


def wait_for_seating(call: Callable[[str, dict[str, Any]], Any], timeout: float = 60) -> None:
    """Wait until the next round's seating is planned: under `cocreate serve` the planner runs
    in a separate process, and starting a round before it is done is refused (as the
    facilitator's screen shows). ``call`` is a facilitator connection's Socket.IO call."""
    deadline = time.monotonic() + timeout
    while call("sync", {})["snapshot"]["planning"]:
        assert time.monotonic() < deadline, "the seating plan never arrived"
        time.sleep(0.1)
