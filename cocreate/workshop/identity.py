"""Creating and finding workshops, and who is who: join codes, facilitator keys, participant
tokens, tablet links and the one token hash they all store."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app
from sqlalchemy import select, update

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.plans import Plan, plan_to_toml
from cocreate.timeutil import utcnow
from cocreate.workshop.models import (
    CafeTable,
    CoFacilitatorLink,
    Participant,
    Round,
    TabletLink,
    Workshop,
)

# Join codes avoid look-alike characters (0/O, 1/I) so they can be read off a projector.
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def create_workshop(plan: Plan, plan_toml: str | None = None) -> Workshop:
    workshop = Workshop(
        code=_unused_join_code(),
        # A key nobody is shown: the organiser opens the view from their page, and whoever
        # needs a link to hand on makes one (rotate_facilitator_key).
        facilitator_key_hash=hash_token(new_key()),
        title=plan.title,
        language=plan.language,
        description=plan.description,
        plan_toml=plan_toml if plan_toml is not None else plan_to_toml(plan),
        host_label=plan.roles.host,
        notetaker_label=plan.roles.notetaker,
        form_fields=[{"key": f.key, "label": f.label, "help": f.help} for f in plan.fields],
        challenge_field=plan.vote.challenge_field,
        home_tables=plan.home_tables,
        roster=[{"name": p.name, "table": p.table, "role": p.role} for p in plan.participants],
        shortlist_size=plan.vote.shortlist_size,
        vote_method=plan.vote.method,
        ballot_type=plan.vote.ballot,
        min_ballots=plan.vote.min_ballots,
        voter_codes=plan.vote.voter_codes,
        phase="lobby",
    )
    workshop.tables = [
        CafeTable(position=i, name=t.name, topic=t.topic) for i, t in enumerate(plan.tables)
    ]
    workshop.rounds = [
        Round(position=i, title=r.title, prompt=r.prompt, minutes=r.minutes)
        for i, r in enumerate(plan.rounds)
    ]
    db.session.add(workshop)
    db.session.commit()
    return workshop


def normalize_join_code(raw: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()


def workshop_by_code(raw_code: str) -> Workshop | None:
    code = normalize_join_code(raw_code)
    if not code:
        return None
    return db.session.scalar(select(Workshop).where(Workshop.code == code))


# A key is a URL path segment; anything longer is no key of ours and is not even hashed.
KEY_MAX = 200


@dataclass(frozen=True)
class FacilitatorAccess:
    """Which facilitator link a key belongs to: the workshop's own (``link_id`` None; also
    the organiser's, see organiser_facilitator_key) or a co-facilitator link."""

    link_id: int | None


def facilitator_access(workshop: Workshop, key: object) -> FacilitatorAccess | None:
    """The link this key opens, or None: the workshop's own key (or the organiser's), or the
    key of a co-facilitator link not revoked."""
    if not isinstance(key, str) or not 0 < len(key) <= KEY_MAX:
        return None
    own = hmac.compare_digest(workshop.facilitator_key_hash.encode(), hash_token(key).encode())
    if own or hmac.compare_digest(organiser_facilitator_key(workshop).encode(), key.encode()):
        return FacilitatorAccess(link_id=None)
    link_id = db.session.scalar(
        select(CoFacilitatorLink.id).where(
            CoFacilitatorLink.workshop_id == workshop.id,
            CoFacilitatorLink.key_hash == hash_token(key),
            CoFacilitatorLink.revoked_at.is_(None),
        )
    )
    return FacilitatorAccess(link_id=link_id) if link_id is not None else None


def facilitator_key_matches(workshop: Workshop, key: object) -> bool:
    return facilitator_access(workshop, key) is not None


def rotate_facilitator_key(workshop: Workshop) -> str:
    """A new facilitator key, returned once: the old one (and the organiser's link made from
    it) stops opening anything at once. Screens still connected with it are the caller's to
    disconnect (cocreate.live.end_facilitator_screens). Co-facilitator links stay."""
    key = new_key()
    workshop.facilitator_key_hash = hash_token(key)
    db.session.commit()
    return key


def organiser_facilitator_key(workshop: Workshop) -> str:
    """The key behind the organiser's "Open the facilitator view": made from the server's
    secret and the stored hash, so the organiser's page can always open the view although
    the key itself is not kept. It is never stored, cannot be made from the database alone,
    and changes when the key is rotated. (The server's secret already signs the organisers'
    login cookies, so whoever holds it gains nothing new.)"""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = b"organiser-facilitator-link:" + workshop.facilitator_key_hash.encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def participant_by_token(workshop: Workshop, token: object) -> Participant | None:
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalar(
        select(Participant).where(
            Participant.workshop_id == workshop.id, Participant.token_hash == hash_token(token)
        )
    )


def _unused_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if db.session.scalar(select(Workshop.id).where(Workshop.code == code)) is None:
            return code


def new_key() -> str:
    """A secret for a link or a phone's cookie: 192 random bits."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """What is stored of a key or token: a leaked database cannot open anything with it."""
    return hashlib.sha256(token.encode()).hexdigest()


# Finding the row a client names by id: here, as every concern below this module needs it.
# The largest id a database column holds; Python's ints are unbounded.
MAX_ROW_ID = 2**63 - 1


Row = TypeVar("Row")


def get_row(model: type[Row], raw_id: object) -> Row | None:
    """The row with an id a client sent, or None for anything that is not a usable id (a
    bool is an int in Python; a huge int would overflow the database driver)."""
    if type(raw_id) is not int or not 0 < raw_id <= MAX_ROW_ID:
        return None
    return db.session.get(model, raw_id)


@dataclass(frozen=True)
class TableDevice:
    """A shared tablet that keeps one table's form for people without a phone. It proves
    itself with the key of a tablet link the facilitator made for that table."""

    workshop: Workshop
    table: CafeTable
    link_id: int


# Who writes on a table's form: a participant's phone, or the table's shared tablet.
NoteWriter = Participant | TableDevice


def create_tablet_link(workshop: Workshop, table_id: object) -> tuple[TabletLink, str, list[int]]:
    """A new tablet link for a table: returns it, its key (shown once, not stored) and the
    ids of the links it replaces (a table has one at a time), whose tablets are to be
    disconnected."""
    table = _table_in(workshop, table_id)
    replaced = _revoke_tablet_links(workshop, table)
    key = new_key()
    link = TabletLink(workshop_id=workshop.id, table_id=table.id, key_hash=hash_token(key))
    db.session.add(link)
    db.session.commit()
    return link, key, replaced


def revoke_tablet_link(workshop: Workshop, table_id: object) -> list[int]:
    """Revoke a table's tablet link; returns the ids revoked (their tablets are to be
    disconnected)."""
    table = _table_in(workshop, table_id)
    revoked = _revoke_tablet_links(workshop, table)
    if not revoked:
        raise ActionRefused(_("This table has no tablet link."))
    db.session.commit()
    return revoked


def _revoke_tablet_links(workshop: Workshop, table: CafeTable) -> list[int]:
    ids = list(
        db.session.scalars(
            update(TabletLink)
            .where(
                TabletLink.workshop_id == workshop.id,
                TabletLink.table_id == table.id,
                TabletLink.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
            .returning(TabletLink.id)
        )
    )
    return ids


def tablet_links(workshop: Workshop) -> dict[int, int]:
    """table id -> the id of its tablet link, for the tables that have one."""
    rows = db.session.execute(
        select(TabletLink.table_id, TabletLink.id).where(
            TabletLink.workshop_id == workshop.id, TabletLink.revoked_at.is_(None)
        )
    )
    return {table_id: link_id for table_id, link_id in rows}


def tablet_for(workshop: Workshop, table_id: object, key: object) -> TableDevice | None:
    """The tablet a table link opens, or None for a wrong, foreign or revoked key."""
    table = next((t for t in workshop.tables if str(t.id) == str(table_id)), None)
    if table is None or not isinstance(key, str) or not 0 < len(key) <= KEY_MAX:
        return None
    link_id = db.session.scalar(
        select(TabletLink.id).where(
            TabletLink.workshop_id == workshop.id,
            TabletLink.table_id == table.id,
            TabletLink.key_hash == hash_token(key),
            TabletLink.revoked_at.is_(None),
        )
    )
    return TableDevice(workshop, table, link_id) if link_id is not None else None


def tablet_link_active(link_id: int, table_id: int) -> bool:
    """Whether a connected tablet's link still holds (it is checked again at every action)."""
    found = db.session.scalar(
        select(TabletLink.id).where(
            TabletLink.id == link_id,
            TabletLink.table_id == table_id,
            TabletLink.revoked_at.is_(None),
        )
    )
    return found is not None


def _table_in(workshop: Workshop, table_id: object) -> CafeTable:
    table = get_row(CafeTable, table_id)
    if table is None or table.workshop_id != workshop.id:
        raise ActionRefused(_("No such table in this workshop."))
    return table
