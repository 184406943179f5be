"""Which agencies a bare /coquan offers as buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase
    from knowledge.model import Agency


def busiest_agencies(kb: KnowledgeBase, n: int = 8) -> list[Agency]:
    """Named (non-collective) agencies with the most tasks: the shortcuts under a bare /coquan."""
    ranked = sorted(
        (a for a in kb.agencies.values() if not a.generic and kb.tasks_of_agency(a.id)),
        key=lambda a: (-len(kb.tasks_of_agency(a.id)), a.name),
    )
    return ranked[:n]
