"""The export formats, each a pure renderer of one WorkshopExport, shared by the download
links on the facilitator screen and `cocreate export`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from cocreate.export.archive import workshop_json
from cocreate.export.build import build_export
from cocreate.export.data import WorkshopExport
from cocreate.export.report import results_report
from cocreate.export.results_csv import results_csv
from cocreate.export.workbook import results_workbook
from cocreate.workshop.models import Workshop


@dataclass(frozen=True)
class ExportFormat:
    mimetype: str
    file_stem: str
    render: Callable[[WorkshopExport], bytes]
    # The report opens in the browser, to read and print; the others are saved.
    attachment: bool = True


FORMATS: Final[dict[str, ExportFormat]] = {
    # A byte-order mark so Excel opens Danish letters correctly.
    "csv": ExportFormat("text/csv", "results", lambda e: ("\ufeff" + results_csv(e)).encode()),
    "xlsx": ExportFormat(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "results",
        results_workbook,
    ),
    "json": ExportFormat("application/json", "workshop", lambda e: workshop_json(e).encode()),
    "html": ExportFormat(
        "text/html", "report", lambda e: results_report(e).encode(), attachment=False
    ),
}


def export_file(workshop: Workshop, fmt: str, *, include_names: bool = False) -> bytes:
    """The file's bytes; ActionRefused before the vote has closed or while results are
    withheld. Names are only ever in the JSON, and only with ``include_names``."""
    return FORMATS[fmt].render(build_export(workshop, include_names=include_names))


def file_name(workshop: Workshop, fmt: str) -> str:
    return f"cocreate-{workshop.code}-{FORMATS[fmt].file_stem}.{fmt}"
