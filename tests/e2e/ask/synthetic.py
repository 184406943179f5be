"""Knowledge bases made for a test: the curated one plus generated records."""

from __future__ import annotations

from knowledge.base import KnowledgeBase
from knowledge.engine import Engine
from tests.harness import shared_knowledge


def knowledge_with_busy_agency(copies: int = 40) -> tuple[KnowledgeBase, Engine]:
    """The curated knowledge base plus ``copies`` more tasks led by Bộ Nội vụ."""
    kb, _ = shared_knowledge()
    base = next(t for t, role in kb.tasks_of_agency("bo_noi_vu") if role == "lead")
    extra = [
        base.model_copy(update={"id": f"{base.id}_copy{i}", "title": f"{base.title} (bản {i})"})
        for i in range(copies)
    ]
    deadlines = {**kb.deadlines, **{t.id: kb.deadlines[base.id] for t in extra}}
    big = KnowledgeBase(
        list(kb.documents.values()),
        list(kb.agencies.values()),
        [*kb.tasks.values(), *extra],
        list(kb.campaigns.values()),
        deadlines,
    )
    return big, Engine(big)
