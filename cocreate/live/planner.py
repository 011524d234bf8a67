"""The rotation planner, run in a separate process so the event loop keeps serving phones.

``plan_in_background`` is the app's plan runner (see cocreate.workshop.planning): it starts a
background task that hands the newest request to ``python -m cocreate.rotation.worker``, waits
for it cooperatively (polling, so gevent, eventlet and threads all keep running), applies the
plan if it is still the newest, and pushes the new seats to every screen.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import tempfile
import time
from typing import Any

from flask import Flask, current_app

from cocreate.extensions import socketio
from cocreate.live.publish import live_cache, notify_changed
from cocreate.workshop import planning

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02
# A plan is asked for as a round starts: preparing its job and starting the process wait
# until that round's pushes have gone out to the phones.
PUSHES_FIRST_SECONDS = 0.1
# Beyond the planner's own budget: starting Python and importing the planner.
STARTUP_ALLOWANCE_SECONDS = 30.0


def init_app(app: Flask) -> None:
    # `cocreate serve` plans in a separate process; the CLI and tests plan inline.
    app.config.setdefault("PLANNER", "inline")
    if app.config["PLANNER"] == "process":
        app.extensions[planning.RUNNER_KEY] = plan_in_background


def plan_in_background(workshop_id: int) -> None:
    cache = live_cache()
    if workshop_id in cache.planning:
        cache.plan_again.add(workshop_id)  # the running task plans again when it is done
        return
    cache.planning.add(workshop_id)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    socketio.start_background_task(_plan_until_current, app, workshop_id)


def _plan_until_current(app: Flask, workshop_id: int) -> None:
    socketio.sleep(PUSHES_FIRST_SECONDS)
    with app.app_context():
        cache = live_cache()
        try:
            while True:
                cache.plan_again.discard(workshop_id)
                job = planning.pending_job(workshop_id)
                if job is None:
                    return
                plan = run_planner_process(job.arguments)
                if plan is None:
                    return  # logged; the request stays pending and is retried on demand
                if planning.apply_plan(job, plan):
                    notify_changed(workshop_id, everyone=True)
        except Exception:
            log.exception("planning workshop %s failed", workshop_id)
        finally:
            cache.planning.discard(workshop_id)


def run_planner_process(arguments: dict[str, Any]) -> list[dict[str, int]] | None:
    """The plan for these arguments, from a separate Python process; None if it failed."""
    timeout = float(arguments.get("time_budget", 2.0)) + STARTUP_ALLOWANCE_SECONDS
    with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as answer:
        given.write(json.dumps(arguments).encode())
        given.seek(0)
        process = subprocess.Popen(
            [sys.executable, "-m", "cocreate.rotation.worker"],
            stdin=given,
            stdout=answer,
        )
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                log.error("the rotation planner took longer than %.0f s; stopped it", timeout)
                return None
            socketio.sleep(POLL_SECONDS)
        if process.returncode != 0:
            log.error("the rotation planner failed with exit code %s", process.returncode)
            return None
        answer.seek(0)
        plan: list[dict[str, int]] = json.load(answer)
        return plan
