"""The plan editor: a workshop's plan as a ``Plan``, a ``Plan`` from the editor's form, and
applying a checked plan to a workshop.

The form's values go into a ``Plan`` as they were typed (a number field holding "ten" stays
the text "ten") and ``validate_plan`` judges them, so the editor refuses exactly what the
plan-file parser refuses, with the same message and the same field path
(``rounds[2].minutes``), which the page uses to put the message next to the field.

Before the workshop starts everything may change. After that only what cannot confuse the
room: the minutes and prompts of rounds not yet started, and the shortlist size and voter
codes until the vote opens.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import zip_longest
from typing import Final, Protocol

from cocreate.db import db
from cocreate.i18n import _
from cocreate.plans import (
    FieldPlan,
    ParticipantPlan,
    Plan,
    PlanError,
    Roles,
    RoundPlan,
    TablePlan,
    VotePlan,
    parse_plan,
    plan_to_toml,
    validate_plan,
)
from cocreate.workshop.models import CafeTable, Participant, Round, Workshop

EDITOR_SOURCE: Final = "plan"
PHASES_BEFORE_VOTE: Final = ("draft", "lobby", "rounds", "consolidation")


class FormData(Protocol):
    def get(self, key: str) -> str | None: ...
    def getlist(self, key: str) -> list[str]: ...


def plan_from_workshop(workshop: Workshop) -> Plan:
    """The workshop's plan as its rows hold it now (the rows, not the stored TOML, are what
    the workshop runs on)."""
    return Plan(
        title=workshop.title,
        language=workshop.language,
        description=workshop.description,
        roles=Roles(host=workshop.host_label, notetaker=workshop.notetaker_label),
        tables=tuple(TablePlan(name=t.name, topic=t.topic) for t in workshop.tables),
        rounds=tuple(
            RoundPlan(title=r.title, prompt=r.prompt, minutes=r.minutes) for r in workshop.rounds
        ),
        fields=tuple(
            FieldPlan(key=f["key"], label=f["label"], help=f.get("help", ""))
            for f in workshop.form_fields
        ),
        vote=VotePlan(
            shortlist_size=workshop.shortlist_size,
            method=workshop.vote_method,
            ballot=workshop.ballot_type,
            min_ballots=workshop.min_ballots,
            challenge_field=workshop.challenge_field,
            voter_codes=workshop.voter_codes,
        ),
        home_tables=workshop.home_tables,
        participants=tuple(
            ParticipantPlan(name=r["name"], table=r["table"], role=r["role"])
            for r in workshop.roster
        ),
    )


def plan_from_form(form: FormData, participants: tuple[ParticipantPlan, ...]) -> Plan:
    """The editor's form as a Plan, unchecked. Rows left completely empty are dropped (that
    is how a spare row, or a row cleared by hand, goes away). Names booked in advance are not
    on the form and are kept as they are."""

    def text(name: str) -> str:
        return form.get(name) or ""

    def rows(*names: str) -> list[tuple[str, ...]]:
        columns = [form.getlist(name) for name in names]
        return [
            tuple(value or "" for value in row)
            for row in zip_longest(*columns, fillvalue="")
            if any((value or "").strip() for value in row)
        ]

    return Plan(
        title=text("title"),
        language=text("language"),
        description=text("description"),
        roles=Roles(host=text("role_host"), notetaker=text("role_notetaker")),
        tables=tuple(
            TablePlan(name=name, topic=topic) for name, topic in rows("table_name", "table_topic")
        ),
        rounds=tuple(
            RoundPlan(title=title, prompt=prompt, minutes=_number(minutes))  # type: ignore[arg-type]
            for title, prompt, minutes in rows("round_title", "round_prompt", "round_minutes")
        ),
        fields=tuple(
            FieldPlan(key=key, label=label, help=help_text)
            for key, label, help_text in rows("field_key", "field_label", "field_help")
        ),
        vote=VotePlan(
            shortlist_size=_whole_number(text("shortlist_size")),  # type: ignore[arg-type]
            method=text("method"),
            ballot=text("ballot"),
            min_ballots=_whole_number(text("min_ballots")),  # type: ignore[arg-type]
            challenge_field=text("challenge_field"),
            voter_codes=form.get("voter_codes") is not None,  # a checkbox: sent only when ticked
        ),
        home_tables=text("home_tables"),
        participants=participants,
    )


def _number(raw: str) -> float | str:
    """Minutes as typed; a Danish decimal comma is fine. Anything else stays text for the
    validator to refuse with its usual message."""
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        return raw.strip()


def _whole_number(raw: str) -> int | str:
    try:
        return int(raw.strip())
    except ValueError:
        return raw.strip()


def read_uploaded_plan(data: bytes, file_name: str) -> Plan:
    """A plan file sent from the browser, checked like ``cocreate import`` checks one."""
    source = file_name or "upload.toml"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError(
            source, "file", _("The file is not saved as UTF-8 text. Save it again as UTF-8.")
        ) from None
    return parse_plan(text, source=source)


# --- applying a plan --------------------------------------------------------------------------


def apply_plan(workshop: Workshop, plan: Plan) -> None:
    """Make the workshop follow the plan, or raise ``PlanError`` having changed nothing."""
    validate_plan(plan, source=EDITOR_SOURCE)
    started = workshop.current_round >= 0 or workshop.phase not in ("draft", "lobby")
    if started:
        _apply_live_changes(workshop, plan)
    else:
        _apply_whole_plan(workshop, plan)
    workshop.plan_toml = plan_to_toml(plan)
    db.session.commit()


def _apply_whole_plan(workshop: Workshop, plan: Plan) -> None:
    dropped = workshop.tables[len(plan.tables) :]
    for table in dropped:
        seated = db.session.query(Participant.id).filter_by(home_table_id=table.id).count()
        if seated:
            raise PlanError(
                EDITOR_SOURCE,
                "tables",
                _(
                    "%(count)d people have already joined table “%(name)s”, so it cannot be "
                    "removed. Keep it, or remove another table.",
                    count=seated,
                    name=table.name,
                ),
            )
    workshop.title = plan.title
    workshop.language = plan.language
    workshop.description = plan.description
    workshop.home_tables = plan.home_tables
    workshop.host_label = plan.roles.host
    workshop.notetaker_label = plan.roles.notetaker
    workshop.form_fields = [{"key": f.key, "label": f.label, "help": f.help} for f in plan.fields]
    workshop.challenge_field = plan.vote.challenge_field
    workshop.shortlist_size = plan.vote.shortlist_size
    workshop.vote_method = plan.vote.method
    workshop.ballot_type = plan.vote.ballot
    workshop.min_ballots = plan.vote.min_ballots
    workshop.voter_codes = plan.vote.voter_codes
    workshop.roster = [
        {"name": p.name, "table": p.table, "role": p.role} for p in plan.participants
    ]
    # Tables and rounds are updated in place, position by position: joined people keep their
    # home table when its name or topic changes.
    for position, table_plan in enumerate(plan.tables):
        if position < len(workshop.tables):
            workshop.tables[position].name = table_plan.name
            workshop.tables[position].topic = table_plan.topic
        else:
            workshop.tables.append(
                CafeTable(position=position, name=table_plan.name, topic=table_plan.topic)
            )
    for table in dropped:
        workshop.tables.remove(table)
    for position, round_plan in enumerate(plan.rounds):
        if position < len(workshop.rounds):
            round_ = workshop.rounds[position]
            round_.title, round_.prompt = round_plan.title, round_plan.prompt
            round_.minutes = round_plan.minutes
        else:
            workshop.rounds.append(
                Round(
                    position=position,
                    title=round_plan.title,
                    prompt=round_plan.prompt,
                    minutes=round_plan.minutes,
                )
            )
    for round_ in workshop.rounds[len(plan.rounds) :]:
        workshop.rounds.remove(round_)


def _apply_live_changes(workshop: Workshop, plan: Plan) -> None:
    locked = _locked_differences(workshop, plan_from_workshop(workshop), plan)
    if locked:
        raise PlanError(
            EDITOR_SOURCE,
            locked[0],
            _(
                "The workshop has started, so this can no longer change. You can still change "
                "the minutes and prompts of rounds that have not started, and the shortlist "
                "size and voter codes until the vote opens."
            ),
        )
    if plan.vote.shortlist_size < len(workshop.challenges):
        raise PlanError(
            EDITOR_SOURCE,
            "vote.shortlist_size",
            _(
                "The shortlist already has %(count)d challenges. Remove some on the "
                "facilitator screen first.",
                count=len(workshop.challenges),
            ),
        )
    for round_, round_plan in zip(workshop.rounds, plan.rounds, strict=True):
        round_.prompt = round_plan.prompt
        round_.minutes = round_plan.minutes
    workshop.shortlist_size = plan.vote.shortlist_size
    workshop.voter_codes = plan.vote.voter_codes


def _locked_differences(workshop: Workshop, current: Plan, plan: Plan) -> list[str]:
    """The field paths a started workshop's plan may not change, in plan-file order."""
    changed: list[str] = []
    for name in ("title", "language", "description", "home_tables", "roles"):
        if getattr(current, name) != getattr(plan, name):
            changed.append(f"workshop.{name}" if name != "roles" else "roles")
    if current.tables != plan.tables:
        changed.append("tables")
    if len(current.rounds) != len(plan.rounds):
        changed.append("rounds")
    for number, (round_, before, after) in enumerate(
        zip(workshop.rounds, current.rounds, plan.rounds, strict=False), start=1
    ):
        if before.title != after.title:
            changed.append(f"rounds[{number}].title")
        not_started = round_.started_at is None
        if before.prompt != after.prompt and not not_started:
            changed.append(f"rounds[{number}].prompt")
        if before.minutes != after.minutes and not not_started:
            changed.append(f"rounds[{number}].minutes")
    if current.fields != plan.fields:
        changed.append("fields")
    vote_before, vote_after = current.vote, plan.vote
    # The shortlist size and voter codes stay open until the vote opens.
    open_until_vote = ("shortlist_size", "voter_codes")

    def locked(vote: VotePlan) -> VotePlan:
        return replace(vote, shortlist_size=0, voter_codes=False)

    if locked(vote_before) != locked(vote_after):
        changed.append("vote")
    for name in open_until_vote:
        if (
            getattr(vote_before, name) != getattr(vote_after, name)
            and workshop.phase not in PHASES_BEFORE_VOTE
        ):
            changed.append(f"vote.{name}")
    if current.participants != plan.participants:
        changed.append("participants")
    return changed
