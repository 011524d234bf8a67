"""Download of the results from the facilitator screen."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from cocreate.errors import ActionRefused
from cocreate.export.results_csv import results_csv
from cocreate.voting import services as voting
from cocreate.workshop import services

bp = Blueprint("export", __name__)


@bp.get("/w/<code>/facilitate/<key>/results.csv")
def results_as_csv(code: str, key: str) -> Response:
    workshop = services.workshop_by_code(code)
    if workshop is None or not services.facilitator_key_matches(workshop, key):
        abort(403, description="This facilitator link is not valid.")
    try:
        outcome = voting.results(workshop)
    except ActionRefused as refused:
        abort(409, description=refused.message)
    if outcome.withheld:
        abort(409, description="Too few ballots to show results.")
    # A BOM so Excel opens Danish letters correctly.
    body = "\ufeff" + results_csv(outcome)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="cocreate-{workshop.code}-results.csv"'
        },
    )
