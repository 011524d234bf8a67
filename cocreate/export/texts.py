"""The fixed words of the exports, in the workshop's language ("da" or "en").

One dict until the app's translations arrive; the method and robustness sentences live in
cocreate/voting/explain.py, shared with the facilitator screen.
"""

from __future__ import annotations

from datetime import date
from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "da": {
        "report_heading": "Resultat til styregruppen",
        "held_on": "Afholdt",
        "participants": "Deltagere",
        "turnout": "Stemmeprocent",
        "turnout_sentence": (
            "{voted} af {eligible} deltagere stemte ({percent} %); {ballots} stemmesedler "
            "blev talt."
        ),
        "method": "Sådan blev der talt",
        "voting_mode": "Stemmeafgivning",
        "mode_phone": "Én stemmeseddel pr. tilmeldt telefon.",
        "mode_codes": (
            "Én stemmeseddel pr. trykt stemmekode: {printed} koder blev trykt, {used} blev brugt."
        ),
        "codes_printed": "Stemmekoder trykt",
        "codes_used": "Stemmekoder brugt",
        "ranking": "Prioriteret liste",
        "chart_title": "{score} pr. udfordring",
        "rank": "Plads",
        "challenge": "Udfordring",
        "score": "Point",
        "tables": "Borde",
        "tied": "delt plads",
        "tie_note": "Udfordringer med samme plads står lige.",
        "provenance": "Hvor udfordringerne kommer fra",
        "no_sources": "Skrevet direkte på listen af facilitatoren.",
        "forms": "Bordenes skemaer runde for runde",
        "table": "Bord {number}",
        "table_column": "Bord",
        "round_column": "Runde",
        "round": "Runde {number}",
        "no_notes": "Ingen noter.",
        "anonymity": "Afstemningen var anonym: ingen stemmeseddel kan føres tilbage til den, "
        "der afgav den.",
        "ballot_receipt": "Kvittering",
        "choice_number": "Valg {number}",
        "field": "Felt",
        "text": "Tekst",
        "note": "Note",
        "voted": "Har stemt",
        "eligible": "Stemmeberettigede",
        "ballots": "Stemmesedler",
        "paper_ballots": "Heraf indtastet fra papir",
        "paper_sentence": (
            "{count} af stemmesedlerne blev indtastet af facilitatoren fra papirstemmesedler, for "
            "deltagere uden telefon; de er talt med som alle andre."
        ),
        "paper_sentence_one": (
            "1 af stemmesedlerne blev indtastet af facilitatoren fra en papirstemmeseddel, for en "
            "deltager uden telefon; den er talt med som alle andre."
        ),
        "min_ballots": "Mindste antal stemmesedler for at vise resultatet",
        "pairwise_explained": (
            "Hver celle er antallet af stemmesedler, der satte rækkens udfordring over kolonnens."
        ),
        "pairwise_not_ranking": "Kun for rangordnede stemmesedler.",
        "participant": "Deltager {number}",
        "months": "januar februar marts april maj juni juli august september oktober "
        "november december",
        "date": "{day}. {month} {year}",
    },
    "en": {
        "report_heading": "Result for the steering group",
        "held_on": "Held on",
        "participants": "Participants",
        "turnout": "Turnout",
        "turnout_sentence": (
            "{voted} of {eligible} participants voted ({percent}%); {ballots} ballots were counted."
        ),
        "method": "How the vote was counted",
        "voting_mode": "Voting",
        "mode_phone": "One ballot per joined phone.",
        "mode_codes": (
            "One ballot per printed voter code: {printed} codes were printed, {used} were used."
        ),
        "codes_printed": "Voter codes printed",
        "codes_used": "Voter codes used",
        "ranking": "Ranking",
        "chart_title": "{score} per challenge",
        "rank": "Rank",
        "challenge": "Challenge",
        "score": "Score",
        "tables": "Tables",
        "tied": "tied",
        "tie_note": "Challenges sharing a rank are tied.",
        "provenance": "Where the challenges come from",
        "no_sources": "Written directly onto the shortlist by the facilitator.",
        "forms": "The tables' forms, round by round",
        "table": "Table {number}",
        "table_column": "Table",
        "round_column": "Round",
        "round": "Round {number}",
        "no_notes": "No notes.",
        "anonymity": "The vote was anonymous: no ballot can be traced back to the person who "
        "cast it.",
        "ballot_receipt": "Receipt",
        "choice_number": "Choice {number}",
        "field": "Field",
        "text": "Text",
        "note": "Note",
        "voted": "Voted",
        "eligible": "Eligible",
        "ballots": "Ballots",
        "paper_ballots": "Of these, entered from paper",
        "paper_sentence": (
            "{count} of the ballots were entered by the facilitator from paper ballots, for "
            "participants without a phone; they are counted like all others."
        ),
        "paper_sentence_one": (
            "1 of the ballots was entered by the facilitator from a paper ballot, for a "
            "participant without a phone; it is counted like all others."
        ),
        "min_ballots": "Fewest ballots for results to be shown",
        "pairwise_explained": (
            "Each cell counts the ballots that ranked the row's challenge above the column's."
        ),
        "pairwise_not_ranking": "Only for ranking ballots.",
        "participant": "Participant {number}",
        "months": "January February March April May June July August September October "
        "November December",
        "date": "{day} {month} {year}",
    },
}


def texts_for(language: str) -> dict[str, str]:
    # Plans allow "da" and "en" only; the plans' default language, Danish, covers the rest.
    return TEXTS.get(language, TEXTS["da"])


def long_date(day: date, language: str) -> str:
    words = texts_for(language)
    month = words["months"].split()[day.month - 1]
    return words["date"].format(day=day.day, month=month, year=day.year)


def paper_sentence(count: int, language: str) -> str:
    """How many ballots the facilitator entered from paper, in a sentence."""
    words = texts_for(language)
    return (
        words["paper_sentence_one"] if count == 1 else words["paper_sentence"].format(count=count)
    )


def voting_mode(voter_codes: bool, printed: int | None, used: int | None, language: str) -> str:
    """Which rule kept it to one ballot each: the joined phone, or a printed voter code."""
    words = texts_for(language)
    if not voter_codes:
        return words["mode_phone"]
    return words["mode_codes"].format(printed=printed or 0, used=used or 0)
