"""Socket.IO handlers for the vote. No event or log line ever carries a ballot next to a voter."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO

from cocreate.live import notify_changed, notify_facilitator, notify_voted
from cocreate.live.actors import facilitator_event, participant_event
from cocreate.voting import codes, services
from cocreate.workshop.models import Participant, Workshop


def register_voting_events(sio: SocketIO) -> None:
    @sio.on("open_vote")
    @facilitator_event
    def open_vote(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.open_vote(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("close_vote")
    @facilitator_event
    def close_vote(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.close_vote(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("close_workshop")
    @facilitator_event
    def close_workshop(workshop: Workshop, _payload: dict[str, Any]) -> None:
        services.close_workshop(workshop)
        notify_changed(workshop.id, everyone=True)

    @sio.on("set_ballot")
    @facilitator_event
    def set_ballot(workshop: Workshop, payload: dict[str, Any]) -> None:
        services.set_ballot(
            workshop,
            payload.get("ballot_type"),
            payload.get("method"),
            points_budget=payload.get("points_budget"),
            points_per_item=payload.get("points_per_item"),
            approvals_max=payload.get("approvals_max"),
        )
        notify_changed(workshop.id, everyone=True)

    @sio.on("set_voter_codes")
    @facilitator_event
    def set_voter_codes(workshop: Workshop, payload: dict[str, Any]) -> None:
        codes.set_voter_codes(workshop, payload.get("on"))
        notify_changed(workshop.id, everyone=True)

    @sio.on("cast_paper_ballot")
    @facilitator_event
    def cast_paper_ballot(workshop: Workshop, payload: dict[str, Any]) -> dict[str, Any]:
        receipt = services.cast_paper_ballot(
            workshop, payload.get("choice"), payload.get("voter_code")
        )
        notify_facilitator(workshop.id)  # the turnout, as after a phone's ballot
        return {"receipt": receipt}

    @sio.on("cast_ballot")
    @participant_event
    def cast_ballot(participant: Participant, payload: dict[str, Any]) -> dict[str, Any]:
        outcome = services.cast_ballot(
            participant, payload.get("choice"), payload.get("voter_code")
        )
        # Only the turnout changes for others: the facilitator's screen shows it.
        notify_voted(participant.workshop_id, participant.id)
        return {"already_counted": outcome.already_counted, "receipt": outcome.receipt}
