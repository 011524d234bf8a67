"""Run the planner as a separate process: ``python -m cocreate.rotation.worker``.

The planner is CPU-bound; run inside the server it would stall every connected phone for as
long as it searches. The server writes the arguments of :func:`plan_rotation` as one JSON
object to this process's standard input and reads the plan, a JSON list of
``{participant id: table}`` objects, from its standard output.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from cocreate.rotation.planner import plan_rotation


def plan_from_json(arguments: dict[str, Any]) -> list[dict[str, int]]:
    """The plan for arguments as the server sends them (JSON has lists, not tuples)."""
    return plan_rotation(
        arguments["homes"],
        arguments["n_tables"],
        arguments["n_rounds"],
        stayers=tuple(arguments.get("stayers", ())),
        return_home=arguments.get("return_home", True),
        played=arguments.get("played", ()),
        seed=arguments.get("seed", 0),
        time_budget=arguments.get("time_budget", 2.0),
    )


def main() -> None:
    plan = plan_from_json(json.load(sys.stdin))
    json.dump(plan, sys.stdout)


if __name__ == "__main__":
    main()
