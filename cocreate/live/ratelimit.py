"""A token bucket per connection, so one phone cannot flood the room with actions.

Each phone or tablet connection may send a burst of actions (PHONE_ACTION_BURST), then
PHONE_ACTION_RATE per second. The bucket lives in the connection's Socket.IO session: it is
about one socket, and it goes away with it. Over the limit an action is refused before it
touches the database, with the seconds until the next one is allowed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from typing import Any

from flask import Flask, current_app

SESSION_KEY = "action_bucket"
# Seconds on a clock that only moves forward; a test may replace it.
clock: Callable[[], float] = time.monotonic


def init_app(app: Flask) -> None:
    app.config.setdefault("PHONE_ACTION_BURST", 10)
    app.config.setdefault("PHONE_ACTION_RATE", 1.0)


def take(session: MutableMapping[str, Any]) -> float:
    """Spend one token of this connection's bucket: 0 if the action may go ahead, else the
    seconds until a token is back (nothing is spent)."""
    capacity = float(current_app.config["PHONE_ACTION_BURST"])
    rate = float(current_app.config["PHONE_ACTION_RATE"])
    now = clock()
    bucket = session.get(SESSION_KEY) or {"tokens": capacity, "at": now}
    tokens = min(capacity, bucket["tokens"] + max(0.0, now - bucket["at"]) * rate)
    if tokens < 1:
        session[SESSION_KEY] = {"tokens": tokens, "at": now}
        return (1 - tokens) / rate if rate > 0 else float("inf")
    session[SESSION_KEY] = {"tokens": tokens - 1, "at": now}
    return 0.0
