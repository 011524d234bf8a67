"""Organiser accounts: the municipal staff who prepare, run and close workshops."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from cocreate.db import Model
from cocreate.timeutil import utcnow


class Organiser(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so "Anne@Kommune.dk" and "anne@kommune.dk" are one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # werkzeug's scrypt hash; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    # Copied into the login session at login and compared on every request; logging out or a
    # new password bumps it, which ends every session of the account at once (a signed cookie
    # cannot be called back, but the number it carries can stop matching).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
