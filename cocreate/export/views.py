"""Downloads of the results from the facilitator screen, one link per format."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from cocreate.errors import ActionRefused
from cocreate.export.formats import FORMATS, export_file, file_name
from cocreate.workshop.access import facilitated_or_403

bp = Blueprint("export", __name__)

FACILITATOR_RESULTS = "/w/<code>/facilitate/<key>/results"


@bp.get(f"{FACILITATOR_RESULTS}.csv")
def results_as_csv(code: str, key: str) -> Response:
    return _download(code, key, "csv")


@bp.get(f"{FACILITATOR_RESULTS}.xlsx")
def results_as_xlsx(code: str, key: str) -> Response:
    return _download(code, key, "xlsx")


@bp.get(f"{FACILITATOR_RESULTS}.json")
def results_as_json(code: str, key: str) -> Response:
    """The whole workshop; participants' names only with ?include_names=1."""
    include_names = request.args.get("include_names", "") in ("1", "true", "yes")
    return _download(code, key, "json", include_names=include_names)


@bp.get(f"{FACILITATOR_RESULTS}.html")
def results_as_html(code: str, key: str) -> Response:
    return _download(code, key, "html")


def _download(code: str, key: str, fmt: str, *, include_names: bool = False) -> Response:
    workshop = facilitated_or_403(code, key)
    try:
        body = export_file(workshop, fmt, include_names=include_names)
    except ActionRefused as refused:
        abort(409, description=refused.message)
    disposition = "attachment" if FORMATS[fmt].attachment else "inline"
    return Response(
        body,
        mimetype=FORMATS[fmt].mimetype,
        headers={
            "Content-Disposition": f'{disposition}; filename="{file_name(workshop, fmt)}"',
            # Results and names must not linger in shared caches or proxies.
            "Cache-Control": "no-store",
        },
    )
