"""The organiser's pages under /organiser: log in, the workshop list, a workshop's page, the
plan editor. Thin: find the organiser and the workshop, call a service, show the outcome.

A workshop another organiser owns answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, Final

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from cocreate.errors import ActionRefused
from cocreate.export.formats import FORMATS, export_file, file_name
from cocreate.extensions import limiter
from cocreate.i18n import _
from cocreate.live import end_co_facilitator_screens, end_facilitator_screens, notify_changed
from cocreate.organiser import accounts
from cocreate.organiser import workshops as workspace
from cocreate.organiser.personal_data import erase_names, erasure_date
from cocreate.organiser.plan_editor import (
    apply_plan,
    plan_from_form,
    plan_from_workshop,
    read_uploaded_plan,
)
from cocreate.plans import (
    BALLOTS,
    HOME_TABLES,
    LANGUAGES,
    METHODS,
    Plan,
    PlanError,
    load_plan,
    plan_to_toml,
    sample_plans_dir,
)
from cocreate.urls import local_path
from cocreate.voting import services as voting
from cocreate.workshop import services as workshop_services
from cocreate.workshop.models import Workshop

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

Page = str | BaseResponse | tuple[str, int]
NO_STORE: Final = {"Cache-Control": "no-store"}


def _login_limit() -> str:
    from flask import current_app

    return str(current_app.config["ORGANISER_LOGIN_LIMIT"])


# --- signing in and out -----------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Page:
    next_page = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if accounts.signed_in_organiser() is not None:
            return redirect(next_page)
        return render_template("organiser/login.html", next_page=next_page)
    email = request.form.get("email", "")
    try:
        organiser = accounts.authenticate(email, request.form.get("password", ""))
    except ActionRefused as refused:
        page = render_template(
            "organiser/login.html", next_page=next_page, email=email, error=refused.message
        )
        return page, 401
    accounts.sign_in(organiser)
    return redirect(next_page, code=303)


@bp.errorhandler(429)
def too_many_attempts(_error: object) -> tuple[str, int]:
    message = _("Too many login attempts from this computer. Wait a minute and try again.")
    return render_template("organiser/login.html", next_page="", error=message), 429


@bp.post("/logout")
def logout() -> BaseResponse:
    organiser = accounts.signed_in_organiser()
    if organiser is not None:
        accounts.sign_out_everywhere(organiser)
    flash(_("You have logged out, here and on every other device."), "good")
    return redirect(url_for("organiser.login"), code=303)


def _safe_next(raw: str | None) -> str:
    """Only a page of this site, so the login cannot be used to send someone elsewhere."""
    return local_path(raw) or url_for("organiser.workshop_list")


def signed_in(view: Callable[..., Page | Response]) -> Callable[..., Page | Response]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Page | Response:
        organiser = accounts.signed_in_organiser()
        if organiser is None:
            return redirect(url_for("organiser.login", next=request.full_path.rstrip("?")))
        g.organiser = organiser
        return view(*args, **kwargs)

    return wrapper


def _workshop(workshop_id: int) -> Workshop:
    workshop = workspace.managed_workshop(g.organiser, workshop_id)
    if workshop is None:
        abort(404, description=_("There is no such workshop in your list."))
    return workshop


@bp.after_request
def _private(response: Response) -> Response:
    # Organiser pages show names and secret links: never keep them in a shared cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- the account ------------------------------------------------------------------------------


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password() -> Page:
    shown = {"password_min_length": accounts.PASSWORD_MIN_LENGTH}
    if request.method == "GET":
        return render_template("organiser/password.html", **shown)
    try:
        accounts.change_password(
            g.organiser,
            request.form.get("current_password"),
            request.form.get("new_password"),
            request.form.get("new_password_again"),
        )
    except ActionRefused as refused:
        return render_template("organiser/password.html", error=refused.message, **shown), 400
    accounts.sign_in(g.organiser)  # every other session has ended; this one goes on
    flash(
        _(
            "Your password has been changed. Every other device logged in to this account "
            "is now logged out."
        ),
        "good",
    )
    return redirect(url_for("organiser.workshop_list"), code=303)


# --- the workshop list ------------------------------------------------------------------------


@bp.get("/")
@signed_in
def workshop_list() -> Page:
    return render_template(
        "organiser/list.html",
        rows=workspace.workshops_of(g.organiser, archived=False),
        archived_rows=workspace.workshops_of(g.organiser, archived=True),
    )


@bp.route("/workshops/new", methods=["GET", "POST"])
@signed_in
def new_workshop() -> Page:
    templates = _templates()
    if request.method == "GET":
        return render_template("organiser/new.html", templates=templates, form={})
    errors: dict[str, str] = {}
    plan: Plan | None = None
    upload = request.files.get("plan_file")
    chosen = request.form.get("template", "")
    try:
        scheduled_on = workspace.parse_date(request.form.get("scheduled_on"))
    except ActionRefused as refused:
        errors["scheduled_on"] = refused.message
    if upload is not None and upload.filename:
        try:
            plan = read_uploaded_plan(upload.read(), upload.filename)
        except PlanError as error:
            errors["plan_file"] = str(error)
    elif chosen in templates:
        plan = templates[chosen]
    else:
        errors["template"] = _("Choose a template, or upload a plan file.")
    if errors or plan is None:
        page = render_template(
            "organiser/new.html", templates=templates, form=request.form, errors=errors
        )
        return page, 400
    workshop = workspace.create_workshop(g.organiser, plan, scheduled_on)
    flash(_("The workshop has been created. Check the plan and save it."), "good")
    return redirect(url_for("organiser.plan", workshop_id=workshop.id), code=303)


def _templates() -> dict[str, Plan]:
    """The sample plans in sessions/, by file name; a broken sample is left out."""
    found: dict[str, Plan] = {}
    for path in sorted(sample_plans_dir().glob("*.toml")):
        try:
            found[path.name] = load_plan(path)
        except PlanError:
            continue
    return found


@bp.route("/workshops/<int:workshop_id>/duplicate", methods=["GET", "POST"])
@signed_in
def duplicate(workshop_id: int) -> Page:
    source = _workshop(workshop_id)
    if request.method == "GET":
        return render_template("organiser/duplicate.html", workshop=source)
    try:
        scheduled_on = workspace.parse_date(request.form.get("scheduled_on"))
    except ActionRefused as refused:
        page = render_template("organiser/duplicate.html", workshop=source, error=refused.message)
        return page, 400
    copy = workspace.duplicate_workshop(g.organiser, source, scheduled_on)
    flash(_("A copy of the workshop has been made."), "good")
    return redirect(url_for("organiser.workshop_page", workshop_id=copy.id), code=303)


@bp.post("/workshops/<int:workshop_id>/archive")
@signed_in
def archive(workshop_id: int) -> BaseResponse:
    workshop = _workshop(workshop_id)
    archived = request.form.get("archived") == "1"
    workspace.set_archived(workshop, archived)
    flash(_("Archived.") if archived else _("Taken out of the archive."), "good")
    return redirect(url_for("organiser.workshop_list"), code=303)


@bp.route("/workshops/<int:workshop_id>/delete", methods=["GET", "POST"])
@signed_in
def delete(workshop_id: int) -> Page:
    workshop = _workshop(workshop_id)
    if request.method == "GET":
        return render_template("organiser/delete.html", workshop=workshop)
    if request.form.get("confirm") != "yes":
        error = _("Tick the box to confirm that the workshop and its results are deleted.")
        return render_template("organiser/delete.html", workshop=workshop, error=error), 400
    title = workshop.title
    try:
        workspace.delete_workshop(workshop)
    except ActionRefused as refused:
        page = render_template("organiser/delete.html", workshop=workshop, error=refused.message)
        return page, 409
    flash(_("“%(title)s” has been deleted.", title=title), "good")
    return redirect(url_for("organiser.workshop_list"), code=303)


# --- one workshop -----------------------------------------------------------------------------


@bp.get("/workshops/<int:workshop_id>")
@signed_in
def workshop_page(workshop_id: int) -> Page:
    workshop = _workshop(workshop_id)
    return _render_workshop(workshop)


def _render_workshop(workshop: Workshop, status: int = 200, **extra: Any) -> tuple[str, int]:
    page = render_template(
        "organiser/workshop.html",
        workshop=workshop,
        started=workspace.has_started(workshop),
        links=workspace.active_links(workshop),
        erasure_date=erasure_date(workshop),
        formats=list(FORMATS),
        **extra,
    )
    return page, status


@bp.post("/workshops/<int:workshop_id>/settings")
@signed_in
def settings(workshop_id: int) -> Page:
    workshop = _workshop(workshop_id)
    try:
        workspace.update_settings(
            workshop, request.form.get("scheduled_on"), request.form.get("retention_days")
        )
    except ActionRefused as refused:
        return _render_workshop(workshop, 400, settings_error=refused.message)
    flash(_("The settings have been saved."), "good")
    return redirect(url_for("organiser.workshop_page", workshop_id=workshop.id), code=303)


@bp.get("/workshops/<int:workshop_id>/facilitate")
@signed_in
def facilitate(workshop_id: int) -> BaseResponse:
    """The organiser reaches the facilitator view through ownership: the organiser's key is
    handed out here and only here."""
    return redirect(workspace.facilitator_path(_workshop(workshop_id)))


@bp.post("/workshops/<int:workshop_id>/facilitator-key")
@signed_in
def rotate_facilitator_key(workshop_id: int) -> Page:
    """A new facilitator link, shown once; every screen using the old one stops."""
    workshop = _workshop(workshop_id)
    key = workshop_services.rotate_facilitator_key(workshop)
    end_facilitator_screens(workshop.id)
    new_key_link = request.host_url.rstrip("/") + workspace.facilitator_path(workshop, key)
    return _render_workshop(workshop, new_facilitator_link=new_key_link)


@bp.post("/workshops/<int:workshop_id>/links")
@signed_in
def create_link(workshop_id: int) -> Page:
    workshop = _workshop(workshop_id)
    try:
        link, key = workspace.create_link(workshop, request.form.get("label"))
    except ActionRefused as refused:
        return _render_workshop(workshop, 400, link_error=refused.message)
    new_link = request.host_url.rstrip("/") + workspace.facilitator_path(workshop, key)
    return _render_workshop(workshop, new_link=new_link, new_link_label=link.label)


@bp.post("/workshops/<int:workshop_id>/links/<int:link_id>/revoke")
@signed_in
def revoke_link(workshop_id: int, link_id: int) -> Page:
    workshop = _workshop(workshop_id)
    try:
        workspace.revoke_link(workshop, link_id)
    except ActionRefused as refused:
        return _render_workshop(workshop, 409, link_error=refused.message)
    end_co_facilitator_screens(workshop.id, link_id)
    flash(_("The link has been revoked: it no longer opens the facilitator view."), "good")
    return redirect(url_for("organiser.workshop_page", workshop_id=workshop.id), code=303)


@bp.get("/workshops/<int:workshop_id>/export.<fmt>")
@signed_in
def export(workshop_id: int, fmt: str) -> Page | Response:
    workshop = _workshop(workshop_id)
    if fmt not in FORMATS:
        abort(404)
    include_names = fmt == "json" and request.args.get("include_names") == "1"
    try:
        body = export_file(workshop, fmt, include_names=include_names)
    except ActionRefused as refused:
        return _render_workshop(workshop, 409, export_error=refused.message)
    return Response(
        body,
        mimetype=FORMATS[fmt].mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(workshop, fmt)}"',
            **NO_STORE,
        },
    )


@bp.post("/workshops/<int:workshop_id>/close")
@signed_in
def close(workshop_id: int) -> Page:
    workshop = _workshop(workshop_id)
    try:
        voting.close_workshop(workshop)
    except ActionRefused as refused:
        return _render_workshop(workshop, 409, close_error=refused.message)
    if request.form.get("erase_names") == "1":
        count = erase_names(workshop)
        flash(_("The workshop is closed and %(count)d names were erased.", count=count), "good")
    else:
        flash(_("The workshop is closed."), "good")
    notify_changed(workshop.id, everyone=True)
    return redirect(url_for("organiser.workshop_page", workshop_id=workshop.id), code=303)


@bp.post("/workshops/<int:workshop_id>/erase-names")
@signed_in
def erase(workshop_id: int) -> Page:
    workshop = _workshop(workshop_id)
    if request.form.get("confirm") != "yes":
        error = _("Tick the box to confirm that the names are erased for good.")
        return _render_workshop(workshop, 400, erase_error=error)
    count = erase_names(workshop)
    flash(_("%(count)d names were erased. The workshop is now anonymous.", count=count), "good")
    notify_changed(workshop.id, everyone=True)
    return redirect(url_for("organiser.workshop_page", workshop_id=workshop.id), code=303)


# --- the plan editor --------------------------------------------------------------------------


@bp.route("/workshops/<int:workshop_id>/plan", methods=["GET", "POST"])
@signed_in
def plan(workshop_id: int) -> Page:
    workshop = _workshop(workshop_id)
    current = plan_from_workshop(workshop)
    if request.method == "GET":
        return _render_editor(workshop, current)
    edited = plan_from_form(request.form, current.participants)
    return _save_plan(workshop, edited)


@bp.post("/workshops/<int:workshop_id>/plan/upload")
@signed_in
def upload_plan(workshop_id: int) -> Page:
    workshop = _workshop(workshop_id)
    upload = request.files.get("plan_file")
    if upload is None or not upload.filename:
        error = PlanError("upload", "file", _("Choose a plan file (.toml) to upload."))
        return _render_editor(workshop, plan_from_workshop(workshop), error, status=400)
    try:
        uploaded = read_uploaded_plan(upload.read(), upload.filename)
    except PlanError as error:
        return _render_editor(workshop, plan_from_workshop(workshop), error, status=400)
    return _save_plan(workshop, uploaded)


def _save_plan(workshop: Workshop, edited: Plan) -> Page:
    try:
        apply_plan(workshop, edited)
    except PlanError as error:
        return _render_editor(workshop, edited, error, status=400)
    if workspace.has_started(workshop):
        notify_changed(workshop.id, everyone=True)
    flash(_("The plan has been saved."), "good")
    return redirect(url_for("organiser.plan", workshop_id=workshop.id), code=303)


def _render_editor(
    workshop: Workshop, shown: Plan, error: PlanError | None = None, status: int = 200
) -> tuple[str, int]:
    started = workspace.has_started(workshop)
    page = render_template(
        "organiser/plan.html",
        workshop=workshop,
        plan=shown,
        error=error,
        started=started,
        round_started=[r.started_at is not None for r in workshop.rounds],
        before_vote=workshop.phase in ("draft", "lobby", "rounds", "consolidation"),
        languages=LANGUAGES,
        home_table_choices=HOME_TABLES,
        methods=METHODS,
        ballots=BALLOTS,
    )
    return page, status


@bp.get("/workshops/<int:workshop_id>/plan.toml")
@signed_in
def download_plan(workshop_id: int) -> Response:
    workshop = _workshop(workshop_id)
    name = f"cocreate-{workshop.code}-plan.toml"
    return Response(
        plan_to_toml(plan_from_workshop(workshop)),
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE},
    )


@bp.app_template_filter("long_date")
def _long_date(day: date | None) -> str:
    from flask_babel import format_date

    return format_date(day, format="long") if day else ""
