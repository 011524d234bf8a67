"""Notes: what a phone or a table's tablet writes on the table's form, and who may change it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.workshop.identity import NoteWriter, TableDevice, get_row
from cocreate.workshop.models import CafeTable, Note, Participant, Workshop
from cocreate.workshop.people import require_admitted
from cocreate.workshop.rounds import seat_table
from cocreate.workshop.text import clean_text

NOTE_MAX = 1000
CLIENT_ID_MAX = 64

PHASES_WITH_NOTES = ("rounds", "consolidation")


def current_table(writer: NoteWriter) -> CafeTable:
    """The table whose form the writer adds to now: a tablet's own, a phone's seat."""
    if isinstance(writer, TableDevice):
        return writer.table
    workshop = writer.workshop
    if workshop.phase == "rounds" and workshop.current_round >= 0:
        return seat_table(writer, workshop.current_round)
    return writer.home_table


def add_note(writer: NoteWriter, field: object, text: object, client_id: object) -> Note:
    workshop = writer.workshop
    require_admitted(writer)
    if workshop.phase not in PHASES_WITH_NOTES:
        raise ActionRefused(_("Notes can be added during the rounds and the shortlist only."))
    if not any(f["key"] == field for f in workshop.form_fields):
        raise ActionRefused(_("Unknown form field."))
    if client_id is not None and (
        not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_MAX
    ):
        raise ActionRefused(_("Invalid note id."))
    clean = clean_text(text, what="note", max_length=NOTE_MAX, multiline=True)
    if client_id is not None:
        already = _note_sent_before(workshop, client_id)
        if already is not None:
            return already  # the phone re-sent a note it had no answer for
    note = Note(
        workshop_id=workshop.id,
        table_id=current_table(writer).id,
        round_position=max(workshop.current_round, 0),
        field=str(field),
        text=clean,
        author_id=writer.id if isinstance(writer, Participant) else None,
        client_id=client_id,
    )
    db.session.add(note)
    try:
        db.session.commit()
    except IntegrityError:
        # Sent again while the first was being stored (a phone's outbox after it reconnected
        # to another worker): the unique client id let the first through.
        db.session.rollback()
        already = _note_sent_before(workshop, client_id) if client_id is not None else None
        if already is None:
            raise
        return already
    return note


def _note_sent_before(workshop: Workshop, client_id: object) -> Note | None:
    return db.session.scalar(
        select(Note).where(Note.workshop_id == workshop.id, Note.client_id == client_id)
    )


def may_edit_note(writer: NoteWriter, note: Note) -> bool:
    """Authors keep their notes; the note-taker (or the table's tablet) keeps the form."""
    if isinstance(writer, TableDevice):
        return note.table_id == writer.table.id
    return note.author_id == writer.id or (
        writer.role == "notetaker" and note.table_id == writer.home_table_id
    )


def edit_note(writer: NoteWriter, note_id: object, text: object) -> Note:
    note = _editable_note(writer, note_id)
    note.text = clean_text(text, what="note", max_length=NOTE_MAX, multiline=True)
    db.session.commit()
    return note


def delete_note(writer: NoteWriter, note_id: object) -> int:
    """Remove a note; returns the id of the table whose form changed."""
    note = _editable_note(writer, note_id)
    table_id = note.table_id
    db.session.delete(note)
    db.session.commit()
    return table_id


def _editable_note(writer: NoteWriter, note_id: object) -> Note:
    workshop = writer.workshop
    require_admitted(writer)
    if workshop.phase not in PHASES_WITH_NOTES:
        raise ActionRefused(_("Notes can no longer be changed."))
    note = get_row(Note, note_id)
    if note is None or note.workshop_id != workshop.id:
        raise ActionRefused(_("That note no longer exists."))
    if not may_edit_note(writer, note):
        raise ActionRefused(_("Only the note's author or the table's note-taker can change it."))
    return note
