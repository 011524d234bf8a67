"""The organiser's workspace: accounts, the workshop list, the plan editor, co-facilitator
links, exports and the erasure of participants' names.

``init_organiser(app)`` sets the login cookie's rules and the login rate limit's default and
registers the pages under ``/organiser``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

SESSION_DEFAULTS: dict[str, Any] = {
    "ORGANISER_IDLE_MINUTES": 120,
    "ORGANISER_SESSION_HOURS": 12,
    "ORGANISER_LOGIN_LIMIT": "10 per minute; 50 per hour",
}


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the page came over https, as well as
    when the configuration says so (e.g. a public https URL behind a proxy)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


def init_organiser(app: Flask) -> None:
    for key, value in SESSION_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    # Flask's default is no SameSite at all; Lax keeps other sites' forms from using the login.
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    if str(app.config.get("PUBLIC_URL", "")).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    # The cookie's own lifetime is the absolute limit; the idle limit is checked per request.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        hours=app.config["ORGANISER_SESSION_HOURS"]
    )
    app.session_interface = _SessionInterface()

    from cocreate.organiser.personal_data import personal_data_notice
    from cocreate.organiser.views import bp

    app.register_blueprint(bp)
    # For the join page: one sentence on what is stored and for how long.
    app.jinja_env.globals["personal_data_notice"] = personal_data_notice
