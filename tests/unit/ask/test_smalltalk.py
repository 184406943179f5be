"""Small talk is recognised only when the whole message is small talk."""

import pytest

from bot.ask.smalltalk import kind_of, reply


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ok cam on", "thanks"),
        ("Cảm ơn bạn nhiều!", "thanks"),
        ("thanks", "thanks"),
        ("Thank you!", "thanks"),
        ("ok", "thanks"),
        ("Xin chào", "greeting"),
        ("chào bot", "greeting"),
        ("hello", "greeting"),
    ],
)
def test_small_talk(text: str, kind: str) -> None:
    assert kind_of(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "chào, ai chủ trì rà soát luật",
        "cảm ơn, thế thời hạn nghị định 93 là khi nào",
        "ban dan van lam gi",
        "on",
        "",
        "hi " * 10,
    ],
)
def test_questions_are_not_small_talk(text: str) -> None:
    assert kind_of(text) is None


def test_replies_in_both_languages() -> None:
    assert reply("thanks", "vi").startswith("Không có gì")
    assert reply("greeting", "en").startswith("Hello!")
