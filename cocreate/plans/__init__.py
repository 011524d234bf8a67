"""Workshop plan files: the tables, timed rounds, form fields and vote of a World Café.

Pure: imports nothing from the web framework, the database or the rest of the app (an
import-linter contract checks it), so plans can be read, checked and written anywhere.

Usage::

    plan = load_plan(sample_plans_dir() / DEFAULT_SAMPLE)   # PlanError names file and field
    plan = parse_plan(text, source="upload.toml")
    text = plan_to_toml(plan)                                # parse_plan(text) == plan
    validate_plan(plan)                                      # for plans built in the editor

The file format is described, with an annotated example, in ``sessions/README.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from cocreate.plans.errors import PlanError
from cocreate.plans.model import (
    BALLOT_FOR_METHOD,
    BALLOTS,
    HOME_TABLES,
    LANGUAGES,
    METHODS,
    PARTICIPANT_ROLES,
    FieldPlan,
    ParticipantPlan,
    Plan,
    Roles,
    RoundPlan,
    TablePlan,
    VotePlan,
    default_challenge_field,
    default_roles,
)
from cocreate.plans.reader import load_plan, parse_plan
from cocreate.plans.validation import validate_plan
from cocreate.plans.writer import plan_to_toml

DEFAULT_SAMPLE: Final = "halsnaes-aarskonference.toml"

__all__ = [
    "BALLOTS",
    "BALLOT_FOR_METHOD",
    "DEFAULT_SAMPLE",
    "HOME_TABLES",
    "LANGUAGES",
    "METHODS",
    "PARTICIPANT_ROLES",
    "FieldPlan",
    "ParticipantPlan",
    "Plan",
    "PlanError",
    "Roles",
    "RoundPlan",
    "TablePlan",
    "VotePlan",
    "default_challenge_field",
    "default_roles",
    "load_plan",
    "parse_plan",
    "plan_to_toml",
    "sample_plans_dir",
    "validate_plan",
]


def sample_plans_dir() -> Path:
    """The repository's ``sessions/`` folder with the sample plans.

    It sits next to the ``cocreate`` package in a checkout; when the package runs from
    elsewhere (e.g. installed), a ``sessions/`` folder in the working directory is used if
    there is one, otherwise the checkout path is returned anyway for the caller to report.
    """
    beside_package = Path(__file__).resolve().parents[2] / "sessions"
    if beside_package.is_dir():
        return beside_package
    in_working_directory = Path.cwd() / "sessions"
    return in_working_directory if in_working_directory.is_dir() else beside_package
