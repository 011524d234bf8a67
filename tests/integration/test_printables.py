"""The print view: a join poster with the QR code and one card per table."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.clients import act


def test_poster_and_table_cards_name_hosts_and_note_takers(
    app: Flask, workshop: Any, join_phone: Any, facilitator: Any, facilitator_key: str
) -> None:
    phones = [join_phone(f"Person {i}") for i in range(9)]
    act(facilitator, "start_round")  # fills every table's host and note-taker
    hosts = {p.snapshot()["me"]["name"] for p in phones if p.snapshot()["me"]["role"] == "host"}
    client = app.test_client()

    page = client.get(f"/w/{workshop.code}/facilitate/{facilitator_key}/print")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/w/{workshop.code}/qr.svg" in html and workshop.code in html
    assert html.count('class="sheet table-sheet"') == 3
    for name in ("Udsatte grupper", "Børn og unge", "Sundhed", *hosts):
        assert name in html
    assert client.get(f"/w/{workshop.code}/facilitate/wrong/print").status_code == 403
