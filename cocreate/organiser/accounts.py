"""Organiser accounts and their login sessions.

A login lives in Flask's signed session cookie (HttpOnly, SameSite=Lax, Secure over https;
see ``cocreate.organiser.init_organiser``). It ends after ``ORGANISER_IDLE_MINUTES`` without a
request and, however active, ``ORGANISER_SESSION_HOURS`` after the password was typed.
"""

from __future__ import annotations

import re
import time
from functools import cache
from typing import Final

from flask import current_app, session
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.organiser.models import Organiser

PASSWORD_MIN_LENGTH: Final = 10
PASSWORD_MAX_LENGTH: Final = 200
EMAIL_MAX_LENGTH: Final = 254
# Deliberately loose: the address is a login name, never mailed to by cocreate.
EMAIL_PATTERN: Final = re.compile(r"[^@\s]+@[^@\s]+")
PASSWORD_METHOD: Final = "scrypt"

SESSION_ORGANISER = "organiser_id"
SESSION_SIGNED_IN_AT = "organiser_signed_in_at"
SESSION_SEEN_AT = "organiser_seen_at"


@cache
def _unknown_account_hash() -> str:
    """Checked against when the e-mail is unknown, so a wrong address takes as long as a
    wrong password and the timing does not tell which one was wrong."""
    return generate_password_hash("no account has this password", PASSWORD_METHOD)


def normalize_email(raw: object) -> str:
    return raw.strip().lower() if isinstance(raw, str) else ""


def save_organiser(email: object, password: object) -> tuple[Organiser, bool]:
    """Create an account, or set a new password for an existing one; returns it and whether
    it is new."""
    address = normalize_email(email)
    if not EMAIL_PATTERN.fullmatch(address) or len(address) > EMAIL_MAX_LENGTH:
        raise ActionRefused(_("Please give a valid e-mail address."))
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_LENGTH:
        raise ActionRefused(
            _("The password must have at least %(count)d characters.", count=PASSWORD_MIN_LENGTH)
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ActionRefused(
            _("The password may have at most %(count)d characters.", count=PASSWORD_MAX_LENGTH)
        )
    organiser = organiser_by_email(address)
    is_new = organiser is None
    if organiser is None:
        organiser = Organiser(email=address, password_hash="")
        db.session.add(organiser)
    organiser.password_hash = generate_password_hash(password, PASSWORD_METHOD)
    db.session.commit()
    return organiser, is_new


def organiser_by_email(email: object) -> Organiser | None:
    address = normalize_email(email)
    if not address:
        return None
    return db.session.scalar(select(Organiser).where(Organiser.email == address))


def organiser_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organiser)) or 0


def first_organiser_id() -> int | None:
    """The oldest account: it looks after workshops that have no owner."""
    return db.session.scalar(select(func.min(Organiser.id)))


def authenticate(email: object, password: object) -> Organiser:
    """The account for these credentials; one message for every failure, so it never says
    whether the address or the password was wrong."""
    organiser = organiser_by_email(email)
    password_text = password if isinstance(password, str) else ""
    stored_hash = organiser.password_hash if organiser is not None else _unknown_account_hash()
    password_ok = check_password_hash(stored_hash, password_text[:PASSWORD_MAX_LENGTH])
    if organiser is None or not password_ok:
        raise ActionRefused(_("The e-mail address or the password is not right."))
    return organiser


# --- the login session ----------------------------------------------------------------------


def sign_in(organiser: Organiser) -> None:
    # A fresh session: nothing set before the login (by anyone) carries over into it.
    session.clear()
    session.permanent = True
    now = int(time.time())
    session[SESSION_ORGANISER] = organiser.id
    session[SESSION_SIGNED_IN_AT] = now
    session[SESSION_SEEN_AT] = now


def sign_out() -> None:
    for key in (SESSION_ORGANISER, SESSION_SIGNED_IN_AT, SESSION_SEEN_AT):
        session.pop(key, None)


def signed_in_organiser() -> Organiser | None:
    """The organiser of this request's session, or None when there is none or it expired."""
    organiser_id = session.get(SESSION_ORGANISER)
    if not isinstance(organiser_id, int):
        return None
    now = int(time.time())
    idle_limit = current_app.config["ORGANISER_IDLE_MINUTES"] * 60
    absolute_limit = current_app.config["ORGANISER_SESSION_HOURS"] * 3600
    signed_in_at = session.get(SESSION_SIGNED_IN_AT, 0)
    seen_at = session.get(SESSION_SEEN_AT, 0)
    if now - seen_at > idle_limit or now - signed_in_at > absolute_limit:
        sign_out()
        return None
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None:  # the account was removed
        sign_out()
        return None
    session[SESSION_SEEN_AT] = now
    return organiser
