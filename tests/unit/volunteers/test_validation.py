"""Phone numbers, names, places and blood groups as volunteers type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.volunteers.validation import (
    InvalidInput,
    clean_name,
    clean_place,
    display_phone,
    normalize_blood_group,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("091.234.5678", "+84912345678"),
        ("091-234-5678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0084912345678", "+84912345678"),
        ("0387654321", "+84387654321"),
        ("0561234567", "+84561234567"),
        ("0701234567", "+84701234567"),
        ("0861234567", "+84861234567"),
        ("024 3825 1234", "+842438251234"),
        ("(0213) 387 6543", "+842133876543"),
        ("０９１２３４５６７８", "+84912345678"),  # full-width digits from some keyboards
    ],
)
def test_valid_phone_numbers(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "phone_empty"),
        ("   ", "phone_empty"),
        ("091234567", "phone_format"),  # 9 digits
        ("09123456789", "phone_format"),  # 11 digits, mobile prefix
        ("0112345678", "phone_format"),  # no such network
        ("0412345678", "phone_format"),
        ("+1 202 555 0100", "phone_chars"),
        ("0044 20 7946 0958", "phone_foreign"),
        ("0912abc678", "phone_chars"),
        ("số điện thoại", "phone_chars"),
        ("+84 12 345 678", "phone_format"),
        ("٠٩١٢٣٤٥٦٧٨", "phone_chars"),  # Arabic-Indic digits are not accepted
    ],
)
def test_invalid_phone_numbers(raw: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalize_phone(raw)
    assert info.value.reason == reason


def test_display_phone_groups_digits() -> None:
    assert display_phone("+84912345678") == "0912 345 678"
    assert display_phone("+842438251234") == "024 3825 1234"


@given(st.text(max_size=300))
def test_phone_never_crashes(raw: str) -> None:
    try:
        result = normalize_phone(raw)
    except InvalidInput:
        return
    assert result.startswith("+84") and result[1:].isdigit() and len(result) in (12, 13)


@pytest.mark.parametrize("raw", ["Nguyễn Văn An", "  Trần   Thị  Bích  ", "Lò Văn Pá", "H'Hen Niê"])
def test_good_names(raw: str) -> None:
    assert clean_name(raw) == " ".join(raw.split())


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("A", "name_short"),
        ("Nguyen 123", "name_digits"),
        ("a" * 101, "too_long"),
        ("Nguyễn <b>An</b>", "name_chars"),
        ("😀😀", "name_short"),
    ],
)
def test_bad_names(raw: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as info:
        clean_name(raw)
    assert info.value.reason == reason


def test_place_strips_control_characters() -> None:
    assert clean_place("Xã\u0000 Bản\tHon") == "Xã Bản Hon"
    with pytest.raises(InvalidInput):
        clean_place("1")


@pytest.mark.parametrize(
    ("raw", "group"),
    [("o+", "O+"), ("AB-", "AB-"), ("ab âm", "AB-"), ("B dương", "B+"), ("A Rh+", "A+")],
)
def test_blood_groups(raw: str, group: str) -> None:
    assert normalize_blood_group(raw) == group


@pytest.mark.parametrize("raw", ["C+", "", "O", "nhóm máu"])
def test_bad_blood_groups(raw: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_blood_group(raw)
