"""Socket.IO handlers for the workshop: authenticate, validate, call a service, broadcast."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room, rooms

from cocreate import realtime
from cocreate.realtime import (
    facilitator_event,
    notify_changed,
    participant_event,
    remember_facilitator,
    remember_participant,
    remember_tablet,
    writer_event,
)
from cocreate.snapshots import facilitator_snapshot, participant_snapshot, tablet_snapshot
from cocreate.workshop import services
from cocreate.workshop.models import Participant, Workshop
from cocreate.workshop.services import NoteWriter
from cocreate.workshop.views import participant_cookie_name


def register_workshop_events(sio: SocketIO) -> None:
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
            remember_tablet(tablet)
            join_room(realtime.everyone_room(workshop.id))
            join_room(realtime.table_room(workshop.id, tablet.table.id))
            return
        if "key" in auth:
            if not services.facilitator_key_matches(workshop, auth["key"]):
                raise ConnectionRefusedError("wrong facilitator key")
            remember_facilitator(workshop, auth["key"])
            join_room(realtime.facilitator_room(workshop.id))
            return
        token = request.cookies.get(participant_cookie_name(workshop.code))
        participant = services.participant_by_token(workshop, token)
        if participant is None:
            raise ConnectionRefusedError("not joined")
        remember_participant(participant)
        join_room(realtime.everyone_room(workshop.id))
        join_room(realtime.participant_room(workshop.id, participant.id))

    @sio.on("sync")
    def sync(_payload: object = None) -> dict[str, Any]:
        actor = realtime.current_actor()
        if actor is None:
            return {"ok": False, "error": str(realtime.NOT_CONNECTED)}
        if actor.tablet is not None:
            return {"ok": True, "snapshot": tablet_snapshot(actor.tablet)}
        if actor.participant is None:
            return {"ok": True, "snapshot": facilitator_snapshot(actor.workshop, _public_url())}
        _follow_table(actor.participant)
        return {"ok": True, "snapshot": participant_snapshot(actor.participant)}

    # --- facilitator ---------------------------------------------------------------------

    @sio.on("start_round")
    @facilitator_event
    def start_round(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.start_next_round(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("extend_round")
    @facilitator_event
    def extend_round(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.extend_round(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("pause_round")
    @facilitator_event
    def pause_round(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.pause_round(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("resume_round")
    @facilitator_event
    def resume_round(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.resume_round(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("end_round")
    @facilitator_event
    def end_round(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.end_round(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("begin_consolidation")
    @facilitator_event
    def begin_consolidation(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.begin_consolidation(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("set_role")
    @facilitator_event
    def set_role(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.set_role(workshop, payload.get("participant_id"), payload.get("role"))
        notify_changed(workshop.id, everyone=True)

    @sio.on("move_home")
    @facilitator_event
    def move_home(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.move_home(workshop, payload.get("participant_id"), payload.get("table_id"))
        notify_changed(workshop.id, everyone=True)

    @sio.on("set_present")
    @facilitator_event
    def set_present(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.set_present(workshop, payload.get("participant_id"), payload.get("present"))
        notify_changed(workshop.id, everyone=True)

    @sio.on("shortlist_add")
    @facilitator_event
    def shortlist_add(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.add_challenge(workshop, note_id=payload.get("note_id"), text=payload.get("text"))
        notify_changed(workshop.id, everyone=True)

    @sio.on("shortlist_merge")
    @facilitator_event
    def shortlist_merge(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.merge_note(workshop, payload.get("note_id"), payload.get("challenge_id"))
        notify_changed(workshop.id)

    @sio.on("shortlist_edit")
    @facilitator_event
    def shortlist_edit(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.edit_challenge(workshop, payload.get("challenge_id"), payload.get("text"))
        notify_changed(workshop.id, everyone=True)

    @sio.on("shortlist_remove")
    @facilitator_event
    def shortlist_remove(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.remove_challenge(workshop, payload.get("challenge_id"))
        notify_changed(workshop.id, everyone=True)

    # --- participant ---------------------------------------------------------------------

    @sio.on("add_note")
    @writer_event
    def add_note(writer: NoteWriter, payload: dict[str, Any]) -> dict[str, Any]:
        note = services.add_note(
            writer, payload.get("field"), payload.get("text"), payload.get("client_id")
        )
        notify_changed(note.workshop_id, tables=[note.table_id])
        return {"note_id": note.id}

    @sio.on("edit_note")
    @writer_event
    def edit_note(writer: NoteWriter, payload: dict[str, Any]) -> None:
        note = services.edit_note(writer, payload.get("note_id"), payload.get("text"))
        notify_changed(note.workshop_id, tables=[note.table_id])

    @sio.on("delete_note")
    @writer_event
    def delete_note(writer: NoteWriter, payload: dict[str, Any]) -> None:
        table_id = services.delete_note(writer, payload.get("note_id"))
        notify_changed(writer.workshop.id, tables=[table_id])

    @sio.on("volunteer")
    @participant_event
    def volunteer(participant: Participant, payload: dict[str, Any]) -> None:
        services.volunteer(participant, payload.get("role"))
        notify_changed(participant.workshop_id, participants=[participant.id])


def _follow_table(participant: Participant) -> None:
    """Keep this connection in the room of the table the participant sits at now, so note
    changes there reach it (and only there)."""
    wanted = realtime.table_room(participant.workshop_id, services.current_table(participant).id)
    table_prefix = realtime.table_room(participant.workshop_id, 0).removesuffix("0")
    for room in rooms():
        if room.startswith(table_prefix) and room != wanted:
            leave_room(room)
    join_room(wanted)


def _public_url() -> str:
    return str(current_app.config.get("PUBLIC_URL") or "")
