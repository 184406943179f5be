"""The loaded knowledge base: records plus the lookups every consumer needs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.model import Agency, Campaign, Deadline, Document, Task

if TYPE_CHECKING:
    from knowledge.succession import Change


@dataclass(frozen=True)
class Section:
    document: str
    code: str
    title: str
    tasks: tuple[Task, ...]


class KnowledgeBase:
    """Immutable after construction; build a new one to reload."""

    def __init__(
        self,
        documents: list[Document],
        agencies: list[Agency],
        tasks: list[Task],
        campaigns: list[Campaign],
        deadlines: dict[str, Deadline],
        changes: list[Change] | None = None,
    ) -> None:
        self.documents: dict[str, Document] = {d.id: d for d in documents}
        self.agencies: dict[str, Agency] = {a.id: a for a in agencies}
        self.tasks: dict[str, Task] = {t.id: t for t in tasks}
        self.campaigns: dict[str, Campaign] = {c.id: c for c in campaigns}
        self.deadlines = deadlines
        # What became of the agencies in 2025 (knowledge/succession.py).
        self.changes: list[Change] = list(changes or [])
        self._by_agency: dict[str, list[tuple[Task, str]]] = defaultdict(list)
        self._by_document: dict[str, list[Task]] = defaultdict(list)
        for task in tasks:
            self._by_document[task.document].append(task)
            for agency in task.lead:
                self._by_agency[agency].append((task, task.role))
            for agency in task.coordinate:
                if agency not in task.lead:
                    self._by_agency[agency].append((task, "coordinate"))

    def deadline(self, task_id: str) -> Deadline:
        return self.deadlines[task_id]

    def document_of(self, task: Task) -> Document:
        return self.documents[task.document]

    def tasks_of_document(self, document_id: str) -> list[Task]:
        return list(self._by_document.get(document_id, []))

    def sections(self, document_id: str) -> list[Section]:
        order: dict[str, list[Task]] = {}
        titles: dict[str, str] = {}
        for task in self._by_document.get(document_id, []):
            order.setdefault(task.section, []).append(task)
            titles.setdefault(task.section, task.section_title)
        return [Section(document_id, code, titles[code], tuple(ts)) for code, ts in order.items()]

    def tasks_of_agency(self, agency_id: str) -> list[tuple[Task, str]]:
        """(task, role) pairs in document order. The role is the part the document prints
        for the agency: "lead" (chủ trì), "coordinate" (phối hợp, as partner or as the
        owner's own verb), "participate" (tham gia) or "addressee" (no role printed)."""
        return list(self._by_agency.get(agency_id, []))

    def counts(self) -> dict[str, int]:
        return {doc_id: len(self._by_document.get(doc_id, [])) for doc_id in self.documents}
