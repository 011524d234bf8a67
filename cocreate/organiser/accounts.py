"""Organiser accounts and their login sessions.

A login lives in Flask's signed session cookie (HttpOnly, SameSite=Lax, Secure over https;
see ``cocreate.organiser.init_organiser``). It ends after ``ORGANISER_IDLE_MINUTES`` without a
request and, however active, ``ORGANISER_SESSION_HOURS`` after the password was typed.
Logging out and a new password end every session of the account at once: the session holds
the account's ``session_version`` from the login, and a session whose number no longer
matches the account row is signed out.
"""

from __future__ import annotations

import re
import time
from functools import cache
from typing import Final

from flask import current_app, session
from sqlalchemy import func, select, update
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
SESSION_VERSION = "organiser_session_version"
_SESSION_KEYS: Final = (SESSION_ORGANISER, SESSION_SIGNED_IN_AT, SESSION_SEEN_AT, SESSION_VERSION)


@cache
def _unknown_account_hash() -> str:
    """Checked against when the e-mail is unknown, so a wrong address takes as long as a
    wrong password and the timing does not tell which one was wrong."""
    return generate_password_hash("no account has this password", PASSWORD_METHOD)


def normalize_email(raw: object) -> str:
    return raw.strip().lower() if isinstance(raw, str) else ""


def save_organiser(email: object, password: object) -> tuple[Organiser, bool]:
    """Create an account, or set a new password for an existing one; returns it and whether
    it is new. A new password ends every session of the account (``cocreate add-organiser``
    is how a forgotten or leaked password is reset)."""
    address = normalize_email(email)
    if not EMAIL_PATTERN.fullmatch(address) or len(address) > EMAIL_MAX_LENGTH:
        raise ActionRefused(_("Please give a valid e-mail address."))
    new_hash = _password_hash(password)
    organiser = organiser_by_email(address)
    is_new = organiser is None
    if organiser is None:
        organiser = Organiser(email=address, password_hash=new_hash)
        db.session.add(organiser)
    else:
        organiser.password_hash = new_hash
        organiser.session_version = Organiser.session_version + 1
    db.session.commit()
    return organiser, is_new


def change_password(organiser: Organiser, current: object, new: object, repeated: object) -> None:
    """The organiser's own new password, given the current one; every session of the account
    ends, the caller signs this one in again."""
    current_text = current if isinstance(current, str) else ""
    if not check_password_hash(organiser.password_hash, current_text[:PASSWORD_MAX_LENGTH]):
        raise ActionRefused(_("The current password is not right."))
    if new != repeated:
        raise ActionRefused(_("The two new passwords are not the same."))
    organiser.password_hash = _password_hash(new)
    organiser.session_version = Organiser.session_version + 1
    db.session.commit()


def _password_hash(password: object) -> str:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_LENGTH:
        raise ActionRefused(
            _("The password must have at least %(count)d characters.", count=PASSWORD_MIN_LENGTH)
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ActionRefused(
            _("The password may have at most %(count)d characters.", count=PASSWORD_MAX_LENGTH)
        )
    return generate_password_hash(password, PASSWORD_METHOD)


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
    session[SESSION_VERSION] = organiser.session_version


def sign_out() -> None:
    """End this browser's session only (an expired or outdated one)."""
    for key in _SESSION_KEYS:
        session.pop(key, None)


def sign_out_everywhere(organiser: Organiser) -> None:
    """Log out: this session and every other one of the account, copies of the cookie too."""
    # In the database, so two requests at once each bump it and neither is lost.
    db.session.execute(
        update(Organiser)
        .where(Organiser.id == organiser.id)
        .values(session_version=Organiser.session_version + 1)
    )
    db.session.commit()
    sign_out()


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
    # The account was removed, or logged out or got a new password since this login.
    if organiser is None or session.get(SESSION_VERSION) != organiser.session_version:
        sign_out()
        return None
    session[SESSION_SEEN_AT] = now
    return organiser
