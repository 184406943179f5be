"""Engine.answer on any text a chat can carry: always an Answer, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.answer import Answer
from knowledge.engine import Engine
from knowledge.loader import load_knowledge

ENGINE = Engine(load_knowledge())

EMOJI = st.sampled_from(["🙂", "🇻🇳", "👍🏽", "❤️", "🧑‍🤝‍🧑", "\u200d", "\ufe0f"])
CONTROL = st.sampled_from(["\x00", "\x07", "\x1b", "\u202e", "\u2028", "\r\n", "\t", "\ufeff"])
WORDS = st.sampled_from(
    [
        "ai",
        "chủ trì",
        "Bộ Nội vụ",
        "UBND",
        "KL44",
        "QĐ 895",
        "II.2",
        "05/3/2023",
        "31/02/2023",
        "who leads",
        "Ministry of",
        "sở",
        "bao nhiêu",
        "làm gì",
        "tỉnh",
        "quận",
    ]
)
MIXED = st.lists(st.one_of(st.text(max_size=20), EMOJI, CONTROL, WORDS), max_size=40).map(" ".join)


def _check(answer: Answer) -> None:
    assert isinstance(answer, Answer)
    assert isinstance(answer.text, str) and answer.text.strip()
    assert 0.0 <= answer.confidence <= 1.0
    assert answer.lang in ("vi", "en")
    assert isinstance(answer.as_json()["refused"], bool)
    if not answer.refused and answer.intent != "list":
        assert answer.sources


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_unicode_gives_an_answer(text: str) -> None:
    _check(ENGINE.answer(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED)
def test_question_like_noise_gives_an_answer(text: str) -> None:
    _check(ENGINE.answer(text))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED.filter(str.strip))
def test_4096_characters_give_an_answer(seed: str) -> None:
    text = (seed * (4096 // len(seed) + 1))[:4096]  # a full-size Telegram message
    assert len(text) == 4096
    _check(ENGINE.answer(text))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x02",
        "🙂" * 4096,
        "ai chủ trì " * 400,
        "who leads " * 400,
        "\u202eai chu tri ra soat luat",
        "Bộ Nội vụ\n\n\tphải làm gì?",
        "II.2 III.1.b IV.3 V.2 " * 50,
        "05/3/2023 32/13/2023 5 March 2023",
    ],
)
def test_edge_inputs_give_an_answer(text: str) -> None:
    _check(ENGINE.answer(text))
    _check(ENGINE.answer(text, "en"))
