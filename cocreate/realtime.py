"""Room names and the one broadcast helper.

Clients are told *that* something changed and pull their own snapshot (``sync``): every screen
then shows exactly what the database says, whether it just connected, reconnected after a
dropped Wi-Fi or outlived a server restart.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import session

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.extensions import socketio
from cocreate.i18n import lazy_gettext, use_workshop_language
from cocreate.workshop.models import Participant, Workshop


def facilitator_room(workshop_id: int) -> str:
    return f"w{workshop_id}:facilitator"


def everyone_room(workshop_id: int) -> str:
    return f"w{workshop_id}:participants"


def table_room(workshop_id: int, table_id: int) -> str:
    return f"w{workshop_id}:table{table_id}"


def participant_room(workshop_id: int, participant_id: int) -> str:
    """All connections of one participant (a phone with two tabs, a reconnect)."""
    return f"w{workshop_id}:p{participant_id}"


def notify_changed(
    workshop_id: int,
    *,
    everyone: bool = False,
    tables: Iterable[int] = (),
    participants: Iterable[int] = (),
) -> None:
    """Ask the facilitator screens, and whichever phones are named, to re-sync."""
    rooms = [facilitator_room(workshop_id)]
    if everyone:
        rooms.append(everyone_room(workshop_id))
    else:
        rooms += [table_room(workshop_id, t) for t in tables]
        rooms += [participant_room(workshop_id, p) for p in participants]
    socketio.emit("changed", {}, to=rooms)


# --- socket authentication ------------------------------------------------------------------
# A connection proves who it is once, on connect: the facilitator with the secret key from the
# facilitator link, a phone with its HttpOnly cookie. The identity is kept in the connection's
# Socket.IO session; every event re-reads the workshop from the database.

log = logging.getLogger(__name__)

Ack = dict[str, Any]
FACILITATOR_ONLY = lazy_gettext("Only the facilitator can do that.")
NOT_CONNECTED = lazy_gettext("You are not connected to a workshop. Please reload the page.")
MALFORMED = lazy_gettext("That request was not understood. Please reload the page.")


def remember_facilitator(workshop: Workshop) -> None:
    session["actor"] = {"workshop": workshop.id, "participant": None}


def remember_participant(participant: Participant) -> None:
    session["actor"] = {"workshop": participant.workshop_id, "participant": participant.id}


def current_actor() -> tuple[Workshop, Participant | None] | None:
    actor = session.get("actor")
    if not actor:
        return None
    workshop = db.session.get(Workshop, actor["workshop"])
    if workshop is None:
        return None
    use_workshop_language(workshop.language)
    if actor["participant"] is None:
        return workshop, None
    participant = db.session.get(Participant, actor["participant"])
    return (workshop, participant) if participant is not None else None


def _run(action: Callable[[], Ack | None]) -> Ack:
    try:
        result = action()
    except ActionRefused as refused:
        db.session.rollback()
        return {"ok": False, "error": refused.message}
    return {"ok": True} | (result or {})


def facilitator_event(
    handler: Callable[[Workshop, dict[str, Any]], Ack | None],
) -> Callable[..., Ack]:
    """Wrap a handler so it runs only for a facilitator connection, with a dict payload, and
    answers the client's acknowledgement with {"ok": ...} and a message on refusal."""

    @functools.wraps(handler)
    def wrapper(payload: object = None) -> Ack:
        actor = current_actor()
        if actor is None:
            return {"ok": False, "error": str(NOT_CONNECTED)}
        workshop, participant = actor
        if participant is not None:
            log.warning("refused facilitator event %s from a participant", handler.__name__)
            return {"ok": False, "error": str(FACILITATOR_ONLY)}
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            return {"ok": False, "error": str(MALFORMED)}
        return _run(lambda: handler(workshop, payload))

    return wrapper


def participant_event(
    handler: Callable[[Participant, dict[str, Any]], Ack | None],
) -> Callable[..., Ack]:
    """Like facilitator_event, for actions a participant takes from the phone."""

    @functools.wraps(handler)
    def wrapper(payload: object = None) -> Ack:
        actor = current_actor()
        if actor is None or actor[1] is None:
            return {"ok": False, "error": str(NOT_CONNECTED)}
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            return {"ok": False, "error": str(MALFORMED)}
        participant = actor[1]
        return _run(lambda: handler(participant, payload))

    return wrapper
