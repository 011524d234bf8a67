"""Who is on the other end of a connection, and the wrappers every Socket.IO handler uses.

A connection proves who it is once, on connect: the facilitator with the secret key from the
facilitator link, a phone with its HttpOnly cookie, a tablet with its table link. The identity
is kept in the connection's Socket.IO session, so ``sync`` needs no lookup to know who asks;
an action loads the participant (and its workshop) in one query to check its rules.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import session
from sqlalchemy.orm import joinedload

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import lazy_gettext, use_workshop_language
from cocreate.live import ratelimit
from cocreate.workshop.models import CafeTable, Participant, Workshop
from cocreate.workshop.services import (
    NoteWriter,
    TableDevice,
    facilitator_key_matches,
    tablet_link_active,
)

log = logging.getLogger(__name__)

Ack = dict[str, Any]
FACILITATOR_ONLY = lazy_gettext("Only the facilitator can do that.")
NOT_CONNECTED = lazy_gettext("You are not connected to a workshop. Please reload the page.")
MALFORMED = lazy_gettext("That request was not understood. Please reload the page.")
TOO_FAST = lazy_gettext("Too many actions at once. Wait a moment and try again.")


@dataclass(frozen=True)
class Actor:
    """Who is on the other end of a connection: the facilitator, a phone, or a shared tablet
    that keeps one table's form."""

    workshop: Workshop
    participant: Participant | None = None
    tablet: TableDevice | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.participant is None and self.tablet is None


@dataclass(frozen=True)
class Identity:
    """Who a connection is, as remembered on connect: ids only, no database row."""

    workshop_id: int
    language: str  # the workshop's
    participant_id: int | None
    table_id: int | None
    key: str | None
    tablet_link_id: int | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.participant_id is None and self.table_id is None


def remember_facilitator(workshop: Workshop, key: str) -> None:
    # The key is kept so a co-facilitator link revoked later stops working at once, even on a
    # screen that is still connected.
    _remember(workshop, key=key)


def remember_participant(participant: Participant) -> None:
    _remember(participant.workshop, participant=participant.id)


def remember_tablet(tablet: TableDevice) -> None:
    # The link is kept so that revoking it stops this tablet at its next action or sync.
    _remember(tablet.workshop, table=tablet.table.id, tablet_link=tablet.link_id)


def _remember(
    workshop: Workshop,
    *,
    participant: int | None = None,
    table: int | None = None,
    key: str = "",
    tablet_link: int | None = None,
) -> None:
    session["actor"] = {
        "workshop": workshop.id,
        "language": workshop.language,
        "participant": participant,
        "table": table,
        "key": key or None,
        "tablet_link": tablet_link,
    }


def connection_identity() -> Identity | None:
    """This connection's identity, without a query; the workshop's language is set for the
    rest of the event."""
    actor = session.get("actor")
    if not actor:
        return None
    use_workshop_language(actor["language"])
    return Identity(
        actor["workshop"],
        actor["language"],
        actor["participant"],
        actor["table"],
        actor["key"],
        actor.get("tablet_link"),
    )


def current_actor() -> Actor | None:
    """The rows behind this connection, for an action that checks its rules against them."""
    actor = session.get("actor")
    if not actor:
        return None
    if actor["participant"] is not None:
        participant = db.session.get(
            Participant, actor["participant"], options=[joinedload(Participant.workshop)]
        )
        if participant is None or participant.workshop_id != actor["workshop"]:
            return None
        use_workshop_language(participant.workshop.language)
        return Actor(participant.workshop, participant=participant)
    workshop = db.session.get(Workshop, actor["workshop"])
    if workshop is None:
        return None
    use_workshop_language(workshop.language)
    if actor["table"] is not None:
        table = db.session.get(CafeTable, actor["table"])
        link_id = actor.get("tablet_link")
        if table is None or table.workshop_id != workshop.id or link_id is None:
            return None
        if not tablet_link_active(link_id, table.id):
            return None  # the facilitator revoked the tablet's link while it was connected
        return Actor(workshop, tablet=TableDevice(workshop, table, link_id))
    if not facilitator_key_matches(workshop, actor.get("key")):
        return None  # the link was revoked while this screen was connected
    return Actor(workshop)


def _refused(message: object) -> Ack:
    return {"ok": False, "error": str(message)}


def _over_limit() -> Ack | None:
    """The refusal for a phone or tablet over its action rate, or None. Checked before any
    query, so a flood costs the server next to nothing; the phone may retry after
    ``retry_after`` seconds (its outbox does)."""
    wait = ratelimit.take(session)
    if not wait:
        return None
    actor = session.get("actor")
    if actor:
        use_workshop_language(actor["language"])  # the message in the screen's language
    return _refused(TOO_FAST) | {"retry_after": round(wait, 2)}


def _run(
    handler: Callable[[Any, dict[str, Any]], Ack | None], subject: object, payload: object
) -> Ack:
    """Check the payload is a dict, call the handler, answer {"ok": ...}; a refused action is
    rolled back and its message goes back to the sender."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        return _refused(MALFORMED)
    try:
        result = handler(subject, payload)
    except ActionRefused as refused:
        db.session.rollback()
        return _refused(refused.message)
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
            return _refused(NOT_CONNECTED)
        if not actor.is_facilitator:
            log.warning("refused facilitator event %s from a phone or tablet", handler.__name__)
            return _refused(FACILITATOR_ONLY)
        return _run(handler, actor.workshop, payload)

    return wrapper


def participant_event(
    handler: Callable[[Participant, dict[str, Any]], Ack | None],
) -> Callable[..., Ack]:
    """Like facilitator_event, for actions a participant takes from the phone; each spends a
    token of the connection's rate limit (cocreate.live.ratelimit)."""

    @functools.wraps(handler)
    def wrapper(payload: object = None) -> Ack:
        if (too_fast := _over_limit()) is not None:
            return too_fast
        actor = current_actor()
        if actor is None or actor.participant is None:
            return _refused(NOT_CONNECTED)
        return _run(handler, actor.participant, payload)

    return wrapper


def writer_event(
    handler: Callable[[NoteWriter, dict[str, Any]], Ack | None],
) -> Callable[..., Ack]:
    """For the table form: a phone writing at its table, or a table's shared tablet; rate
    limited like participant_event."""

    @functools.wraps(handler)
    def wrapper(payload: object = None) -> Ack:
        if (too_fast := _over_limit()) is not None:
            return too_fast
        actor = current_actor()
        writer = (actor.participant or actor.tablet) if actor is not None else None
        if writer is None:
            return _refused(NOT_CONNECTED)
        return _run(handler, writer, payload)

    return wrapper
