"""What a push carries: every table's brief and the workshop's settings only when a phone
may not have them yet.

At 60 tables the briefs are 10 KB of every one of 1,000 messages a round change sends
(docs/realtime.md, "Versions"). A phone keeps the ones its sync or an earlier push brought.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIOTestClient
from sqlalchemy import update

from cocreate.db import db
from cocreate.live import notify_changed
from cocreate.workshop.models import CafeTable, Workshop
from tests.clients import Phone, act


def table_pushes(phone: Phone) -> list[dict[str, Any]]:
    return [e["args"][0] for e in phone.socket.get_received() if e["name"] == "table_state"]


def test_a_round_change_leaves_the_tables_out_and_a_renamed_table_is_pushed(
    workshop: Workshop, join_phone: Any, facilitator: SocketIOTestClient
) -> None:
    phone = join_phone("Mette")
    tables = phone.snapshot()["tables"]
    assert {t["name"] for t in tables.values()} == {t.name for t in workshop.tables}
    phone.socket.get_received()

    assert act(facilitator, "start_round")["ok"]
    pushes = table_pushes(phone)
    assert pushes and all("tables" not in p["view"] for p in pushes)
    assert pushes[-1]["view"]["workshop"]["phase"] == "rounds"  # the phase changed: sent

    assert act(facilitator, "end_round")["ok"]
    pushes = table_pushes(phone)
    assert pushes and all("tables" not in p["view"] and "workshop" not in p["view"] for p in pushes)

    table = workshop.tables[0]
    table.name = "Bæredygtig hverdag i Nørrebro"
    db.session.commit()
    notify_changed(workshop.id, everyone=True)  # as the organiser's plan editor does
    renamed = table_pushes(phone)[-1]["view"]["tables"]
    assert renamed[str(table.id)]["name"] == "Bæredygtig hverdag i Nørrebro"


def test_a_state_not_built_from_the_version_before_sends_the_tables_again(
    workshop: Workshop, join_phone: Any, facilitator: SocketIOTestClient
) -> None:
    phone = join_phone("Mette")
    assert act(facilitator, "start_round")["ok"]

    # Another worker changed the workshop (and maybe its tables): this process missed a
    # version, so what the phone holds is unknown and the next push brings everything.
    db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(state_version=Workshop.state_version + 1)
    )
    db.session.execute(
        update(CafeTable).where(CafeTable.id == workshop.tables[0].id).values(topic="Trafik")
    )
    db.session.commit()
    assert phone.act("add_note", {"client_id": "n1", "field": "ideas", "text": "Cykelsti"})["ok"]
    push = table_pushes(phone)[-1]
    assert push["view"]["tables"][str(workshop.tables[0].id)]["topic"] == "Trafik"
