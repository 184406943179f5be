"""Answer rendering and message splitting (pure functions)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.formatting import parse_html
from handlers.render import (
    escape,
    format_line,
    format_text,
    render_answer,
    shorten,
    split_message,
    strip_html,
    utf16_len,
)
from knowledge.answer import Answer, Source


def test_labels_are_bold_and_content_escaped() -> None:
    assert format_line("Chủ trì: Bộ <Nội> vụ & Sở") == "<b>Chủ trì:</b> Bộ &lt;Nội&gt; vụ &amp; Sở"
    assert format_line("no label here") == "no label here"
    assert format_line("12: not a label") == "12: not a label"
    assert format_text("a\nLead: x") == "a\n<b>Lead:</b> x"


def test_render_answer_cites_missing_sources() -> None:
    source = Source("qd895", "Quyết định 895/QĐ-TTg", "Phụ lục, mục II.2", "t1", "government")
    answer = Answer("Chủ trì: Bộ Nội vụ", 1.0, False, "lead", "vi", [source], ["t1"])
    html = render_answer(answer, "vi")
    assert html.endswith("<b>Nguồn:</b> Quyết định 895/QĐ-TTg, Phụ lục, mục II.2")
    cited = Answer("Chủ trì: X (Quyết định 895/QĐ-TTg)", 1.0, False, "lead", "vi", [source])
    assert "Nguồn" not in render_answer(cited, "vi")
    assert render_answer(Answer("", 0, True, "refuse", "en"), "en") == "(empty answer)"


def test_shorten() -> None:
    assert shorten("ngắn") == "ngắn"
    long = "Nghiên cứu, rà soát Luật hoạt động chữ thập đỏ và các văn bản hướng dẫn thi hành"
    cut = shorten(long, 40)
    assert len(cut) <= 40 and cut.endswith("…") and long.startswith(cut[:-1])


def test_split_keeps_short_text_whole() -> None:
    assert split_message("<b>a</b>\nb") == ["<b>a</b>\nb"]
    assert split_message("   \n  ") == []


def test_split_at_line_boundaries_under_the_limit() -> None:
    lines = [f"<b>Dòng {i}:</b> {'nội dung ' * 30}" for i in range(60)]
    parts = split_message("\n".join(lines), limit=1000)
    assert len(parts) > 10
    assert all(utf16_len(p) <= 1000 for p in parts)
    assert "\n".join(parts).split("\n") == lines  # nothing lost, cut only between lines


def test_an_overlong_line_is_cut_at_spaces_with_tags_reopened() -> None:
    line = "<i>" + "chữ " * 600 + "</i>"
    parts = split_message(line, limit=500)
    assert len(parts) > 3
    for part in parts:
        assert utf16_len(part) <= 500
        assert part.startswith("<i>") and part.endswith("</i>")
        parse_html(part)  # valid Telegram HTML: raises on a broken tag
    assert " ".join(strip_html(p) for p in parts).split() == ["chữ"] * 600


def test_emoji_count_as_two_utf16_units() -> None:
    text = "😀" * 3000  # 6,000 UTF-16 units, no spaces
    parts = split_message(text)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts) == text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400), max_size=30
    ),
    st.integers(min_value=64, max_value=4096),
)
def test_any_text_splits_into_valid_parts(lines: list[str], limit: int) -> None:
    html = "\n".join(format_line(line.replace("\n", " ").replace("\r", " ")) for line in lines)
    parts = split_message(html, limit=limit)
    for part in parts:
        assert utf16_len(part) <= limit
        parse_html(part)
    # nothing lost or reordered (long words may be cut, so compare without whitespace)
    assert "".join("".join(strip_html(p).split()) for p in parts) == "".join(
        strip_html(html).split()
    )


def test_escape() -> None:
    assert escape('<a href="x">&') == '&lt;a href="x"&gt;&amp;'
