"""The vote explained in words: how it was counted, and whether the counting method mattered.

Pure: plain functions over plain data and :func:`cocreate.voting.tally.tally`, so the
facilitator screen, the exports and the report use the same sentences.

Usage::

    method_sentence("borda", 7, language="da")
    robustness(["a", "b", "c"], [["a", "b", "c"], ["b", "a", "c"]], labels={"a": "Mandat"})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cocreate.voting.tally import BORDA, SCHULZE, RankingBallot, tally

METHOD_SENTENCES = {
    "borda": (
        "Counted by Borda count: on each ballot the first of {n} challenges gets {n} points, "
        "the next {n_1}, and so on down to 1 for the last; the highest total ranks first, "
        "and equal totals are shown as ties."
    ),
    "schulze": (
        "Counted by the Schulze method: challenges are compared two by two across all "
        "ballots, and a challenge ranks above another when it wins their strongest chain of "
        "comparisons. Its score is the number of other challenges it beats that way "
        "(pairwise wins)."
    ),
    "points": "Counted by points: each challenge's points from all ballots are added up.",
    "approval": "Counted by approval: each challenge's number of approvals is added up.",
}

_METHOD_SENTENCES_DA = {
    "borda": (
        "Optalt med Borda-metoden: på hver stemmeseddel får den første af {n} udfordringer "
        "{n} point, den næste {n_1} og så videre ned til 1 point for den sidste; den højeste "
        "sum giver førstepladsen, og lige store summer vises som delte placeringer."
    ),
    "schulze": (
        "Optalt med Schulze-metoden: udfordringerne sammenlignes to og to på tværs af alle "
        "stemmesedler, og en udfordring placeres over en anden, når den vinder deres stærkeste "
        "kæde af sammenligninger. Dens score er antallet af andre udfordringer, den slår på den "
        "måde (parvise sejre)."
    ),
    "points": "Optalt med point: hver udfordrings point fra alle stemmesedler lægges sammen.",
    "approval": (
        "Optalt med godkendelse: antallet af stemmesedler, der har valgt hver udfordring, "
        "lægges sammen."
    ),
}

_SENTENCES_BY_LANGUAGE = {"en": METHOD_SENTENCES, "da": _METHOD_SENTENCES_DA}

# What a result's score counts, per method: a Schulze score counts wins, not defeats.
SCORE_LABELS = {
    "en": {
        "borda": "Borda points",
        "schulze": "Schulze: pairwise wins",
        "points": "Points",
        "approval": "Approvals",
    },
    "da": {
        "borda": "Borda-point",
        "schulze": "Schulze: parvise sejre",
        "points": "Point",
        "approval": "Godkendelser",
    },
}

_ROBUSTNESS = {
    "en": {
        "agree": (
            "Robustness: the Borda count and the Schulze method give the same order, so the "
            "ranking does not depend on the choice of counting method."
        ),
        "differ": "Robustness: the Borda count and the Schulze method differ on {k} of {n} "
        "challenges: {details}.",
        "detail": "“{label}” is no. {borda} by Borda and no. {schulze} by Schulze",
        "not_ranking": (
            "Robustness: not checked, because the ballots were not rankings (Borda and "
            "Schulze compare ranked ballots)."
        ),
    },
    "da": {
        "agree": (
            "Robusthed: Borda-metoden og Schulze-metoden giver samme rækkefølge, så "
            "placeringen afhænger ikke af valget af optællingsmetode."
        ),
        "differ": "Robusthed: Borda-metoden og Schulze-metoden er uenige om {k} af {n} "
        "udfordringer: {details}.",
        "detail": "»{label}« er nr. {borda} efter Borda og nr. {schulze} efter Schulze",
        "not_ranking": (
            "Robusthed: ikke undersøgt, fordi stemmesedlerne ikke var rangordninger (Borda og "
            "Schulze sammenligner rangordnede stemmesedler)."
        ),
    },
}


def _language(language: str) -> str:
    # Plans allow "da" and "en" only; anything else falls back to the plans' default, Danish.
    return language if language in _SENTENCES_BY_LANGUAGE else "da"


def method_sentence(method: str, candidate_count: int, language: str = "en") -> str:
    """How the vote was counted, in one sentence of ``language`` ("da" or "en")."""
    template = _SENTENCES_BY_LANGUAGE[_language(language)][method]
    return template.format(n=candidate_count, n_1=candidate_count - 1)


def score_label(method: str, language: str = "en") -> str:
    """What the score column holds under ``method``, e.g. "Borda points"."""
    return SCORE_LABELS[_language(language)][method]


@dataclass(frozen=True)
class MethodComparison:
    """Each candidate's rank (tied candidates share one, "1, 2, 2, 4") under both methods."""

    borda_ranks: dict[str, int]
    schulze_ranks: dict[str, int]

    @property
    def agree(self) -> bool:
        return self.borda_ranks == self.schulze_ranks

    @property
    def differing(self) -> list[str]:
        """Candidates ranked differently, in Borda order."""
        ordered = sorted(self.borda_ranks, key=lambda c: self.borda_ranks[c])
        return [c for c in ordered if self.borda_ranks[c] != self.schulze_ranks[c]]


def _ranks(tiers: list[list[str]]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for tier in tiers:
        rank = len(ranks) + 1
        ranks.update(dict.fromkeys(tier, rank))
    return ranks


def compare_borda_schulze(
    candidates: Sequence[str], ballots: Iterable[RankingBallot]
) -> MethodComparison:
    """Count the same ranking ballots both ways: if both agree, the result is robust."""
    ballot_list = list(ballots)
    borda = tally(BORDA, candidates, ballot_list)
    schulze = tally(SCHULZE, candidates, ballot_list)
    return MethodComparison(_ranks(borda.ranking), _ranks(schulze.ranking))


def describe_comparison(
    comparison: MethodComparison | None,
    *,
    labels: Mapping[str, str] | None = None,
    language: str = "en",
) -> str:
    """The robustness line; ``None`` stands for ballots that are not rankings."""
    words = _ROBUSTNESS[_language(language)]
    if comparison is None:
        return words["not_ranking"]
    if comparison.agree:
        return words["agree"]
    names = labels or {}
    details = "; ".join(
        words["detail"].format(
            label=names.get(candidate, candidate),
            borda=comparison.borda_ranks[candidate],
            schulze=comparison.schulze_ranks[candidate],
        )
        for candidate in comparison.differing
    )
    return words["differ"].format(
        k=len(comparison.differing), n=len(comparison.borda_ranks), details=details
    )


def robustness(
    candidates: Sequence[str],
    ballots: Iterable[RankingBallot],
    *,
    labels: Mapping[str, str] | None = None,
    language: str = "en",
) -> str:
    """Whether Borda and Schulze agree on the order of these ranking ballots, and if not,
    which candidates they place differently."""
    return describe_comparison(
        compare_borda_schulze(candidates, ballots), labels=labels, language=language
    )
