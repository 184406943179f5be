"""Which tasks a question might be about, with the engine's scores.

The curators link an unanswered question to one of these, never to an arbitrary id.
"""

from __future__ import annotations

from knowledge.answer import Answer
from knowledge.engine import Engine

MAX_CANDIDATES = 5


def candidates_for(
    engine: Engine, text: str, answer: Answer | None = None, limit: int = MAX_CANDIDATES
) -> list[tuple[str, float]]:
    """Best candidate tasks for ``text`` (see ``Engine.candidates``)."""
    return engine.candidates(text, answer, limit)
