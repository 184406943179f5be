"""The one-line progress form and task references (pure functions, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.db.models import NOTE_MAX_CHARS, Status
from bot.progress.parse import ParseError, parse_one_line
from bot.progress.refs import Candidate, resolve, short_code


@pytest.mark.parametrize(
    ("text", "ref", "status", "percent", "note"),
    [
        ("II.2 60% đã gửi dự thảo", "II.2", Status.in_progress, 60, "đã gửi dự thảo"),
        ("II.2 60 % đã gửi", "II.2", Status.in_progress, 60, "đã gửi"),
        ("III.1.b xong", "III.1.b", Status.done, None, ""),
        ("II.4 vướng mắc chờ kinh phí", "II.4", Status.blocked, None, "chờ kinh phí"),
        ("II.4 vuong mac cho kinh phi", "II.4", Status.blocked, None, "cho kinh phi"),
        ("II.2 100%", "II.2", Status.done, 100, ""),
        ("II.2 0% chưa có gì", "II.2", Status.not_started, 0, "chưa có gì"),
        ("II.2 gặp vướng mắc 30% thiếu người", "II.2", Status.blocked, 30, "thiếu người"),
        ("II.2 đã gửi\ndòng hai", "II.2", Status.in_progress, None, "đã gửi\ndòng hai"),
    ],
)
def test_one_line_form(text: str, ref: str, status: Status, percent: int | None, note: str) -> None:
    parsed = parse_one_line(text)
    assert (parsed.ref, parsed.status, parsed.percent, parsed.note) == (ref, status, percent, note)


def test_one_line_errors() -> None:
    with pytest.raises(ParseError) as empty:
        parse_one_line("   ")
    assert empty.value.reason == "empty"
    with pytest.raises(ParseError) as pct:
        parse_one_line("II.2 160% quá")
    assert pct.value.reason == "percent_range"
    with pytest.raises(ParseError) as long:
        parse_one_line("II.2 " + "ă" * (NOTE_MAX_CHARS + 1))
    assert long.value.reason == "note_too_long" and long.value.info["length"] == 501


def test_short_codes() -> None:
    assert short_code("Phụ lục, mục II.2") == "II.2"
    assert short_code("Mục III.1.b") == "III.1.b"
    assert short_code("Mục III.8, gạch đầu dòng 2") == "III.8-2"


CANDIDATES = [
    Candidate("qd895_pl_ii_2", "II.2", "Phụ lục, mục II.2", "Rà soát Luật Hội Chữ thập đỏ"),
    Candidate("qd895_pl_ii_3", "II.3", "Phụ lục, mục II.3", "Nghiên cứu mô hình tổ chức"),
    Candidate("qd895_iii_1_b", "III.1.b", "Mục III.1.b", "Hướng dẫn tổ chức hội"),
]


def test_resolve_exact_and_typos() -> None:
    assert resolve("II.2", CANDIDATES).unique == CANDIDATES[0]
    assert resolve("ii.2", CANDIDATES).unique == CANDIDATES[0]
    assert resolve("mục II.2", CANDIDATES).unique == CANDIDATES[0]
    assert resolve("qd895_pl_ii_2", CANDIDATES).unique == CANDIDATES[0]
    typo = resolve("II,2", CANDIDATES)
    assert typo.unique is None and typo.suggestions[0] == CANDIDATES[0]
    typo2 = resolve("III.1b", CANDIDATES)
    assert typo2.suggestions and typo2.suggestions[0] == CANDIDATES[2]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=5000))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parsed = parse_one_line(text)
    except ParseError as exc:
        assert exc.reason in {"empty", "percent_range", "note_too_long", "too_long"}
        return
    assert parsed.ref and len(parsed.note) <= NOTE_MAX_CHARS
    assert parsed.percent is None or 0 <= parsed.percent <= 100
    resolve(parsed.ref, CANDIDATES)  # never raises
