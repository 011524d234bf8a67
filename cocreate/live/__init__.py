"""The real-time layer: who is connected, what each screen sees, and pushing changes to it.

It sits above cocreate.workshop and cocreate.voting (an import-linter contract holds the
direction): the domain never pushes anything; its socket handlers and views call
``notify_changed`` and friends after a service has committed. The protocol is in
docs/realtime.md.
"""

from __future__ import annotations

from flask import Flask

from cocreate.live.publish import notify_changed, notify_facilitator, notify_joined, notify_voted
from cocreate.live.revoke import end_co_facilitator_screens, end_facilitator_screens, end_tablets

__all__ = [
    "end_co_facilitator_screens",
    "end_facilitator_screens",
    "end_tablets",
    "init_app",
    "notify_changed",
    "notify_facilitator",
    "notify_joined",
    "notify_voted",
]


def init_app(app: Flask) -> None:
    from cocreate.extensions import socketio
    from cocreate.live import planner, publish, ratelimit
    from cocreate.live.connection import register_connection_events

    publish.init_app(app)
    planner.init_app(app)
    ratelimit.init_app(app)
    register_connection_events(socketio)
