"""The steering group's report, printed to PDF by Chromium as a facilitator would from the
browser: the ranking must survive printing, in order, with its Danish letters."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from cocreate.export.formats import export_file
from tests.browser.harness import REPO_ROOT
from tests.integration.test_export import COMMUNICATION, MANDATE, RESOURCES, run_workshop

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from cocreate.workshop.models import Workshop

ARTIFACTS = REPO_ROOT / "test-artifacts"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.browser
def test_report_prints_to_pdf_with_the_ranking(
    app: Flask, workshop: Workshop, browser: Browser
) -> None:
    from pypdf import PdfReader

    played = run_workshop(workshop)
    html = export_file(played.workshop, "html").decode("utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    try:
        # No server and no network: the report must carry everything it needs.
        page.route("**/*", lambda route: route.abort())
        page.set_content(html, wait_until="load")
        page.emulate_media(media="print")
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.close()
    (ARTIFACTS / "report.pdf").write_bytes(pdf)

    reader = PdfReader(io.BytesIO(pdf))
    first_page = words(reader.pages[0].extract_text())
    everything = words(" ".join(p.extract_text() for p in reader.pages))

    assert "resultat til styregruppen" in first_page.casefold()  # CSS sets it in capitals
    assert "Årsmøde i Testby" in first_page
    ranking = first_page[first_page.index("Plads Udfordring") :]
    positions = [ranking.index(challenge) for challenge in (MANDATE, RESOURCES, COMMUNICATION)]
    assert positions == sorted(positions)
    assert re.search(r"1\.\s*delt plads\s*" + MANDATE, ranking)
    assert "Optalt med Borda-metoden" in everything
    assert "Robusthed:" in everything
    assert "Bordenes skemaer runde for runde" in everything
    # The forms start on a page of their own, after the ranking and its provenance.
    forms_page = next(
        i for i, p in enumerate(reader.pages) if "Bordenes skemaer" in (p.extract_text() or "")
    )
    assert forms_page >= 1
    assert Path(ARTIFACTS / "report.png").stat().st_size > 10_000
