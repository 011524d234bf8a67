"""Which challenge notes look alike, so the facilitator can merge duplicates.

Pure: plain data in, plain data out, no web framework or database (an import-linter contract
enforces it). Text is compared with rapidfuzz after lower-casing, dropping punctuation and the
small words of Danish and English ("og", "der", "the", "for"...), which otherwise make any two
sentences look alike. ``token_set_ratio`` ignores word order and extra words, so "Uklart
mandat for indsatsteamene" matches "Mandatet i indsatsteamene er uklart"; a match needs at
least two content words in common, so a short note is not "like" every note it is part of.

Usage::

    similar_groups([(1, "For få frivillige"), (2, "Der er for få frivillige"), (3, "Tid")])
    # -> [[1, 2]]
    closest((1, "For få frivillige i Maglehøj"), [(7, "Mangel på frivillige i Maglehøj")])
    # -> 7
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from rapidfuzz.utils import default_process

# How alike two notes' content words must be (0-100) to be shown as a possible duplicate.
THRESHOLD: Final = 72.0
MIN_SHARED_WORDS: Final = 2
# A word counts as shared when the two spellings are this alike: "mandat" ~ "mandatet".
WORD_ALIKE: Final = 80.0

_DANISH_SMALL_WORDS: Final = """
    af alle alt andre at bare blev bliver da de dem den denne der deres det dette dig din
    dine disse du efter eller en end er et for fordi fra få godt han har hun hvad hvem hvis
    hvor hvordan i ikke ind jeg jer kan kun man mange med meget men mere mig min mine mod må
    ned noget nogle nu når og også om op os over på sig sin sine skal som så til ud under
    var vi vil ville være været
"""
_ENGLISH_SMALL_WORDS: Final = """
    a about all also an and any are as at be been being but by can could do does for from
    had has have how i if in into is it its more most much no not of on or our so some
    than that the their them there these they this those to too us was we were what when
    which who will with would you your
"""
STOP_WORDS: Final = frozenset((_DANISH_SMALL_WORDS + _ENGLISH_SMALL_WORDS).split())

Note = tuple[int, str]


def content_words(text: str) -> list[str]:
    """The words that carry meaning, lower-cased and without punctuation."""
    # NFC first: a phone may send "ø" as "o" plus a combining stroke.
    words = default_process(unicodedata.normalize("NFC", text)).split()
    return [w for w in words if w not in STOP_WORDS and len(w) > 1]


def _shared_words(a: Sequence[str], b: Sequence[str]) -> int:
    """How many of a's words have a look-alike in b (so inflections count: "uklar"/"uklart")."""
    return sum(1 for word in set(a) if any(fuzz.ratio(word, other) >= WORD_ALIKE for other in b))


def _alike(a: Sequence[str], b: Sequence[str], score: float) -> bool:
    return score >= THRESHOLD and _shared_words(a, b) >= MIN_SHARED_WORDS


def similar_groups(notes: Iterable[Note]) -> list[list[int]]:
    """Groups of two or more notes that look alike, each in the order given, the groups in
    the order of their first note. Alike is transitive here: if a ~ b and b ~ c, one group."""
    items = [(note_id, content_words(text)) for note_id, text in notes]
    if len(items) < 2:
        return []
    joined = [" ".join(words) for _, words in items]
    scores = cdist(joined, joined, scorer=fuzz.token_set_ratio)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if root(i) != root(j) and _alike(items[i][1], items[j][1], float(scores[i][j])):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for index, (note_id, _) in enumerate(items):
        groups.setdefault(root(index), []).append(note_id)
    return [members for members in groups.values() if len(members) > 1]


def closest(note: Note, options: Iterable[Note]) -> int | None:
    """The id of the option most like the note, if any looks alike enough to merge into."""
    words = content_words(note[1])
    best: tuple[float, int] | None = None
    for option_id, text in options:
        other = content_words(text)
        score = fuzz.token_set_ratio(" ".join(words), " ".join(other))
        if _alike(words, other, score) and (best is None or score > best[0]):
            best = (score, option_id)
    return best[1] if best else None
