"""Socket.IO room names. A phone is in its own participant room (all its tabs and reconnects),
a tablet in its table's room, a facilitator screen in the facilitator room of its language.

Screens that connected with a link are also in that link's room, so that revoking or
replacing the link disconnects exactly them (cocreate.live.connection)."""

from __future__ import annotations


def facilitator_room(workshop_id: int, language: str) -> str:
    return f"w{workshop_id}:facilitator:{language}"


def table_room(workshop_id: int, table_id: int) -> str:
    """A table's shared tablets (phones are reached through their participant rooms)."""
    return f"w{workshop_id}:table{table_id}"


def participant_room(workshop_id: int, participant_id: int) -> str:
    """All connections of one participant (a phone with two tabs, a reconnect)."""
    return f"w{workshop_id}:p{participant_id}"


def facilitator_key_room(workshop_id: int) -> str:
    """Facilitator screens opened with the workshop's own key (or the organiser's link)."""
    return f"w{workshop_id}:facilitator-key"


def co_facilitator_room(workshop_id: int, link_id: int) -> str:
    return f"w{workshop_id}:co-facilitator{link_id}"


def tablet_link_room(workshop_id: int, link_id: int) -> str:
    return f"w{workshop_id}:tablet-link{link_id}"
