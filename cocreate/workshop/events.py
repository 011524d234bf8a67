"""Socket.IO handlers for the workshop: check who asks, call a service, push the change.

Connecting and syncing live in cocreate.live.connection."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_socketio import SocketIO

from cocreate.live import end_tablets, notify_changed, notify_facilitator
from cocreate.live.actors import facilitator_event, participant_event, writer_event
from cocreate.workshop import services
from cocreate.workshop.models import Participant, Workshop
from cocreate.workshop.services import NoteWriter


def register_workshop_events(sio: SocketIO) -> None:
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

    @sio.on("admit")
    @facilitator_event
    def admit(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.admit(workshop, payload.get("participant_id"))
        # Their phone now sits at a table (and during the rounds others' seats may change).
        notify_changed(workshop.id, everyone=True)

    @sio.on("set_joining")
    @facilitator_event
    def set_joining(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.set_joining(workshop, payload.get("open"))

    @sio.on("create_tablet_link")
    @facilitator_event
    def create_tablet_link(workshop: Workshop, payload: dict[str, Any]) -> dict[str, Any]:
        link, key, replaced = services.create_tablet_link(workshop, payload.get("table_id"))
        end_tablets(workshop.id, replaced)
        notify_facilitator(workshop.id)
        # The key is in this answer only: shown once, on the screen that asked for it.
        path = url_for("workshop.tablet", code=workshop.code, table_id=link.table_id, key=key)
        return {"table_id": link.table_id, "link_id": link.id, "path": path}

    @sio.on("revoke_tablet_link")
    @facilitator_event
    def revoke_tablet_link(workshop: Workshop, payload: dict[str, Any]) -> None:
        end_tablets(workshop.id, services.revoke_tablet_link(workshop, payload.get("table_id")))
        notify_facilitator(workshop.id)

    @sio.on("shortlist_add")
    @facilitator_event
    def shortlist_add(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.add_challenge(workshop, note_id=payload.get("note_id"), text=payload.get("text"))
        notify_changed(workshop.id, everyone=True)

    @sio.on("shortlist_add_alike")
    @facilitator_event
    def shortlist_add_alike(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.add_alike_notes(workshop, payload.get("note_ids"))
        notify_changed(workshop.id, everyone=True)

    @sio.on("shortlist_merge")
    @facilitator_event
    def shortlist_merge(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.merge_note(workshop, payload.get("note_id"), payload.get("challenge_id"))
        notify_facilitator(workshop.id)

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
        # The role is no longer free at the table: every phone there stops offering it.
        notify_changed(participant.workshop_id, participants=[participant.id])
