"""Parts of a screen that phones, tablets and the facilitator show alike: the workshop's
settings, the round, a table's brief, a note, the shortlist and the stored results."""

from __future__ import annotations

from typing import Any

from cocreate.i18n import LANGUAGES
from cocreate.timeutil import to_epoch_ms
from cocreate.voting import services as voting
from cocreate.voting.explain import method_sentence
from cocreate.workshop.models import CafeTable, Workshop

PHASES_WITH_SHORTLIST = ("consolidation", "voting", "results", "closed")


def shortlist_info(workshop: Workshop) -> list[dict[str, Any]]:
    """The challenges as phones see them, once the room has started agreeing them."""
    if workshop.phase not in PHASES_WITH_SHORTLIST:
        return []
    return [{"id": c.id, "text": c.text} for c in workshop.challenges]


def workshop_info(workshop: Workshop) -> dict[str, Any]:
    return {
        "id": workshop.id,
        "code": workshop.code,
        "title": workshop.title,
        "language": workshop.language,
        "phase": workshop.phase,
        "fields": workshop.form_fields,
        "challenge_field": workshop.challenge_field,
        "host_label": workshop.host_label,
        "notetaker_label": workshop.notetaker_label,
        "shortlist_size": workshop.shortlist_size,
        "min_ballots": workshop.min_ballots,
        "home_tables": workshop.home_tables,
        "ballot": {
            "type": workshop.ballot_type,
            "method": workshop.vote_method,
            "points_budget": workshop.points_budget,
            "points_per_item": workshop.points_per_item,
            "approvals_max": workshop.approvals_max,
            # The phone asks for a printed one-time code with the ballot.
            "voter_codes": workshop.voter_codes,
        },
    }


def table_brief(table: CafeTable) -> dict[str, Any]:
    return {"id": table.id, "number": table.number, "name": table.name, "topic": table.topic}


def round_info(workshop: Workshop) -> dict[str, Any] | None:
    if workshop.current_round < 0:
        return None
    round_ = workshop.rounds[workshop.current_round]
    following = (
        workshop.rounds[round_.position + 1] if round_.position + 1 < len(workshop.rounds) else None
    )
    return {
        "number": round_.position + 1,
        "total": len(workshop.rounds),
        "title": round_.title,
        "prompt": round_.prompt,
        "minutes": round_.minutes,
        "running": workshop.round_running,
        "deadline": to_epoch_ms(workshop.round_deadline),
        "paused_left": workshop.round_paused_left,
        "last": following is None,
        "next_title": following.title if following else None,
    }


def note_info(note: Any) -> dict[str, Any]:
    return {
        "id": note.id,
        "table_id": note.table_id,
        "round": note.round_position + 1,
        "field": note.field,
        "text": note.text,
    }


def results_in_every_language(workshop: Workshop) -> dict[str, Any] | None:
    """The stored results, with their two sentences in every language (see in_language)."""
    stored = voting.stored_results(workshop)
    if stored is None:
        return None
    robustness = stored["robustness"]
    texts = {}
    for language in LANGUAGES:
        texts[language] = {
            "method_sentence": method_sentence(stored["method"], stored["candidates"], language),
            "robustness": robustness.get(language) if robustness else None,
        }
    shown = {k: v for k, v in stored.items() if k not in ("robustness", "candidates")}
    return shown | {"texts": texts}


def in_language(results: dict[str, Any] | None, language: str) -> dict[str, Any] | None:
    """Pushed results carry their sentences in every language; a screen shows one."""
    if results is None:
        return None
    texts = results["texts"].get(language) or results["texts"][LANGUAGES[0]]
    shown = {k: v for k, v in results.items() if k != "texts"}
    return shown | texts
