"""Every way a plan file can be wrong, with the exact message a municipal organiser sees.

Each case edits one spot of a valid plan and expects ``case.toml: <field>: <problem>``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

import pytest

from cocreate.plans import ParticipantPlan, PlanError, RoundPlan, parse_plan, validate_plan

VALID = """\
[workshop]
title = "Årskonference"
language = "da"

[roles]
host = "Bordformand"
notetaker = "Referent"

[[tables]]
name = "Gruppe 1"
topic = "Samarbejdet"

[[tables]]
name = "Gruppe 2"
topic = "Resultaterne"

[[rounds]]
title = "Runde 1"
prompt = "Hvad fungerer?"
minutes = 15

[[rounds]]
title = "Runde 2"
prompt = "Hvad skal ændres?"
minutes = 15

[[fields]]
key = "ideas"
label = "Idéer"

[[fields]]
key = "challenges"
label = "Udfordringer"

[vote]
shortlist_size = 7
method = "borda"
ballot = "ranking"
min_ballots = 3
challenge_field = "challenges"

[[participants]]
name = "Karla"
table = "Gruppe 1"
role = "host"
"""

SYNTAX_ADVICE = (
    "Check that texts are in double quotes, section names are in [brackets] and each "
    "setting is written as key = value."
)


def edit(old: str, new: str, *, count: int = 1) -> str:
    """VALID with one spot changed; fails loudly if the spot is not there, so no case is void."""
    assert VALID.count(old) >= count, old
    return VALID.replace(old, new, count)


def many(header: str, entry: str, number: int) -> str:
    return "".join(f"\n[[{header}]]\n" + entry.format(number=n) for n in range(1, number + 1))


def without_tables(replacement: str) -> str:
    start, end = VALID.index("[[tables]]"), VALID.index("[[rounds]]")
    return VALID[:start] + replacement + "\n" + VALID[end:]


class Case(NamedTuple):
    text: str
    field: str
    problem: str


CASES = {
    # TOML syntax, with the position tomllib reports
    "text without quotes": Case(
        edit('title = "Årskonference"', "title = Årskonference"),
        "line 2, column 9",
        f"The TOML here is not valid: invalid value. {SYNTAX_ADVICE}",
    ),
    "section declared twice": Case(
        VALID + "\n[vote]\n",
        "line 47, column 6",
        f"The TOML here is not valid: cannot declare ('vote',) twice. {SYNTAX_ADVICE}",
    ),
    "unterminated text": Case(
        VALID + 'x = "open',
        "end of file",
        f"The TOML here is not valid: unterminated string. {SYNTAX_ADVICE}",
    ),
    # Missing sections and settings
    "no workshop section": Case(
        edit('[workshop]\ntitle = "Årskonference"\nlanguage = "da"\n', ""),
        "workshop",
        "This section is required but missing. Add a [workshop] section.",
    ),
    "no tables": Case(
        without_tables(""),
        "tables",
        "This section is required but missing. Add [[tables]] entries.",
    ),
    "no title": Case(
        edit('title = "Årskonference"\n', ""),
        "workshop.title",
        "This setting is required but missing.",
    ),
    "no language": Case(
        edit('language = "da"\n', ""),
        "workshop.language",
        "This setting is required but missing.",
    ),
    "round without minutes": Case(
        edit('prompt = "Hvad skal ændres?"\nminutes = 15\n', 'prompt = "Hvad skal ændres?"\n'),
        "rounds[2].minutes",
        "This setting is required but missing.",
    ),
    "field without label": Case(
        edit('key = "ideas"\nlabel = "Idéer"\n', 'key = "ideas"\n'),
        "fields[1].label",
        "This setting is required but missing.",
    ),
    "participant without table": Case(
        edit('table = "Gruppe 1"\n', ""),
        "participants[1].table",
        "This setting is required but missing.",
    ),
    # Unknown sections and settings
    "typo in a setting": Case(
        edit("minutes = 15\n\n[[fields]]", "minuts = 15\n\n[[fields]]"),
        "rounds[2].minuts",
        "There is no setting called minuts here. Did you mean minutes?",
    ),
    "unknown setting without a close match": Case(
        edit('topic = "Samarbejdet"', 'colour = "red"'),
        "tables[1].colour",
        "There is no setting called colour here. Allowed here: name, topic.",
    ),
    "typo in a section": Case(
        edit("[vote]", "[votes]"),
        "votes",
        "There is no section called [votes]. Did you mean [vote]?",
    ),
    "typo in a list section": Case(
        VALID + '\n[[table]]\nname = "Gruppe 3"\n',
        "table",
        "There is no section called [table]. Did you mean [[tables]]?",
    ),
    "setting above the first section": Case(
        'description = "Om dagen"\n' + VALID,
        "description",
        "There is no setting called description here. It belongs in the [workshop] section.",
    ),
    "single brackets for a single section written as a list": Case(
        edit("[vote]", "[[vote]]"),
        "vote",
        "Must be a single section: write [vote] on a line of its own, with its settings below it.",
    ),
    "single brackets for a list": Case(
        without_tables('[tables]\nname = "Gruppe 1"'),
        "tables",
        "Must be a list of entries: start each one with [[tables]] (double brackets).",
    ),
    "a list of plain texts instead of entries": Case(
        'tables = ["Gruppe 1", "Gruppe 2"]\n' + without_tables(""),
        "tables[1]",
        "Must be an entry with settings: start it with [[tables]].",
    ),
    # Wrong types
    "minutes as text": Case(
        edit("minutes = 15\n\n[[fields]]", 'minutes = "ten"\n\n[[fields]]'),
        "rounds[2].minutes",
        'Must be a number, not text ("ten").',
    ),
    "minutes as true/false": Case(
        edit("minutes = 15", "minutes = true"),
        "rounds[1].minutes",
        "Must be a number, not true/false (true).",
    ),
    "title as a number": Case(
        edit('title = "Årskonference"', "title = 2013"),
        "workshop.title",
        "Must be text in double quotes, not a number (2013).",
    ),
    "shortlist size with decimals": Case(
        edit("shortlist_size = 7", "shortlist_size = 7.5"),
        "vote.shortlist_size",
        "Must be a whole number, not a number (7.5).",
    ),
    "min ballots as text": Case(
        edit("min_ballots = 3", 'min_ballots = "3"'),
        "vote.min_ballots",
        'Must be a whole number, not text ("3").',
    ),
    "participant table as a number": Case(
        edit('table = "Gruppe 1"', "table = 1"),
        "participants[1].table",
        "Must be text in double quotes, not a number (1).",
    ),
    "topic as a list": Case(
        edit('topic = "Samarbejdet"', 'topic = ["a", "b"]'),
        "tables[1].topic",
        "Must be text in double quotes, not a list.",
    ),
    # Empty and too long texts
    "empty title": Case(
        edit('title = "Årskonference"', 'title = ""'), "workshop.title", "Must not be empty."
    ),
    "whitespace title": Case(
        edit('title = "Årskonference"', 'title = " \\t "'), "workshop.title", "Must not be empty."
    ),
    "empty table name": Case(
        edit('name = "Gruppe 2"', 'name = "   "'), "tables[2].name", "Must not be empty."
    ),
    "empty round title": Case(
        edit('title = "Runde 2"', 'title = ""'), "rounds[2].title", "Must not be empty."
    ),
    "empty host role name": Case(
        edit('host = "Bordformand"', 'host = ""'), "roles.host", "Must not be empty."
    ),
    "title of 201 characters": Case(
        edit('title = "Årskonference"', f'title = "{"å" * 201}"'),
        "workshop.title",
        "Is too long: 201 characters, at most 200 allowed.",
    ),
    "topic of 1001 characters": Case(
        edit('topic = "Resultaterne"', f'topic = "{"x" * 1001}"'),
        "tables[2].topic",
        "Is too long: 1001 characters, at most 1000 allowed.",
    ),
    "prompt of 1001 characters": Case(
        edit('prompt = "Hvad fungerer?"', f'prompt = "{"x" * 1001}"'),
        "rounds[1].prompt",
        "Is too long: 1001 characters, at most 1000 allowed.",
    ),
    # Duplicates and keys
    "duplicate table name": Case(
        edit('name = "Gruppe 2"', 'name = "Gruppe 1"'),
        "tables[2].name",
        '"Gruppe 1" is already used by tables[1]. Each table name must be different.',
    ),
    "table names differing only in case": Case(
        edit('name = "Gruppe 2"', 'name = "GRUPPE 1"'),
        "tables[2].name",
        '"GRUPPE 1" is already used by tables[1]. Each table name must be different.',
    ),
    "duplicate field key": Case(
        edit('key = "challenges"', 'key = "ideas"'),
        "fields[2].key",
        '"ideas" is already used by fields[1]. Each field key must be different.',
    ),
    "field key with Danish letters": Case(
        edit('key = "ideas"', 'key = "idéer"'),
        "fields[1].key",
        '"idéer" is not a usable key: write it with lowercase letters a-z, digits and _, '
        "starting with a letter (for example ideas or next_steps).",
    ),
    "field key starting with a digit": Case(
        edit('key = "ideas"', 'key = "2ideas"'),
        "fields[1].key",
        '"2ideas" is not a usable key: write it with lowercase letters a-z, digits and _, '
        "starting with a letter (for example ideas or next_steps).",
    ),
    "field key with a hyphen": Case(
        edit('key = "ideas"', 'key = "my-ideas"'),
        "fields[1].key",
        '"my-ideas" is not a usable key: write it with lowercase letters a-z, digits and _, '
        "starting with a letter (for example ideas or next_steps).",
    ),
    # Choices
    "language not da or en": Case(
        edit('language = "da"', 'language = "de"'),
        "workshop.language",
        'Must be one of "da", "en", not "de".',
    ),
    "home tables not balanced or choose": Case(
        edit('language = "da"', 'language = "da"\nhome_tables = "random"'),
        "workshop.home_tables",
        'Must be one of "balanced", "choose", not "random".',
    ),
    "unknown method": Case(
        edit('method = "borda"', 'method = "ranked"'),
        "vote.method",
        'Must be one of "borda", "schulze", "points", "approval", not "ranked".',
    ),
    "unknown ballot": Case(
        edit('ballot = "ranking"', 'ballot = "stars"'),
        "vote.ballot",
        'Must be one of "ranking", "dots", "approval", not "stars".',
    ),
    "ballot the method cannot count": Case(
        edit('ballot = "ranking"', 'ballot = "dots"'),
        "vote.ballot",
        'The "borda" method counts "ranking" ballots, so the ballot must be "ranking", not "dots".',
    ),
    "unknown participant role": Case(
        edit('role = "host"', 'role = "chair"'),
        "participants[1].role",
        'Must be one of "host", "notetaker", "member", not "chair".',
    ),
    # Counts
    "one table": Case(
        without_tables('[[tables]]\nname = "Gruppe 1"'),
        "tables",
        "The number of tables must be from 2 to 60, but it is 1.",
    ),
    "61 tables": Case(
        without_tables(many("tables", 'name = "Bord {number}"\n', 61)),
        "tables",
        "The number of tables must be from 2 to 60, but it is 61.",
    ),
    "no rounds": Case(
        VALID[: VALID.index("[[rounds]]")] + VALID[VALID.index("[[fields]]") :],
        "rounds",
        "This section is required but missing. Add [[rounds]] entries.",
    ),
    "unknown section without a close match": Case(
        VALID + "\n[extra]\nnote = 1\n",
        "extra",
        "There is no section called [extra]. Allowed here: workshop, roles, tables, rounds, "
        "fields, vote, participants.",
    ),
    "empty list of rounds": Case(
        "rounds = []\n" + VALID[: VALID.index("[[rounds]]")] + VALID[VALID.index("[[fields]]") :],
        "rounds",
        "The number of rounds must be from 1 to 20, but it is 0.",
    ),
    "21 rounds": Case(
        VALID + many("rounds", 'title = "R{number}"\nminutes = 5\n', 19),
        "rounds",
        "The number of rounds must be from 1 to 20, but it is 21.",
    ),
    "11 fields": Case(
        VALID + many("fields", 'key = "f{number}"\nlabel = "Felt {number}"\n', 9),
        "fields",
        "The number of form fields must be from 1 to 10, but it is 11.",
    ),
    # Numbers
    "zero minutes": Case(
        edit("minutes = 15", "minutes = 0"),
        "rounds[1].minutes",
        "Must be more than 0 and at most 240 minutes, not 0.0.",
    ),
    "negative minutes": Case(
        edit("minutes = 15", "minutes = -5"),
        "rounds[1].minutes",
        "Must be more than 0 and at most 240 minutes, not -5.0.",
    ),
    "241 minutes": Case(
        edit("minutes = 15", "minutes = 241"),
        "rounds[1].minutes",
        "Must be more than 0 and at most 240 minutes, not 241.0.",
    ),
    "nan minutes": Case(
        edit("minutes = 15", "minutes = nan"),
        "rounds[1].minutes",
        "Must be more than 0 and at most 240 minutes, not nan.",
    ),
    "infinite minutes": Case(
        edit("minutes = 15", "minutes = inf"),
        "rounds[1].minutes",
        "Must be more than 0 and at most 240 minutes, not inf.",
    ),
    "shortlist of one": Case(
        edit("shortlist_size = 7", "shortlist_size = 1"),
        "vote.shortlist_size",
        "Must be from 2 to 30, not 1.",
    ),
    "shortlist of 31": Case(
        edit("shortlist_size = 7", "shortlist_size = 31"),
        "vote.shortlist_size",
        "Must be from 2 to 30, not 31.",
    ),
    "no ballots needed": Case(
        edit("min_ballots = 3", "min_ballots = 0"),
        "vote.min_ballots",
        "Must be at least 1, not 0.",
    ),
    # References
    "challenge field that is not a field": Case(
        edit('challenge_field = "challenges"', 'challenge_field = "udfordringer"'),
        "vote.challenge_field",
        '"udfordringer" is not the key of a form field. Field keys: "ideas", "challenges".',
    ),
    "participant at a table that does not exist": Case(
        edit('table = "Gruppe 1"', 'table = "Grupe 1"'),
        "participants[1].table",
        'No table is called "Grupe 1". Did you mean "Gruppe 1"? Tables: "Gruppe 1", "Gruppe 2".',
    ),
    "participant at a table far from any name": Case(
        edit('table = "Gruppe 1"', 'table = "Køkkenet"'),
        "participants[1].table",
        'No table is called "Køkkenet". Tables: "Gruppe 1", "Gruppe 2".',
    ),
    "participant listed twice": Case(
        VALID + '\n[[participants]]\nname = "karla"\ntable = "Gruppe 2"\n',
        "participants[2].name",
        '"karla" is already used by participants[1]. Each participant name must be different.',
    ),
    "voter codes as text": Case(
        edit("min_ballots = 3", 'min_ballots = 3\nvoter_codes = "yes"'),
        "vote.voter_codes",
        'Must be true or false (without quotes), not text ("yes").',
    ),
    "voter codes as a number": Case(
        edit("min_ballots = 3", "min_ballots = 3\nvoter_codes = 1"),
        "vote.voter_codes",
        "Must be true or false (without quotes), not a number (1).",
    ),
    "two hosts at one table": Case(
        VALID + '\n[[participants]]\nname = "Bjørn"\ntable = "Gruppe 1"\nrole = "host"\n',
        "participants[2].role",
        'participants[1] already has this role at "Gruppe 1". A table has one host.',
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_invalid_plan_is_refused_naming_file_field_and_problem(case: Case) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan(case.text, source="case.toml")
    error = caught.value
    assert (error.source, error.field, error.problem) == ("case.toml", case.field, case.problem)
    assert str(error) == f"case.toml: {case.field}: {case.problem}"


def test_the_valid_plan_behind_the_cases_is_valid() -> None:
    plan = parse_plan(VALID)
    assert plan.participants == (ParticipantPlan(name="Karla", table=0, role="host"),)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('title = "Årskonference"', f'title = "{"å" * 200}"'),
        ('topic = "Resultaterne"', f'topic = "{"x" * 1000}"'),
        ("minutes = 15", "minutes = 240"),
        ("minutes = 15", "minutes = 0.5"),
        ("shortlist_size = 7", "shortlist_size = 2"),
        ("shortlist_size = 7", "shortlist_size = 30"),
        ("min_ballots = 3", "min_ballots = 1"),
        ('role = "host"', 'role = "notetaker"'),
        ('key = "ideas"', 'key = "next_steps2"'),
    ],
)
def test_values_at_the_limits_are_accepted(old: str, new: str) -> None:
    parse_plan(edit(old, new))


def test_sixty_tables_are_accepted() -> None:
    text = without_tables(many("tables", 'name = "Bord {number}"\n', 60))
    plan = parse_plan(text.replace('table = "Gruppe 1"', 'table = "Bord 60"'))
    assert len(plan.tables) == 60
    assert plan.participants[0].table == 59


def test_an_earlier_problem_is_reported_before_a_wrong_participant_table() -> None:
    text = edit('title = "Årskonference"', 'title = ""').replace(
        'table = "Gruppe 1"', 'table = "Gruppe 9"'
    )
    with pytest.raises(PlanError, match=r"^case\.toml: workshop\.title: Must not be empty\.$"):
        parse_plan(text, source="case.toml")


# The browser editor builds Plan values and validates them with the same rules and messages.


def test_editor_values_of_the_wrong_type_get_the_file_message() -> None:
    plan = parse_plan(VALID)
    edited = replace(plan, rounds=(plan.rounds[0], RoundPlan("Runde 2", "", "ten")))  # type: ignore[arg-type]
    with pytest.raises(PlanError) as caught:
        validate_plan(edited, source="editor")
    assert str(caught.value) == (f"editor: rounds[2].minutes: {CASES['minutes as text'].problem}")


def test_editor_participant_table_must_be_a_table_number() -> None:
    plan = parse_plan(VALID)
    edited = replace(plan, participants=(ParticipantPlan("Åse", 2, "member"),))
    with pytest.raises(PlanError) as caught:
        validate_plan(edited)
    assert str(caught.value) == (
        "<plan>: participants[1].table: Must be a table number from 0 to 1, not 2."
    )


def test_editor_collections_must_be_lists() -> None:
    plan = replace(parse_plan(VALID), fields=None)  # type: ignore[arg-type]
    with pytest.raises(PlanError, match=r"^<plan>: fields: Must be a list, not a NoneType\.$"):
        validate_plan(plan)


def test_nan_is_never_accepted_as_minutes() -> None:
    plan = replace(parse_plan(VALID), rounds=(RoundPlan("R", "", math.nan),))
    with pytest.raises(PlanError, match=r"rounds\[1\]\.minutes"):
        validate_plan(plan)
