"""HTTP pages: the landing page, joining from a phone, the facilitator screen, the QR code."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from cocreate.errors import ActionRefused
from cocreate.extensions import limiter
from cocreate.i18n import LANGUAGE_COOKIE, LANGUAGES, _
from cocreate.live import notify_changed, notify_joined
from cocreate.live.facilitator import join_url
from cocreate.urls import local_path
from cocreate.workshop import services
from cocreate.workshop.access import facilitated_or_403, workshop_or_404

bp = Blueprint("workshop", __name__)

# The phone keeps its identity for the length of a workshop day and then some.
PARTICIPANT_COOKIE_DAYS = 14


def participant_cookie_name(code: str) -> str:
    return f"cocreate_{code}"


def _lookup_limit() -> str:
    return str(current_app.config["LOOKUP_RATE_LIMIT"])


# Looking up a join code answers 200 or 404, which tells whether a code exists: unknown codes
# are counted per address, across the landing form, the join page and the QR image.
lookup_limit = limiter.shared_limit(
    _lookup_limit,
    scope="join-code-lookup",
    deduct_when=lambda response: response.status_code == 404,
)


@bp.get("/")
@lookup_limit
def landing() -> str | BaseResponse:
    raw = request.args.get("code")
    if raw is None:
        return render_template("workshop/landing.html")
    workshop = services.workshop_by_code(raw)
    if workshop is None:
        return render_template("workshop/landing.html", unknown_code=raw), 404  # type: ignore[return-value]
    return redirect(url_for("workshop.join", code=workshop.code))


# Anyone with the join code may join (once joining is closed they wait for the facilitator to
# admit them), and joining from one address is rate limited (JOIN_RATE_LIMIT): a script cannot
# mint participants fast. Reloads are GETs.
@bp.route("/j/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
@lookup_limit
def join(code: str) -> str | BaseResponse | tuple[str, int]:
    workshop = workshop_or_404(code)
    if workshop.code != code:
        return redirect(url_for("workshop.join", code=workshop.code))
    participant = services.participant_by_token(
        workshop, request.cookies.get(participant_cookie_name(workshop.code))
    )
    if participant is not None:
        return render_template("workshop/phone.html", workshop=workshop)
    if request.method == "GET":
        return render_template("workshop/join.html", workshop=workshop)
    name = request.form.get("name", "")
    try:
        participant, token = services.join(workshop, name, request.form.get("table_id"))
    except ActionRefused as refused:
        return render_template(
            "workshop/join.html", workshop=workshop, error=refused.message, name=name
        ), 400
    # The lobby lists who joined; during the rounds a late joiner re-plans others' seats.
    # Someone waiting to be admitted changes nothing but the facilitator's list.
    if workshop.phase == "rounds" and participant.admitted:
        notify_changed(workshop.id, everyone=True)
    else:
        notify_joined(workshop.id, participant.id, role=participant.role)
    response = redirect(url_for("workshop.join", code=workshop.code), code=303)
    response.set_cookie(
        participant_cookie_name(workshop.code),
        token,
        max_age=PARTICIPANT_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


@bp.get("/language/<language>")
def choose_language(language: str) -> BaseResponse:
    """Remember the visitor's language on this device, then go back where they were."""
    response = redirect(local_path(request.args.get("next")) or "/")
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


@bp.get("/w/<code>/facilitate/<key>")
def facilitate(code: str, key: str) -> str:
    workshop = facilitated_or_403(code, key)
    return render_template("workshop/facilitator.html", workshop=workshop, key=key)


@bp.get("/w/<code>/facilitate/<key>/print")
def printables(code: str, key: str) -> str:
    """A join poster and one card per table, to print before the workshop."""
    workshop = facilitated_or_403(code, key)
    holders: dict[int, dict[str, str]] = {t.id: {} for t in workshop.tables}
    for person in workshop.participants:
        if person.role != "member" and person.present:
            holders[person.home_table_id][person.role] = person.name
    return render_template(
        "workshop/print.html",
        workshop=workshop,
        holders=holders,
        join_url=join_url(workshop, current_app.config["PUBLIC_URL"]),
    )


@bp.get("/w/<code>/table/<int:table_id>/<key>")
def tablet(code: str, table_id: int, key: str) -> str:
    """A shared tablet at a table, for people without a phone: it keeps that table's form."""
    workshop = workshop_or_404(code)
    device = services.tablet_for(workshop, table_id, key)
    if device is None:
        abort(
            403,
            description=_(
                "This tablet link is not valid: it was revoked or replaced. Ask the "
                "facilitator for a new one."
            ),
        )
    return render_template("workshop/phone.html", workshop=workshop, tablet=device, key=key)


@bp.get("/w/<code>/qr.svg")
@lookup_limit
def join_qr(code: str) -> Response:
    workshop = workshop_or_404(code)
    image = qrcode.make(
        join_url(workshop, current_app.config["PUBLIC_URL"]),
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@bp.errorhandler(429)
def too_many_joins(_error: object) -> tuple[str, int]:
    description = _("Too many tries from this device. Wait a minute and try again.")
    return render_template("error.html", code=429, description=description), 429


@bp.app_errorhandler(404)
@bp.app_errorhandler(403)
@bp.app_errorhandler(400)
@bp.app_errorhandler(409)
@bp.app_errorhandler(413)
def error_page(error: object) -> tuple[str, int]:
    code = getattr(error, "code", 500) or 500
    description = getattr(error, "description", "")
    return render_template("error.html", code=code, description=description), code
