"""Property: any valid plan written with plan_to_toml reads back equal, whatever its texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cocreate.plans import (
    BALLOT_FOR_METHOD,
    HOME_TABLES,
    LANGUAGES,
    METHODS,
    FieldPlan,
    ParticipantPlan,
    Plan,
    Roles,
    RoundPlan,
    TablePlan,
    VotePlan,
    parse_plan,
    plan_to_toml,
)
from cocreate.plans.model import canonical_text

# Every Unicode character except surrogates, with the ones that trouble TOML writers (quotes,
# backslashes, control characters, line breaks) and Danish letters, composed and decomposed
# ("a" + combining ring is "å"), made likely.
_AWKWARD = st.sampled_from(list("\"\\'\n\r\t\x00\x1b\x7f\u2028\u00a0 æøåÆØÅa\u030ae\u0301"))
_CHARACTERS = st.one_of(_AWKWARD, st.characters(exclude_categories=("Cs",)))

# At most 12 characters, because NFC can triple a length and role names allow 40.
_LINE = st.text(_CHARACTERS, max_size=12).filter(lambda text: canonical_text(text, multiline=False))
_OPTIONAL_TEXT = st.text(_CHARACTERS, max_size=60)
_MINUTES = st.one_of(
    st.integers(min_value=1, max_value=240).map(float),
    st.floats(min_value=0, max_value=240, exclude_min=True, allow_nan=False),
)


def _folded(text: str) -> str:
    return canonical_text(text, multiline=False).casefold()


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    table_names = draw(st.lists(_LINE, min_size=2, max_size=6, unique_by=_folded))
    keys = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True),
            min_size=1,
            max_size=10,
            unique=True,
        )
    )
    method = draw(st.sampled_from(METHODS))
    people = draw(st.lists(_LINE, max_size=8, unique_by=_folded))
    seats: set[tuple[int, str]] = set()
    participants = []
    for name in people:
        table = draw(st.integers(min_value=0, max_value=len(table_names) - 1))
        role = draw(st.sampled_from(("host", "notetaker", "member")))
        if (table, role) in seats:
            role = "member"  # one host and one note-taker per table
        if role != "member":
            seats.add((table, role))
        participants.append(ParticipantPlan(name=name, table=table, role=role))
    return Plan(
        title=draw(_LINE),
        language=draw(st.sampled_from(LANGUAGES)),
        description=draw(_OPTIONAL_TEXT),
        roles=Roles(host=draw(_LINE), notetaker=draw(_LINE)),
        tables=tuple(TablePlan(name=name, topic=draw(_OPTIONAL_TEXT)) for name in table_names),
        rounds=tuple(
            RoundPlan(title=draw(_LINE), prompt=draw(_OPTIONAL_TEXT), minutes=draw(_MINUTES))
            for _ in range(draw(st.integers(min_value=1, max_value=5)))
        ),
        fields=tuple(
            FieldPlan(key=key, label=draw(_LINE), help=draw(_OPTIONAL_TEXT)) for key in keys
        ),
        vote=VotePlan(
            shortlist_size=draw(st.integers(min_value=2, max_value=30)),
            method=method,
            ballot=BALLOT_FOR_METHOD[method],
            min_ballots=draw(st.integers(min_value=1, max_value=10_000)),
            challenge_field=draw(st.sampled_from(keys)),
            voter_codes=draw(st.booleans()),
        ),
        home_tables=draw(st.sampled_from(HOME_TABLES)),
        participants=tuple(participants),
    )


@settings(max_examples=300, deadline=None)
@given(plans())
def test_written_plans_read_back_equal(plan: Plan) -> None:
    text = plan_to_toml(plan)
    assert parse_plan(text, source="generated.toml") == plan
    assert plan_to_toml(parse_plan(text)) == text


@given(st.text(_CHARACTERS), st.booleans())
def test_canonical_text_is_stable(text: str, multiline: bool) -> None:
    once = canonical_text(text, multiline=multiline)
    assert canonical_text(once, multiline=multiline) == once
