"""Look-alike challenge notes, in Danish and English (cocreate.workshop.similarity)."""

from __future__ import annotations

from cocreate.workshop.similarity import closest, content_words, similar_groups

NOTES = [
    "Mandatet i indsatsteamene er uklart, og det gør det svært at prioritere opgaverne",
    "For få frivillige i Maglehøj",
    "Skolerne mangler tid til samarbejdet med familierne",
    "Uklart mandat for indsatsteamene",
    "Der er for få frivillige i Maglehøj-området",
    "Too few volunteers in the area",
    "Beboerne kender ikke den økonomiske rådgivning",
    "Not enough volunteers in the area",
    "Den økonomiske rådgivning er ukendt for beboerne",
    "Tid",
    "For lidt tid",
    "Bedre kommunikation mellem afdelingerne",
    "Kommunikationen mellem afdelinger er dårlig",
    "Ledelsen skal prioritere tværfagligt samarbejde",
]


def test_look_alike_notes_are_grouped_in_both_languages() -> None:
    groups = similar_groups(enumerate(NOTES))
    assert groups == [[0, 3], [1, 4], [5, 7], [6, 8], [11, 12]]


def test_word_order_case_punctuation_and_small_words_do_not_matter() -> None:
    assert similar_groups([(1, "Uklart MANDAT, for teamet!"), (2, "teamet: mandat uklart")]) == [
        [1, 2]
    ]
    assert content_words("Der er for få frivillige i Maglehøj") == ["frivillige", "maglehøj"]


def test_a_short_note_is_not_like_every_note_that_contains_it() -> None:
    assert similar_groups([(1, "Tid"), (2, "Skolerne mangler tid"), (3, "For lidt tid")]) == []


def test_decomposed_letters_match_composed_ones() -> None:
    composed = "Økonomisk rådgivning for beboerne"
    decomposed = "O\u0338konomisk ra\u030adgivning for beboerne"
    assert similar_groups([(1, composed), (2, decomposed)]) == [[1, 2]]


def test_alike_is_transitive_within_a_group() -> None:
    notes = [
        (1, "Kommunikation mellem afdelingerne"),
        (2, "Bedre kommunikation mellem afdelingerne"),
        (3, "Bedre kommunikation mellem afdelingerne og ledelsen i kommunen"),
    ]
    assert similar_groups(notes) == [[1, 2, 3]]


def test_the_closest_shortlist_item_is_named_only_when_alike() -> None:
    items = [(7, "Tydeligere mandat til indsatsteamene"), (8, "Flere frivillige i Maglehøj")]
    assert closest((1, "Der er for få frivillige i Maglehøj-området"), items) == 8
    assert closest((2, "Uklart mandat for indsatsteamene"), items) == 7
    assert closest((3, "Skolerne mangler tid"), items) is None
    assert closest((4, "Hvad som helst"), []) is None


def test_nothing_to_compare() -> None:
    assert similar_groups([]) == []
    assert similar_groups([(1, "Én note")]) == []
    assert similar_groups([(1, ""), (2, "   ")]) == []
