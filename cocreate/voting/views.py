"""The public ballot box: every ballot with its receipt, for voters to check theirs; and the
facilitator's sheet of one-time voter codes."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, request

from cocreate.errors import ActionRefused
from cocreate.live import notify_facilitator
from cocreate.voting import codes
from cocreate.voting import services as voting
from cocreate.workshop.access import facilitated_or_403, workshop_or_404

bp = Blueprint("voting", __name__)


@bp.get("/w/<code>/ballot-box")
def ballot_box(code: str) -> tuple[str, int] | str:
    workshop = workshop_or_404(code)
    try:
        ballots = voting.ballot_box(workshop)
    except ActionRefused as refused:
        page = render_template(
            "voting/ballot_box.html", workshop=workshop, closed_message=refused.message
        )
        return page, 409
    texts = {str(c.id): c.text for c in workshop.challenges}
    rows = [(b.receipt, _readable(workshop.ballot_type, b.choice, texts)) for b in ballots]
    return render_template("voting/ballot_box.html", workshop=workshop, rows=rows)


@bp.post("/w/<code>/facilitate/<key>/voter-codes")
def voter_codes(code: str, key: str) -> tuple[str, int] | Response:
    """A sheet of new one-time voter codes, one slip per person. Shown once: only the codes'
    hashes are kept, so this is a POST that prints new codes, never a page to reload."""
    workshop = facilitated_or_403(code, key)
    try:
        printed = codes.print_voter_codes(workshop, request.form.get("count"))
    except ActionRefused as refused:
        return render_template("error.html", code=400, description=refused.message), 400
    notify_facilitator(workshop.id)  # the facilitator screen shows how many were printed
    page = make_response(
        render_template("voting/voter_codes.html", workshop=workshop, codes=printed)
    )
    page.headers["Cache-Control"] = "no-store"  # the codes must not stay in a browser cache
    return page


def _readable(ballot_type: str, choice: object, texts: dict[str, str]) -> list[str]:
    """A ballot as lines a voter recognises: their order, their points or their picks."""
    if ballot_type == "dots" and isinstance(choice, dict):
        return [f"{texts.get(k, k)}: {n}" for k, n in sorted(choice.items(), key=lambda kv: -kv[1])]
    if ballot_type == "ranking" and isinstance(choice, list):
        return [f"{i}. {texts.get(k, k)}" for i, k in enumerate(choice, start=1)]
    return [texts.get(str(k), str(k)) for k in choice] if isinstance(choice, list) else []
