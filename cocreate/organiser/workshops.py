"""An organiser's workshops: who may manage which, the list, creating, duplicating,
archiving, deleting, the date and retention settings, the facilitator link and co-facilitator
links.

Ownership: a workshop belongs to the organiser who created it. One without an owner (made
with ``cocreate import`` or before accounts existed) belongs to the first organiser account,
the server's administrator; nobody else sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from flask import url_for
from sqlalchemy import func, or_, select

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.organiser.accounts import first_organiser_id
from cocreate.organiser.models import Organiser
from cocreate.organiser.plan_editor import plan_from_workshop
from cocreate.plans import Plan
from cocreate.timeutil import utcnow
from cocreate.workshop import services
from cocreate.workshop.models import CoFacilitatorLink, Participant, Workshop

RETENTION_RANGE: Final = (1, 3650)
LINK_LABEL_MAX: Final = 80
MAX_ACTIVE_LINKS: Final = 20
# A running workshop is not deleted by a slip of the mouse: close it (or wait) first.
PHASES_RUNNING: Final = ("rounds", "consolidation", "voting")


@dataclass(frozen=True)
class WorkshopRow:
    workshop: Workshop
    participants: int


def may_manage(organiser: Organiser, workshop: Workshop) -> bool:
    if workshop.owner_id is not None:
        return workshop.owner_id == organiser.id
    return organiser.id == first_organiser_id()


def managed_workshop(organiser: Organiser, workshop_id: int) -> Workshop | None:
    """The workshop if this organiser may manage it; None otherwise, so that a stranger's
    workshop looks exactly like one that does not exist."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not may_manage(organiser, workshop):
        return None
    return workshop


def workshops_of(organiser: Organiser, *, archived: bool) -> list[WorkshopRow]:
    owned = Workshop.owner_id == organiser.id
    if organiser.id == first_organiser_id():
        owned = or_(owned, Workshop.owner_id.is_(None))
    participants = (
        select(func.count(Participant.id))
        .where(Participant.workshop_id == Workshop.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Workshop, participants)
        .where(owned, Workshop.archived.is_(archived))
        .order_by(Workshop.scheduled_on.desc().nulls_last(), Workshop.created_at.desc())
    )
    return [WorkshopRow(workshop=w, participants=count) for w, count in rows]


def has_started(workshop: Workshop) -> bool:
    return workshop.current_round >= 0 or workshop.phase not in ("draft", "lobby")


# --- creating, duplicating, archiving, deleting ---------------------------------------------


def create_workshop(organiser: Organiser, plan: Plan, scheduled_on: date | None) -> Workshop:
    workshop = services.create_workshop(plan)
    # create_workshop commits on its own; should this second commit fail, the workshop is
    # merely unowned and so falls to the first organiser, never to a stranger.
    workshop.owner_id = organiser.id
    workshop.scheduled_on = scheduled_on
    db.session.commit()
    return workshop


def duplicate_workshop(
    organiser: Organiser, source: Workshop, scheduled_on: date | None
) -> Workshop:
    """A new workshop with the same plan on another date. Names booked in advance are
    personal data of the first workshop and are not copied."""
    plan = replace(plan_from_workshop(source), participants=())
    workshop = create_workshop(organiser, plan, scheduled_on)
    workshop.retention_days = source.retention_days
    db.session.commit()
    return workshop


def set_archived(workshop: Workshop, archived: bool) -> None:
    workshop.archived = archived
    db.session.commit()


def delete_workshop(workshop: Workshop) -> None:
    if workshop.phase in PHASES_RUNNING:
        raise ActionRefused(
            _("This workshop is running. Close it first, or wait until it has ended.")
        )
    db.session.delete(workshop)
    db.session.commit()


def update_settings(workshop: Workshop, scheduled_on: object, retention_days: object) -> None:
    """The workshop's date and how many days after it names are kept."""
    day = parse_date(scheduled_on)
    days = _whole_number(retention_days)
    low, high = RETENTION_RANGE
    if days is None or not low <= days <= high:
        raise ActionRefused(
            _("Keep names for %(low)d to %(high)d days after the workshop.", low=low, high=high)
        )
    workshop.scheduled_on = day
    workshop.retention_days = days
    db.session.commit()


def parse_date(raw: object) -> date | None:
    """A date from a form (YYYY-MM-DD, what a date field sends); empty means no date."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        message = _("Please give the date as a calendar date, e.g. 2026-03-24.")
        raise ActionRefused(message) from None


def _whole_number(raw: object) -> int | None:
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


# --- co-facilitator links ---------------------------------------------------------------------


def active_links(workshop: Workshop) -> list[CoFacilitatorLink]:
    return list(
        db.session.scalars(
            select(CoFacilitatorLink)
            .where(
                CoFacilitatorLink.workshop_id == workshop.id, CoFacilitatorLink.revoked_at.is_(None)
            )
            .order_by(CoFacilitatorLink.id)
        )
    )


def create_link(workshop: Workshop, label: object) -> tuple[CoFacilitatorLink, str]:
    """A new facilitator link; returns it with its key, which is shown once and not stored."""
    name = label.strip() if isinstance(label, str) else ""
    if not name:
        raise ActionRefused(_("Say who the link is for, e.g. the co-facilitator's name."))
    if len(name) > LINK_LABEL_MAX:
        raise ActionRefused(
            _("The name may have at most %(count)d characters.", count=LINK_LABEL_MAX)
        )
    if len(active_links(workshop)) >= MAX_ACTIVE_LINKS:
        raise ActionRefused(_("This workshop has enough links. Revoke one first."))
    key = services.new_key()
    link = CoFacilitatorLink(workshop_id=workshop.id, label=name, key_hash=services.hash_token(key))
    db.session.add(link)
    db.session.commit()
    return link, key


def revoke_link(workshop: Workshop, link_id: int) -> None:
    link = db.session.get(CoFacilitatorLink, link_id)
    if link is None or link.workshop_id != workshop.id or link.revoked_at is not None:
        raise ActionRefused(_("That link does not exist or was already revoked."))
    link.revoked_at = utcnow()
    db.session.commit()


def facilitator_path(workshop: Workshop, key: str | None = None) -> str:
    """The facilitator view with a key: the one given (just made), else the organiser's own
    (services.organiser_facilitator_key), which the organiser's page can always hand out."""
    key = key or services.organiser_facilitator_key(workshop)
    return url_for("workshop.facilitate", code=workshop.code, key=key)
