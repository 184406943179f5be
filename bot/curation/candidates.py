"""Which tasks a question might be about, with the engine's scores.

The curators link an unanswered question to one of these, never to an arbitrary id.
"""

from __future__ import annotations

import logging

from knowledge.answer import Answer
from knowledge.engine import Engine

log = logging.getLogger(__name__)

MAX_CANDIDATES = 5


def candidates_for(
    engine: Engine, text: str, answer: Answer | None = None, limit: int = MAX_CANDIDATES
) -> list[tuple[str, float]]:
    """Best candidate tasks for ``text``: the answer's own task and suggestions first,
    then the engine's ranking of the question's content words (even below the
    threshold at which it would suggest them)."""
    found: dict[str, float] = {}
    if answer is None:
        answer = engine.answer(text)
    if not answer.refused:
        for task in answer.tasks[:1]:
            found[task] = round(float(answer.confidence), 3)
    for s in answer.suggestions:
        if s.task and s.task not in found:
            found[s.task] = round(float(s.score), 3)
    try:
        query = engine.reader.read(text)
        for scored in engine.index.score(query.content, None, limit=limit * 2):
            conf = round(float(engine._confidence(scored, query)), 3)
            if conf > found.get(scored.task_id, -1.0):
                found[scored.task_id] = conf
    except (AttributeError, TypeError) as exc:  # engine internals changed: answer-only
        log.warning("candidate ranking unavailable (%s); using the answer's own", exc)
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    return [(task, score) for task, score in ranked if task in engine.kb.tasks][:limit]
