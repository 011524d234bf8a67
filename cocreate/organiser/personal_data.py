"""Participants' names, the only personal data cocreate keeps, and their erasure.

Erasing leaves an anonymous workshop: every note, challenge, ballot and result stays, and
each name becomes "Participant 12" (in the workshop's language, numbered as the exports
number people). Names booked in advance in the plan go too. Names are erased by the
organiser when closing a workshop, or automatically ``retention_days`` after the workshop's
date by ``cocreate purge`` (run it daily from cron).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from flask_babel import format_date
from sqlalchemy import select, text

from cocreate.db import clear_sqlite_journal, db
from cocreate.export.texts import texts_for
from cocreate.i18n import _
from cocreate.organiser.plan_editor import plan_from_workshop
from cocreate.plans import PlanError, plan_to_toml
from cocreate.timeutil import utcnow
from cocreate.workshop.models import Workshop


def erase_names(workshop: Workshop) -> int:
    """Replace every participant's name by a placeholder; returns how many were renamed."""
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        # SQLite would otherwise leave the old text in the file's free space.
        db.session.execute(text("PRAGMA secure_delete=ON"))
    placeholder = texts_for(workshop.language)["participant"]
    for number, participant in enumerate(workshop.participants, start=1):
        participant.name = placeholder.format(number=number)
    workshop.roster = []
    try:
        workshop.plan_toml = plan_to_toml(
            dataclasses.replace(plan_from_workshop(workshop), participants=())
        )
    except PlanError:
        workshop.plan_toml = ""  # an unreadable plan might hold names: drop it, keep none
    workshop.names_erased_at = utcnow()
    db.session.commit()
    if sqlite:
        clear_sqlite_journal()
    return len(workshop.participants)


def erasure_date(workshop: Workshop) -> date:
    """The day names are erased automatically: ``retention_days`` after the workshop's date
    (or the day it was created, when it has no date)."""
    held_on = workshop.scheduled_on or workshop.created_at.date()
    return held_on + timedelta(days=workshop.retention_days)


def expired_workshops(today: date | None = None) -> list[Workshop]:
    """Workshops still holding names whose retention has run out."""
    today = today or utcnow().date()
    pending = db.session.scalars(
        select(Workshop).where(Workshop.names_erased_at.is_(None)).order_by(Workshop.id)
    ).all()
    return [w for w in pending if erasure_date(w) <= today]


def purge_expired(today: date | None = None) -> list[Workshop]:
    """Erase the names of every workshop whose retention has run out; returns those."""
    expired = expired_workshops(today)
    for workshop in expired:
        erase_names(workshop)
    return expired


def personal_data_notice(workshop: Workshop) -> str:
    """One sentence for the join page: what is stored and for how long."""
    if workshop.names_erased_at is not None:
        return _("Names are no longer stored for this workshop; your vote is anonymous.")
    return _(
        "Only your name is stored, for this workshop, until %(date)s; your vote is anonymous.",
        date=format_date(erasure_date(workshop), format="long"),
    )
