import datetime as dt

import pytest

from knowledge.deadlines import DeadlineError, parse_deadline


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("12/2023", "date", dt.date(2023, 12, 31)),
        ("Tháng 6/2024", "date", dt.date(2024, 6, 30)),
        ("trước ngày 05/3/2023", "date", dt.date(2023, 3, 4)),
        ("31/12/2023", "date", dt.date(2023, 12, 31)),
        ("Quý IV/2023", "date", dt.date(2023, 12, 31)),
        ("Năm 2023 - 2024", "period", None),
        ("Năm 2023; Năm 2024 -2025", "period", None),
        ("Hàng năm", "recurring", None),
        ("Hằng năm", "recurring", None),
        ("Thường xuyên", "recurring", None),
        ("Sau khi Đề án 103 được Ban Bí thư thông qua", "conditional", None),
        ("", "none", None),
        ("   ", "none", None),
    ],
)
def test_kinds(text: str, kind: str, due: dt.date | None) -> None:
    parsed = parse_deadline(text)
    assert parsed.kind == kind
    assert parsed.due == due
    assert parsed.text == " ".join(text.split())


def test_period_bounds() -> None:
    parsed = parse_deadline("Năm 2023 - 2024")
    assert (parsed.start, parsed.end) == (dt.date(2023, 1, 1), dt.date(2024, 12, 31))


def test_recurrence_flavours() -> None:
    assert parse_deadline("Hàng năm").recurrence == "yearly"
    assert parse_deadline("Thường xuyên").recurrence == "ongoing"


@pytest.mark.parametrize("text", ["sớm nhất có thể", "31/02/2023", "tuần sau"])
def test_unreadable_deadlines_are_errors(text: str) -> None:
    with pytest.raises(DeadlineError):
        parse_deadline(text)


@pytest.mark.parametrize(
    ("text", "recurrence"),
    [
        ("định kỳ", "periodic"),  # no frequency printed: never read as yearly
        ("Định kỳ", "periodic"),
        ("dinh ky", "periodic"),
        ("định kỳ hàng năm", "yearly"),  # the frequency is printed
        ("định kỳ hằng năm", "yearly"),
        ("Hàng năm", "yearly"),
    ],
)
def test_a_frequency_is_read_only_where_printed(text: str, recurrence: str) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.recurrence) == ("recurring", recurrence)
