"""``Engine.candidates``: the public ranking curators link unanswered questions to."""

from __future__ import annotations

from knowledge.engine import Engine
from knowledge.loader import load_knowledge

ENGINE = Engine(load_knowledge())


def test_answered_question_puts_its_task_first() -> None:
    answer = ENGINE.answer("ai chủ trì rà soát Luật hoạt động chữ thập đỏ")
    found = ENGINE.candidates("ai chủ trì rà soát Luật hoạt động chữ thập đỏ", answer)
    assert found[0][0] == answer.tasks[0]
    assert all(task in ENGINE.kb.tasks for task, _ in found)
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)


def test_refused_question_still_gets_ranked_candidates_below_threshold() -> None:
    text = "kinh phí cho hiến máu tình nguyện lấy ở đâu"
    found = ENGINE.candidates(text, limit=3)
    assert 1 <= len(found) <= 3
    assert all(0.0 <= score <= 1.0 for _, score in found)


def test_empty_question_has_no_candidates() -> None:
    assert ENGINE.candidates("   ") == []
