from hypothesis import given
from hypothesis import strategies as st

from knowledge.normalize import accent_key, clean_input, fold


def test_fold_strips_diacritics_and_d() -> None:
    assert fold("Ủy ban nhân dân ĐỒNG THÁP") == "uy ban nhan dan dong thap"


def test_both_tone_mark_spellings_are_one() -> None:
    assert fold("uỷ ban") == fold("ủy ban")
    assert accent_key("uỷ") == accent_key("ủy")
    assert accent_key("hoá") == accent_key("hóa")


def test_accent_key_keeps_different_words_apart() -> None:
    assert accent_key("đất") != accent_key("đạt")
    assert fold("đất") == fold("đạt")


def test_decomposed_input_equals_composed() -> None:
    decomposed = "Chu\u031b\u0303 tha\u0302\u0323p đo\u0309"
    assert fold(decomposed) == fold("Chữ thập đỏ") == "chu thap do"


def test_clean_input_drops_controls_and_caps_length() -> None:
    assert clean_input("a\x00b\u200bc\nd") == "abc d"
    assert len(clean_input("x" * 10000)) == 4096


@given(st.text())
def test_fold_never_fails(text: str) -> None:
    assert isinstance(fold(text), str)
    assert isinstance(clean_input(text), str)
