"""Fixtures for the tests that run a real server (`server`) and a real browser (`browser`).

These prove the app as it is deployed, with its async worker, its JavaScript and Chromium;
`tests/integration` covers the same rules with in-process test clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.harness import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    SCREENSHOTS_DIR,
    UI_TIMEOUT_MS,
    CocreateServer,
    ImportedWorkshop,
    StartServer,
)

SERVER_FAILED_KEY = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember a failed test so its server's log can be shown with the failure."""
    report = yield
    if report.failed:
        item.stash[SERVER_FAILED_KEY] = True
    return report


if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture
def start_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StartServer]:
    """Factory: `start_server(plan_file, worker=...)` -> (server, workshop), stopped at the end."""
    started: list[CocreateServer] = []

    def start(plan_file: Path, worker: str = "gevent") -> tuple[CocreateServer, ImportedWorkshop]:
        server = CocreateServer(tmp_path / f"server{len(started)}", worker)
        server.workdir.mkdir()
        started.append(server)
        workshop = server.import_plan(plan_file)
        server.start()
        return server, workshop

    yield start
    for server in started:
        server.stop()
        if request.node.stash.get(SERVER_FAILED_KEY, False):
            print(f"--- log of the server on port {server.port} ---\n{server.log()[-6000:]}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole run; each test opens its own contexts."""
    if not Path(CHROMIUM_PATH).exists():
        pytest.skip(f"{CHROMIUM_PATH} is not installed (make browser-deps)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)  # a busy 2-core machine: be patient, not slow

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS_DIR
