"""Pushing a change to the screens that show it: built once, sent once per table.

Every change bumps the workshop's ``state_version`` in the database. The state for that
version is built once in this process (from the previous version's state when only a few
tables or people changed, from the database otherwise) and pushed as one ``table_state``
message per table, addressed to the participant rooms of the people sitting there and to the
table's tablets. Facilitator screens get a ``facilitator_state`` per language; changes that
only they see (a ballot, a join in the lobby) are gathered for a moment and pushed once.

The built states are a cache keyed by version, never the source of truth: a process that
finds the database at a version it has not built (another worker changed it, the server
restarted) builds it afresh. See docs/realtime.md for the protocol.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import select, update

from cocreate.db import db
from cocreate.extensions import socketio
from cocreate.i18n import LANGUAGES
from cocreate.live import facilitator, screens
from cocreate.live.rooms import facilitator_room, participant_room, table_room
from cocreate.workshop.models import Workshop

CACHE_KEY = "cocreate.live"


class LiveCache:
    """This process's built states; rebuilt from the database whenever it is behind."""

    def __init__(self) -> None:
        self.states: dict[int, screens.LiveState] = {}
        self.facilitator: dict[tuple[int, str], dict[str, Any]] = {}
        # Parts of a facilitator state changed since it was last built, by (workshop, language).
        self.facilitator_stale: defaultdict[tuple[int, str], set[str]] = defaultdict(set)
        self.last_version: dict[int, int] = {}  # the newest version this process made
        self.plan_lines: dict[tuple[object, ...], str | None] = {}
        self.locks: defaultdict[int, threading.Lock] = defaultdict(threading.Lock)
        self.facilitator_due: set[int] = set()
        self.facilitator_cost: dict[int, float] = {}  # seconds the last facilitator push took
        self.planning: set[int] = set()  # workshops whose planner runs in this process
        self.plan_again: set[int] = set()


def init_app(app: Flask) -> None:
    app.extensions[CACHE_KEY] = LiveCache()
    # Facilitator-only changes (ballots, joins) within this many seconds make one push.
    app.config.setdefault("LIVE_FACILITATOR_DELAY", 0.25)


def live_cache() -> LiveCache:
    cache: LiveCache = current_app.extensions[CACHE_KEY]
    return cache


# --- changes ----------------------------------------------------------------------------------


def notify_changed(
    workshop_id: int,
    *,
    everyone: bool = False,
    tables: Iterable[int] = (),
    participants: Iterable[int] = (),
) -> None:
    """Push a committed change: to every screen, or to the tables whose form changed and the
    tables where the named people sit (their personal part changed). Facilitator screens
    always learn of it, at once when everyone does, else within LIVE_FACILITATOR_DELAY."""
    cache = live_cache()
    table_ids, people = set(tables), set(participants)
    # A table's form is its notes; people's roles and tables are on the facilitator's lists.
    changed = {facilitator.NOTES} if table_ids else set()
    changed |= {facilitator.PEOPLE} if people else set()
    _facilitator_parts_changed(workshop_id, facilitator.FACILITATOR_PARTS if everyone else changed)
    with cache.locks[workshop_id]:
        version = _bump(workshop_id)
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is None:
            return
        previous = cache.states.get(workshop_id)
        if everyone or previous is None or previous.version != version - 1:
            state = screens.build_state(workshop, version)
            if previous is not None and previous.version == version - 1:
                unchanged = frozenset(
                    key
                    for key in screens.OMITTED_WHEN_UNCHANGED
                    if previous.shared[key] == state.shared[key]
                )
                state = dataclasses.replace(state, unchanged=unchanged)
        else:
            state = screens.refresh(
                previous, workshop, version, tables=table_ids, participants=people
            )
        cache.states[workshop_id] = state
        if everyone:
            targets = set(state.table_parts)
        else:
            targets = table_ids | {state.sitting_at[p] for p in people if p in state.sitting_at}
        for table_id in sorted(targets & state.table_parts.keys()):
            _push_table(state, table_id)
    if everyone:
        _facilitator_after_phones(workshop_id, version)
    else:
        _facilitator_soon(workshop_id)


def notify_joined(workshop_id: int, participant_id: int, *, role: str) -> None:
    """Someone joined: the facilitator's list changes; the table only if they came with a
    role (a booked host), since that role is no longer free there."""
    if role != "member":
        notify_changed(workshop_id, participants=[participant_id])
        return
    cache = live_cache()
    _facilitator_parts_changed(workshop_id, {facilitator.PEOPLE})
    with cache.locks[workshop_id]:
        version = _bump(workshop_id)
        previous = cache.states.get(workshop_id)
        workshop = db.session.get(Workshop, workshop_id)
        if previous is not None and previous.version == version - 1 and workshop is not None:
            cache.states[workshop_id] = screens.refresh(
                previous, workshop, version, participants={participant_id}
            )
    _facilitator_soon(workshop_id)


def notify_voted(workshop_id: int, participant_id: int) -> None:
    """A ballot was cast: the voter's other tabs learn it, the facilitator the turnout. Nobody
    else hears anything, and nothing pushed names the voter next to a ballot."""
    socketio.emit("voted", {}, to=participant_room(workshop_id, participant_id))
    _facilitator_soon(workshop_id)


def notify_facilitator(workshop_id: int) -> None:
    """A change only facilitator screens show (a merge on the shortlist, a tablet link)."""
    _facilitator_parts_changed(workshop_id, facilitator.FACILITATOR_PARTS)
    _facilitator_soon(workshop_id)


# --- reading (sync) ---------------------------------------------------------------------------


def current_version(workshop_id: int) -> int | None:
    return db.session.scalar(select(Workshop.state_version).where(Workshop.id == workshop_id))


def state_at(workshop_id: int, version: int) -> screens.LiveState | None:
    """The built state at the database's current version, built now if this process has not."""
    cache = live_cache()
    state = cache.states.get(workshop_id)
    if state is not None and state.version >= version:
        return state
    with cache.locks[workshop_id]:
        state = cache.states.get(workshop_id)
        if state is not None and state.version >= version:
            return state
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is None:
            return None
        state = screens.build_state(workshop, version)
        cache.states[workshop_id] = state
        return state


def facilitator_state(
    workshop: Workshop, version: int, language: str, *, fresh: bool = False
) -> dict[str, Any]:
    """The facilitator's state at this version. ``fresh`` builds it from the database even if
    this version was built: a ballot or a join waiting for its gathered push has not bumped
    the version yet, and a facilitator who asks must see it (facilitator screens are few)."""
    cache = live_cache()
    key = (workshop.id, language)
    cached = cache.facilitator.get(key)
    if not fresh and cached is not None and cached["v"] >= version:
        return cached
    # Taken before building: a change noted while this one is built is built next time.
    stale = frozenset(cache.facilitator_stale.pop(key, set()))
    with force_locale(language):
        snapshot = facilitator.facilitator_snapshot(
            workshop,
            str(current_app.config.get("PUBLIC_URL") or ""),
            version=version,
            plan_quality=_plan_line(workshop, language),
            previous=None if fresh else cached,
            rebuild=stale,
        )
    cache.facilitator[key] = snapshot
    return snapshot


# --- pushing ----------------------------------------------------------------------------------


def _bump(workshop_id: int) -> int:
    version = int(
        db.session.execute(
            update(Workshop)
            .where(Workshop.id == workshop_id)
            .values(state_version=Workshop.state_version + 1)
            .returning(Workshop.state_version)
        ).scalar_one()
    )
    db.session.commit()
    cache = live_cache()
    if cache.last_version.get(workshop_id) != version - 1:
        # Another process changed the workshop in between (or this one just started): what
        # it changed is unknown, so every part of the facilitator's state is built afresh.
        _facilitator_parts_changed(workshop_id, facilitator.FACILITATOR_PARTS)
    cache.last_version[workshop_id] = version
    return version


def _facilitator_parts_changed(workshop_id: int, parts: Iterable[str]) -> None:
    cache = live_cache()
    for language in LANGUAGES:
        cache.facilitator_stale[(workshop_id, language)].update(parts)


def _push_table(state: screens.LiveState, table_id: int) -> None:
    rooms = [participant_room(state.workshop_id, pid) for pid in state.sitters(table_id)]
    rooms.append(table_room(state.workshop_id, table_id))
    socketio.emit("table_state", state.table_payload(table_id), to=rooms)


def _push_facilitator(workshop: Workshop, version: int) -> None:
    for language in LANGUAGES:
        snapshot = facilitator_state(workshop, version, language)
        socketio.emit(
            "facilitator_state",
            {"v": version, "snapshot": snapshot},
            to=facilitator_room(workshop.id, language),
        )


def _plan_line(workshop: Workshop, language: str) -> str | None:
    """The plan's quality line, scored again only when the plan or the people change."""
    cache = live_cache()
    key = (*facilitator.plan_quality_key(workshop), language)
    if key not in cache.plan_lines:
        cache.plan_lines[key] = facilitator.plan_quality(workshop)
    return cache.plan_lines[key]


def _facilitator_after_phones(workshop_id: int, version: int) -> None:
    """Push the facilitator's state of a change every screen sees, once the phones' messages
    are on their way. Building it for 1,000 people takes longer than sending all of theirs,
    and until this handler yields, nothing queued is sent."""
    if float(current_app.config["LIVE_FACILITATOR_DELAY"]) <= 0:
        _push_facilitator_at(workshop_id, version)
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    socketio.start_background_task(_push_facilitator_later, app, workshop_id, version)


def _push_facilitator_later(app: Flask, workshop_id: int, version: int) -> None:
    with app.app_context():
        _push_facilitator_at(workshop_id, version)


def _push_facilitator_at(workshop_id: int, version: int) -> None:
    with live_cache().locks[workshop_id]:
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is not None:
            _push_facilitator(workshop, version)


def _facilitator_soon(workshop_id: int) -> None:
    delay = float(current_app.config["LIVE_FACILITATOR_DELAY"])
    cache = live_cache()
    if delay <= 0:
        _flush_facilitator(workshop_id)
        return
    if workshop_id in cache.facilitator_due:
        return  # a push is already on its way and will include this change
    cache.facilitator_due.add(workshop_id)
    # A big room's facilitator state takes a while to build: gather for at least three times
    # that long, so a burst of notes or ballots leaves most of the time to the phones.
    delay = max(delay, 3 * cache.facilitator_cost.get(workshop_id, 0.0))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    socketio.start_background_task(_flush_later, app, workshop_id, delay)


def _flush_later(app: Flask, workshop_id: int, delay: float) -> None:
    socketio.sleep(delay)
    with app.app_context():
        live_cache().facilitator_due.discard(workshop_id)
        _flush_facilitator(workshop_id)


def _flush_facilitator(workshop_id: int) -> None:
    cache = live_cache()
    with cache.locks[workshop_id]:
        version = _bump(workshop_id)
        previous = cache.states.get(workshop_id)
        if previous is not None and previous.version == version - 1:
            # Nothing phones see changed with this version: carry their state forward.
            cache.states[workshop_id] = dataclasses.replace(previous, version=version)
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is not None:
            started = time.perf_counter()
            _push_facilitator(workshop, version)
            cache.facilitator_cost[workshop_id] = time.perf_counter() - started
