"""Plan files: the samples in sessions/, defaults, canonical text, files and round trips."""

from __future__ import annotations

import pickle
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from cocreate.plans import (
    DEFAULT_SAMPLE,
    FieldPlan,
    ParticipantPlan,
    Plan,
    PlanError,
    Roles,
    RoundPlan,
    TablePlan,
    VotePlan,
    load_plan,
    parse_plan,
    plan_to_toml,
    sample_plans_dir,
    validate_plan,
)

SAMPLES = sorted(sample_plans_dir().glob("*.toml"))

MINIMAL = """
[workshop]
title = "Temadag"
language = "{language}"

[[tables]]
name = "Bord A"

[[tables]]
name = "Bord B"

[[rounds]]
title = "Runde 1"
minutes = 10

[[fields]]
key = "{first_key}"
label = "Første"

[[fields]]
key = "{last_key}"
label = "Sidste"
"""


def minimal(language: str = "da", first_key: str = "ideas", last_key: str = "notes") -> str:
    return MINIMAL.format(language=language, first_key=first_key, last_key=last_key)


# Samples ---------------------------------------------------------------------------------------


def test_sessions_folder_holds_the_samples_and_the_default() -> None:
    assert sample_plans_dir() == Path(__file__).resolve().parents[2] / "sessions"
    names = {path.name for path in SAMPLES}
    assert {DEFAULT_SAMPLE, "hedensted-kernegrupper.toml", "albertslund-netvaerk.toml"} <= names


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name)
def test_every_sample_parses_and_round_trips(path: Path) -> None:
    plan = load_plan(path)
    text = plan_to_toml(plan)
    assert parse_plan(text, source="written.toml") == plan
    assert plan_to_toml(parse_plan(text)) == text  # writing is stable, so diffs stay small
    assert plan.language == "da"


def test_default_sample_is_the_halsnaes_annual_conference() -> None:
    plan = load_plan(sample_plans_dir() / DEFAULT_SAMPLE)
    assert plan.title == "Årskonference 2013 – det tværfaglige boligsociale arbejde"
    assert plan.roles == Roles(host="Bordformand", notetaker="Referent")
    assert [table.name for table in plan.tables] == ["Gruppe 1", "Gruppe 2", "Gruppe 3", "Gruppe 4"]
    assert len(plan.rounds) == 4
    assert plan.rounds[0].title == "Runde 1 – ved eget bord"
    assert plan.rounds[-1].title == "Runde 4 – tilbage i egen gruppe"
    assert all(0 < round_plan.minutes <= 20 for round_plan in plan.rounds)
    assert [(field.key, field.label) for field in plan.fields] == [
        ("experiences", "Oplevelser"),
        ("ideas", "Idéer"),
        ("challenges", "Udfordringer"),
    ]
    assert plan.vote == VotePlan(
        shortlist_size=7,
        method="borda",
        ballot="ranking",
        min_ballots=3,
        challenge_field="challenges",
    )
    assert plan.home_tables == "balanced"
    assert plan.participants == ()
    # A line ending in a backslash continues the text without a line break.
    assert plan.description.splitlines()[0].endswith("metoder, erfaringer og resultater.")


def test_hedensted_sample_has_the_four_core_groups_and_named_hosts() -> None:
    plan = load_plan(sample_plans_dir() / "hedensted-kernegrupper.toml")
    assert [table.name for table in plan.tables] == [
        "Fritid og Fællesskab",
        "Beskæftigelse",
        "Social omsorg",
        "Læring",
    ]
    assert plan.roles == Roles(host="Bordformand", notetaker="Referent")  # the Danish default
    assert plan.vote.challenge_field == "proposals"
    assert plan.vote.method == "schulze"
    assert plan.home_tables == "choose"
    assert ParticipantPlan(name="Signe Østergaard", table=1, role="host") in plan.participants
    assert ParticipantPlan(name="Rasmus Fønsskov", table=3, role="notetaker") in plan.participants


def test_albertslund_sample_leaves_ballot_and_challenge_field_to_the_defaults() -> None:
    plan = load_plan(sample_plans_dir() / "albertslund-netvaerk.toml")
    assert (plan.vote.method, plan.vote.ballot) == ("points", "dots")
    assert plan.vote.challenge_field == "initiatives"  # the last field; none is "challenges"
    assert plan.roles.host == "Netværksvært"


def test_the_annotated_example_in_the_format_guide_is_a_valid_plan() -> None:
    guide = (sample_plans_dir() / "README.md").read_text(encoding="utf-8")
    example = guide.split("```toml\n", 1)[1].split("```", 1)[0]
    plan = parse_plan(example, source="README.md")
    assert [table.name for table in plan.tables] == ["Gruppe 1", "Gruppe 2"]
    assert plan.participants == (ParticipantPlan("Karla Vestergaard", 0, "host"),)


# Defaults --------------------------------------------------------------------------------------


def test_defaults_of_a_minimal_plan() -> None:
    plan = parse_plan(minimal())
    assert plan.description == ""
    assert plan.home_tables == "balanced"
    assert plan.roles == Roles(host="Bordformand", notetaker="Referent")
    assert plan.tables[0] == TablePlan(name="Bord A", topic="")
    assert plan.rounds[0] == RoundPlan(title="Runde 1", prompt="", minutes=10.0)
    assert isinstance(plan.rounds[0].minutes, float)
    assert plan.fields[0] == FieldPlan(key="ideas", label="Første", help="")
    assert plan.vote == VotePlan(
        shortlist_size=7, method="borda", ballot="ranking", min_ballots=3, challenge_field="notes"
    )
    assert plan.participants == ()
    assert plan.vote.voter_codes is False  # one ballot per joined phone unless the plan says


def test_voter_codes_are_read_and_written_back() -> None:
    plan = parse_plan(minimal() + "\n[vote]\nvoter_codes = true\n")
    assert plan.vote.voter_codes is True
    assert "voter_codes = true" in plan_to_toml(plan)
    assert parse_plan(plan_to_toml(plan)) == plan


def test_english_plans_get_english_role_names() -> None:
    assert parse_plan(minimal(language="en")).roles == Roles(host="Host", notetaker="Note-taker")


def test_one_role_name_can_be_set_and_the_other_defaults() -> None:
    plan = parse_plan(minimal() + '\n[roles]\nnotetaker = "Skriver"\n')
    assert plan.roles == Roles(host="Bordformand", notetaker="Skriver")


def test_challenge_field_defaults_to_challenges_wherever_it_is() -> None:
    plan = parse_plan(minimal(first_key="challenges", last_key="ideas"))
    assert plan.vote.challenge_field == "challenges"


@pytest.mark.parametrize(
    ("method", "ballot"),
    [("borda", "ranking"), ("schulze", "ranking"), ("points", "dots"), ("approval", "approval")],
)
def test_ballot_follows_the_method_unless_given(method: str, ballot: str) -> None:
    plan = parse_plan(minimal() + f'\n[vote]\nmethod = "{method}"\n')
    assert plan.vote.ballot == ballot


# Text -----------------------------------------------------------------------------------------


def test_danish_letters_survive_reading_and_writing(tmp_path: Path) -> None:
    text = minimal().replace("Temadag", "Æblerne på Ærø – Øst for Åen").replace("Bord B", "Bord Ø")
    path = tmp_path / "æøå.toml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    assert plan.title == "Æblerne på Ærø – Øst for Åen"
    written = plan_to_toml(plan)
    assert 'title = "Æblerne på Ærø – Øst for Åen"' in written  # as letters, not \u escapes
    assert parse_plan(written) == plan


def test_decomposed_letters_from_a_mac_equal_the_composed_ones(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Bord Å")
    assert decomposed != "Bord Å"
    text = minimal().replace("Bord B", decomposed)
    text += f'\n[[participants]]\nname = "Åse"\ntable = "{decomposed}"\n'
    plan = parse_plan(text)
    assert plan.tables[1].name == "Bord Å"
    assert plan.participants == (ParticipantPlan(name="Åse", table=1, role="member"),)


def test_texts_are_trimmed_and_single_line_texts_kept_on_one_line() -> None:
    table = TablePlan(name="  Bord\n  1\t", topic="  Første linje   \r\nAnden linje \n\n")
    assert table == TablePlan(name="Bord 1", topic="Første linje\nAnden linje")


def test_participant_table_names_match_regardless_of_case() -> None:
    plan = parse_plan(minimal() + '\n[[participants]]\nname = "Åse"\ntable = "bord b"\n')
    assert plan.participants[0].table == 1


def test_a_byte_order_mark_from_windows_notepad_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "notepad.toml"
    path.write_bytes(minimal().encode("utf-8-sig"))
    assert load_plan(path).title == "Temadag"


def test_multiline_texts_with_quotes_and_backslashes_round_trip() -> None:
    plan = parse_plan(minimal())
    tricky = 'Linje 1 med "citat"\nC:\\mappe\\ og """tre""" og slut med "'
    plan = replace(plan, description=tricky, tables=(TablePlan("A\\B", '"'), plan.tables[1]))
    assert parse_plan(plan_to_toml(plan)) == plan


# Files ----------------------------------------------------------------------------------------


def test_missing_file_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "findes-ikke.toml"
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    error = caught.value
    assert (error.source, error.field) == (str(path), "file")
    assert str(error) == f"{path}: file: The file does not exist. Check the name and the folder."


def test_a_folder_is_not_a_plan(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"^.*: file: The file cannot be read: .+\.$"):
        load_plan(tmp_path)


def test_a_file_that_is_not_utf8_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(minimal().replace("Temadag", "Årsmøde").encode("latin-1"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert caught.value.field == "file"
    assert caught.value.problem.startswith(
        "The file is not saved as UTF-8 text (unexpected byte 0xc5"
    )


def test_source_defaults_to_a_placeholder() -> None:
    with pytest.raises(PlanError, match=r"^<plan>: workshop: "):
        parse_plan("")


# Values and the error type --------------------------------------------------------------------


def test_plans_are_hashable_values() -> None:
    first, second = parse_plan(minimal()), parse_plan(minimal())
    assert first == second
    assert len({first, second}) == 1


def test_lists_given_by_the_editor_become_tuples() -> None:
    plan = parse_plan(minimal())
    edited = replace(plan, tables=list(plan.tables))  # type: ignore[arg-type]
    assert edited.tables == plan.tables
    assert isinstance(edited.tables, tuple)
    hash(edited)


def test_plan_error_is_a_value_error_that_survives_pickling() -> None:
    error = PlanError("x.toml", "rounds[2].minutes", 'Must be a number, not text ("ten").')
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.source, copy.field, copy.problem) == (error.source, error.field, error.problem)
    assert str(copy) == 'x.toml: rounds[2].minutes: Must be a number, not text ("ten").'


def test_an_invalid_plan_is_not_written() -> None:
    plan = replace(parse_plan(minimal()), title="  ")
    with pytest.raises(PlanError, match=r"^<plan>: workshop.title: Must not be empty\.$"):
        plan_to_toml(plan)


def test_validate_plan_accepts_a_valid_plan_and_names_the_source() -> None:
    plan = parse_plan(minimal())
    assert validate_plan(plan) is None
    with pytest.raises(PlanError, match=r"^editor: rounds\[1\]\.minutes: "):
        validate_plan(replace(plan, rounds=(RoundPlan("R", "", 0),)), source="editor")


def test_plan_dataclasses_are_frozen() -> None:
    plan: Plan = parse_plan(minimal())
    with pytest.raises(AttributeError):
        plan.title = "Ny"  # type: ignore[misc]
