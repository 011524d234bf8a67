"""Ending the screens of a link that no longer holds: a rotated facilitator key, a revoked
co-facilitator or tablet link. Every connection made with a link is in that link's room
(cocreate.live.rooms); those connections are disconnected, and connecting again is refused.
Each action and sync checks the link again as well, so nothing slips through in between."""

from __future__ import annotations

from collections.abc import Iterable

from cocreate.extensions import socketio
from cocreate.live.cluster import RoomDisconnectingRedisManager
from cocreate.live.rooms import co_facilitator_room, facilitator_key_room, tablet_link_room


def end_facilitator_screens(workshop_id: int) -> None:
    """After the facilitator key was rotated: screens opened with the old one are cut off."""
    _disconnect(facilitator_key_room(workshop_id))


def end_co_facilitator_screens(workshop_id: int, link_id: int) -> None:
    _disconnect(co_facilitator_room(workshop_id, link_id))


def end_tablets(workshop_id: int, link_ids: Iterable[int]) -> None:
    for link_id in link_ids:
        _disconnect(tablet_link_room(workshop_id, link_id))


def _disconnect(room: str) -> None:
    """Disconnect every connection in a room. A screen cut off this way reconnects once and
    is refused (common.js), so it says its link is no longer valid."""
    server = socketio.server
    if server is None:
        return
    if isinstance(server.manager, RoomDisconnectingRedisManager):
        server.manager.disconnect_room(room)  # members on every worker (cocreate.live.cluster)
        return
    for sid, _eio_sid in list(server.manager.get_participants("/", room)):
        server.disconnect(sid, namespace="/")
