"""The shortlist: the challenges put to the vote, made from the notes before the vote opens."""

from __future__ import annotations

from sqlalchemy import func, select

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.workshop.identity import get_row
from cocreate.workshop.locking import lock_workshop
from cocreate.workshop.models import Challenge, ChallengeSource, Note, Workshop
from cocreate.workshop.notes import NOTE_MAX
from cocreate.workshop.text import clean_text

CHALLENGE_MAX = 300


def add_challenge(
    workshop: Workshop, *, note_id: object = None, text: object = None, commit: bool = True
) -> Challenge:
    """Put a challenge note (or a typed text) on the shortlist."""
    _require_consolidation(workshop)
    if len(workshop.challenges) >= workshop.shortlist_size:
        raise ActionRefused(
            _(
                "The shortlist is full (%(size)d). Merge or remove one first.",
                size=workshop.shortlist_size,
            )
        )
    sources: list[Note] = []
    if note_id is not None:
        note = _unlisted_note(workshop, note_id)
        sources.append(note)
        text = note.text if text is None else text
    challenge = Challenge(
        workshop_id=workshop.id,
        position=len(workshop.challenges),
        text=clean_text(text, what="challenge", max_length=NOTE_MAX, multiline=False),
        sources=sources,
    )
    workshop.challenges.append(challenge)
    if commit:
        db.session.commit()
    return challenge


def add_alike_notes(workshop: Workshop, note_ids: object) -> Challenge:
    """Notes that say the same thing become one shortlist item, worded as the first (the
    facilitator can edit it), in one transaction: all of them or, if any is refused, none."""
    if (
        not isinstance(note_ids, list)
        or len(note_ids) < 2
        or len(set(map(str, note_ids))) != len(note_ids)
    ):
        raise ActionRefused(_("That request was not understood. Please reload the page."))
    first, *others = note_ids
    challenge = add_challenge(workshop, note_id=first, commit=False)
    for note_id in others:
        challenge.sources.append(_unlisted_note(workshop, note_id))
    db.session.commit()
    return challenge


def merge_note(workshop: Workshop, note_id: object, challenge_id: object) -> Challenge:
    """A duplicate: the note becomes one more source of an existing challenge."""
    _require_consolidation(workshop)
    challenge = _challenge_in(workshop, challenge_id)
    challenge.sources.append(_unlisted_note(workshop, note_id))
    db.session.commit()
    return challenge


def edit_challenge(workshop: Workshop, challenge_id: object, text: object) -> Challenge:
    _require_consolidation(workshop)
    challenge = _challenge_in(workshop, challenge_id)
    challenge.text = clean_text(text, what="challenge", max_length=CHALLENGE_MAX)
    db.session.commit()
    return challenge


def remove_challenge(workshop: Workshop, challenge_id: object) -> None:
    _require_consolidation(workshop)
    challenge = _challenge_in(workshop, challenge_id)
    workshop.challenges.remove(challenge)
    db.session.flush()
    for position, remaining in enumerate(workshop.challenges):
        remaining.position = position
    db.session.commit()


def _require_consolidation(workshop: Workshop) -> None:
    # The shortlist changes one at a time (positions, its size) and not beside the vote
    # opening, which counts it.
    lock_workshop(workshop)
    if workshop.phase != "consolidation":
        raise ActionRefused(_("The shortlist can only change before the vote opens."))


def _challenge_in(workshop: Workshop, challenge_id: object) -> Challenge:
    challenge = get_row(Challenge, challenge_id)
    if challenge is None or challenge.workshop_id != workshop.id:
        raise ActionRefused(_("That challenge is no longer on the shortlist."))
    return challenge


def _unlisted_note(workshop: Workshop, note_id: object) -> Note:
    note = get_row(Note, note_id)
    if note is None or note.workshop_id != workshop.id:
        raise ActionRefused(_("That note no longer exists."))
    listed = db.session.scalar(
        select(func.count()).select_from(ChallengeSource).where(ChallengeSource.note_id == note.id)
    )
    if listed:
        raise ActionRefused(_("That note is already on the shortlist."))
    return note
