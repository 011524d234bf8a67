"""Several workers behind a balancer: Socket.IO's message queue (docs/deploy.md).

With ``MESSAGE_QUEUE`` set (``COCREATE_MESSAGE_QUEUE``, ``cocreate serve --message-queue``),
every emit goes through Redis to every worker, so a change made on one worker reaches phones
connected to another. python-socketio's queue managers forward emits and single-connection
disconnects, but a room's members are known only to the worker holding them: ending the
screens of a revoked link (cocreate.live.revoke) must reach every worker, so it travels as a
private emit that each worker turns into disconnects of its own connections.
"""

from __future__ import annotations

from typing import Any

import socketio

# Never sent to a client: each worker intercepts it (an event name no screen listens for).
DISCONNECT_ROOM_EVENT = "cocreate:disconnect-room"


class RoomDisconnectingRedisManager(socketio.RedisManager):
    """Redis's queue manager, able to disconnect a room's members on every worker."""

    def disconnect_room(self, room: str, namespace: str = "/") -> None:
        message = {
            "method": "emit",
            "event": DISCONNECT_ROOM_EVENT,
            "data": [],
            "binary": False,
            "namespace": namespace,
            "room": room,
            "skip_sid": None,
            "callback": None,
            "host_id": self.host_id,
        }
        self._handle_emit(message)  # this worker's members
        self._publish(message)  # and every other worker's

    def _handle_emit(self, message: dict[str, Any]) -> None:
        if message.get("event") != DISCONNECT_ROOM_EVENT:
            super()._handle_emit(message)
            return
        namespace = message.get("namespace") or "/"
        for sid, _eio_sid in list(self.get_participants(namespace, message.get("room"))):
            self.server.disconnect(sid, namespace=namespace, ignore_queue=True)


def client_manager(url: str) -> socketio.PubSubManager:
    """The queue manager for a message-queue URL; only Redis is supported (and tested)."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"MESSAGE_QUEUE must be a redis:// URL, not {url!r}")
    return RoomDisconnectingRedisManager(url, channel="cocreate")
