"""The whole workshop as JSON, to archive and to import again (cocreate/export/restore.py).

The format is described key by key in docs/export-json.md; bump ARCHIVE_VERSION when a key
changes meaning.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Final

from cocreate.export.data import Choice, WorkshopExport
from cocreate.export.results_csv import plain_number
from cocreate.voting.explain import describe_comparison, method_sentence, score_label

ARCHIVE_FORMAT: Final = "cocreate-workshop"
ARCHIVE_VERSION: Final = 1


def iso_time(moment: datetime | None) -> str | None:
    """Database times are naive UTC; the archive says so with a Z."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def workshop_archive(export: WorkshopExport) -> dict[str, Any]:
    results = export.results
    labels = {str(c.id): c.text for c in export.challenges}
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "names_included": export.names_included,
        "workshop": {
            "title": export.title,
            "language": export.language,
            "description": export.description,
            "phase": export.phase,
            "current_round": export.current_round + 1 if export.current_round >= 0 else None,
            "created_at": iso_time(export.created_at),
            "host_label": export.host_label,
            "notetaker_label": export.notetaker_label,
            "home_tables": export.home_tables,
            "plan_toml": export.plan_toml,
        },
        "tables": [{"number": t.number, "name": t.name, "topic": t.topic} for t in export.tables],
        "rounds": [
            {
                "number": r.number,
                "title": r.title,
                "prompt": r.prompt,
                "minutes": r.minutes,
                "started_at": iso_time(r.started_at),
                "ended_at": iso_time(r.ended_at),
            }
            for r in export.rounds
        ],
        "fields": [{"key": f.key, "label": f.label, "help": f.help} for f in export.fields],
        "vote": {
            "method": export.vote.method,
            "ballot": export.vote.ballot,
            "shortlist_size": export.vote.shortlist_size,
            "min_ballots": export.vote.min_ballots,
            "challenge_field": export.vote.challenge_field,
            "points_budget": export.vote.points_budget,
            "points_per_item": export.vote.points_per_item,
            "approvals_max": export.vote.approvals_max,
            "voter_codes": export.vote.voter_codes,
        },
        "roster": None
        if export.roster is None
        else [
            {"name": r["name"], "table": r["table"] + 1, "role": r["role"]} for r in export.roster
        ],
        "participants": [
            {"id": p.id, "home_table": p.home_table, "role": p.role, "present": p.present}
            | ({"name": p.name} if export.names_included else {})
            for p in export.participants
        ],
        "seats": [
            {"round": s.round, "participant": s.participant, "table": s.table} for s in export.seats
        ],
        "notes": [
            {
                "id": n.id,
                "table": n.table,
                "round": n.round,
                "field": n.field,
                "text": n.text,
                "author": n.author,
                "created_at": iso_time(n.created_at),
            }
            for n in export.notes
        ],
        "challenges": [
            {"id": c.id, "text": c.text, "sources": list(c.sources)} for c in export.challenges
        ],
        "ballots": [{"receipt": b.receipt, "choice": _choice(b.choice)} for b in export.ballots],
        "turnout": {
            "voted": export.turnout.voted,
            "eligible": export.turnout.eligible,
            "ballots": export.turnout.ballots,
            "min_ballots": export.turnout.min_ballots,
            "codes_printed": export.turnout.codes_printed,
            "codes_used": export.turnout.codes_used,
            "paper_ballots": export.turnout.paper_ballots,
        },
        "results": {
            "method": results.method,
            "method_sentence": method_sentence(
                results.method, len(export.challenges), export.language
            ),
            "score_unit": score_label(results.method, export.language),
            "ranking": [
                {
                    "rank": row.rank,
                    "tied": row.tied,
                    "challenge": row.challenge,
                    "text": export.challenge(row.challenge).text,
                    "score": plain_number(row.score),
                }
                for row in results.rows
            ],
            "pairwise": [
                [results.pairwise.get((a.id, b.id)) for b in export.challenges]
                for a in export.challenges
            ]
            if results.pairwise
            else None,
            "borda_schulze_agree": None if results.comparison is None else results.comparison.agree,
            "robustness": describe_comparison(
                results.comparison, labels=labels, language=export.language
            ),
        },
    }


def _choice(choice: Choice) -> list[int] | dict[str, int]:
    if isinstance(choice, dict):
        return {str(challenge): points for challenge, points in choice.items()}
    return list(choice)


def workshop_json(export: WorkshopExport) -> str:
    return json.dumps(workshop_archive(export), ensure_ascii=False, indent=2) + "\n"
