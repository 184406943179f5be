"""What the engine returns: plain data, rendered by the CLI or by Telegram handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from knowledge.listing import Listing

Intent = Literal[
    "lead", "coordinate", "deadline", "output", "summary", "agency_tasks", "list", "refuse"
]


@dataclass(frozen=True)
class Source:
    """Where an answer comes from: a document and its own reference to the duty."""

    document: str  # document id, e.g. "qd895"
    label: str  # e.g. "Quyết định 895/QĐ-TTg"
    ref: str  # e.g. "Phụ lục, mục II.2"
    task: str | None  # task id, when the source is one duty
    level: str  # document level

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "label": self.label,
            "ref": self.ref,
            "task": self.task,
            "level": self.level,
        }


@dataclass(frozen=True)
class Suggestion:
    """A "did you mean" candidate: a task (or agency) and the label of its button."""

    task: str | None
    label: str
    score: float
    agency: str | None = None


@dataclass(frozen=True)
class Answer:
    text: str  # plain text (no markup); handlers escape it
    confidence: float  # 0..1
    refused: bool
    intent: Intent
    lang: str  # "vi" or "en"
    sources: list[Source] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)  # task ids the answer is about
    agencies: list[str] = field(default_factory=list)  # agency ids it names as owners
    suggestions: list[Suggestion] = field(default_factory=list)
    # A list answer: every task id and the page shown (Engine.page renders another page).
    listing: Listing | None = None

    def as_json(self) -> dict[str, Any]:
        """The stable CLI shape: answer, confidence, sources, refused (plus extras)."""
        return {
            "answer": self.text,
            "confidence": round(self.confidence, 3),
            "sources": [s.as_dict() for s in self.sources],
            "refused": self.refused,
            "intent": self.intent,
            "lang": self.lang,
            "tasks": self.tasks,
            "agencies": self.agencies,
            "page": (
                {"page": self.listing.page + 1, "pages": self.listing.pages}
                if self.listing is not None
                else None
            ),
            "suggestions": [
                {"task": s.task, "agency": s.agency, "label": s.label, "score": round(s.score, 3)}
                for s in self.suggestions
            ],
        }
