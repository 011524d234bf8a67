"""Cross-site request forgery: every form that changes something carries a token.

Flask-WTF's CSRFProtect checks, on every POST, a token that only a page of this site holds
(``csrf_token()`` in each form), tied to the visitor's signed session cookie. SameSite=Lax on
that cookie stops other sites only; a page on another port of the same host is the same site.

Two settings differ from Flask-WTF's defaults, both on purpose:

- ``WTF_CSRF_SSL_STRICT`` is off: over https it demands a Referer header from this host, but
  every page is sent with ``Referrer-Policy: no-referrer`` (keys travel in URLs), so browsers
  send none and every form would be refused. Fetch Metadata does the same job without the
  Referer: a form whose browser says it came from another origin (``Sec-Fetch-Site``) is
  refused even with a valid token.
- ``WTF_CSRF_TIME_LIMIT`` is None: the token lives as long as the session it is tied to (the
  organiser's login has its own idle and absolute limits), so an organiser who spends more
  than an hour on a plan does not lose it when saving.

Socket.IO never reaches these checks: its requests are answered by the Engine.IO middleware
in front of Flask, and its connections carry their own keys and cookie (docs/realtime.md).
There is no JSON API.
"""

from __future__ import annotations

from typing import Final

from flask import Flask, g, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from cocreate.i18n import _

# What a browser says about a request made by this site's own page or typed by the person.
_OWN_REQUEST: Final = frozenset({"same-origin", "none"})


class _CSRFProtect(CSRFProtect):
    def protect(self, apply_exemptions: bool = False) -> None:
        super().protect(apply_exemptions)
        # Only where the token was checked (a POST of a protected view). Browsers send the
        # header over https and on localhost; without it, the token alone decides.
        if g.get("csrf_valid") and request.headers.get("Sec-Fetch-Site", "none") not in (
            _OWN_REQUEST
        ):
            raise CSRFError("The request came from another origin.")


csrf = _CSRFProtect()


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # Before Flask-WTF's own check: it caches on g, which an already active app context (tests,
    # commands) shares between requests, so one request's token or verdict must not leak into
    # the next.
    app.before_request(_forget_previous_request)
    csrf.init_app(app)
    app.register_error_handler(CSRFError, refused)


def _forget_previous_request() -> None:
    g.pop("csrf_token", None)
    g.pop("csrf_valid", None)


def refused(_error: CSRFError) -> tuple[str, int]:
    """A clear page in the visitor's language, never Flask-WTF's English reason: a stale
    page (or a forged request) changes nothing, and the person can simply try again."""
    rule = request.url_rule
    if rule is not None and rule.methods and "GET" in rule.methods:
        back_url, back_label = request.path, _("Reload the page")
    elif request.blueprint == "organiser":
        back_url, back_label = url_for("organiser.workshop_list"), _("Back to my workshops")
    else:
        back_url, back_label = url_for("workshop.landing"), _("Enter a join code")
    description = _(
        "The form has expired, or it was not sent from cocreate's own page. "
        "Reload the page and try again."
    )
    page = render_template(
        "error.html", code=400, description=description, back_url=back_url, back_label=back_label
    )
    return page, 400
