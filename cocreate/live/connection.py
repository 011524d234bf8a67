"""Connecting and (re)syncing: the only time a screen pulls its whole state.

``connect`` checks who is on the other end once and puts the connection in the rooms its
pushes go to; ``sync`` answers with the screen's state at the workshop's current version,
built once per version and shared by every phone that asks (see cocreate.live.publish).
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

from cocreate.i18n import current_language
from cocreate.live import actors, publish, screens
from cocreate.live.rooms import (
    co_facilitator_room,
    facilitator_key_room,
    facilitator_room,
    participant_room,
    table_room,
    tablet_link_room,
)
from cocreate.voting.services import has_voted_id
from cocreate.workshop import planning, services
from cocreate.workshop.views import participant_cookie_name


def register_connection_events(sio: SocketIO) -> None:
    @sio.on("connect")
    def connect(auth: object = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        workshop = services.workshop_by_code(str(auth.get("code") or ""))
        if workshop is None:
            raise ConnectionRefusedError("unknown workshop")
        if "table" in auth:
            tablet = services.tablet_for(workshop, auth["table"], auth.get("key"))
            if tablet is None:
                raise ConnectionRefusedError("wrong facilitator key")
            actors.remember_tablet(tablet)
            join_room(table_room(workshop.id, tablet.table.id))
            join_room(tablet_link_room(workshop.id, tablet.link_id))
            return
        if "key" in auth:
            access = services.facilitator_access(workshop, auth["key"])
            if access is None:
                raise ConnectionRefusedError("wrong facilitator key")
            actors.remember_facilitator(workshop, auth["key"])
            if access.link_id is None:
                join_room(facilitator_key_room(workshop.id))
            else:
                join_room(co_facilitator_room(workshop.id, access.link_id))
            # The screen's own language (its cookie), else the workshop's.
            actors.use_workshop_language(workshop.language)
            join_room(facilitator_room(workshop.id, current_language()))
            return
        token = request.cookies.get(participant_cookie_name(workshop.code))
        participant = services.participant_by_token(workshop, token)
        if participant is None:
            raise ConnectionRefusedError("not joined")
        actors.remember_participant(participant)
        join_room(participant_room(workshop.id, participant.id))

    @sio.on("sync")
    def sync(_payload: object = None) -> dict[str, Any]:
        identity = actors.connection_identity()
        if identity is None:
            return {"ok": False, "error": str(actors.NOT_CONNECTED)}
        if identity.is_facilitator:
            return _facilitator_sync()
        version = publish.current_version(identity.workshop_id)
        state = publish.state_at(identity.workshop_id, version) if version is not None else None
        if state is None:
            return {"ok": False, "error": str(actors.NOT_CONNECTED)}
        language = current_language()
        if identity.table_id is not None:
            if identity.table_id not in state.table_parts or not services.tablet_link_active(
                identity.tablet_link_id or 0, identity.table_id
            ):
                return {"ok": False, "error": str(actors.NOT_CONNECTED)}
            snapshot = screens.tablet_screen(state, identity.table_id, language=language)
        else:
            pid = identity.participant_id
            if pid is None or pid not in state.people:
                return {"ok": False, "error": str(actors.NOT_CONNECTED)}
            voted = has_voted_id(identity.workshop_id, pid)
            snapshot = screens.participant_screen(state, pid, has_voted=voted, language=language)
        return {"ok": True, "v": state.version, "snapshot": snapshot}


def _facilitator_sync() -> dict[str, Any]:
    actor = actors.current_actor()  # checks the key again: a revoked link stops here
    if actor is None:
        return {"ok": False, "error": str(actors.NOT_CONNECTED)}
    workshop = actor.workshop
    if planning.plan_pending(workshop):
        planning.dispatch(workshop.id)  # a plan cut short by a restart is made again
    version = publish.current_version(workshop.id) or 0
    snapshot = publish.facilitator_state(workshop, version, current_language(), fresh=True)
    return {"ok": True, "v": snapshot["v"], "snapshot": snapshot}
