from cocreate.collation import name_sort_key

NAMES = ["Åse", "Zenia", "ليلى حداد", "Ærø", "Anna", "Øjvind", "Aase", "Ib", "Ølstykke"]


def test_danish_order_puts_aeoeaa_after_z_and_other_scripts_last() -> None:
    ordered = sorted(NAMES, key=lambda n: name_sort_key(n, "da"))
    assert ordered == [
        "Anna",
        "Ib",
        "Zenia",
        "Ærø",
        "Øjvind",
        "Ølstykke",
        "Aase",
        "Åse",
        "ليلى حداد",
    ]


def test_english_order_files_letters_with_marks_under_their_base_letter() -> None:
    ordered = sorted(NAMES, key=lambda n: name_sort_key(n, "en"))
    assert ordered == [
        "Aase",
        "Ærø",
        "Anna",
        "Åse",
        "Ib",
        "Øjvind",
        "Ølstykke",
        "Zenia",
        "ليلى حداد",
    ]


def test_case_and_composed_or_decomposed_letters_do_not_change_the_order() -> None:
    decomposed_aa = "A\u030ase"  # Å typed as A + combining ring
    assert name_sort_key(decomposed_aa, "da")[0] == name_sort_key("åse", "da")[0]
