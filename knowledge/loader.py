"""Load and validate the knowledge base from its YAML files.

Every problem is collected with the file and record it concerns, so that
``python -m bot kb check`` and the admin reload can name them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.base import KnowledgeBase
from knowledge.checks import check_document, check_task
from knowledge.deadlines import DeadlineError, parse_deadline
from knowledge.model import Agency, Campaign, Document, Task
from knowledge.succession import load_changes

DATA_DIR = Path(__file__).resolve().parent / "data"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    record: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.reason}"


class KnowledgeError(Exception):
    """The knowledge base on disk is not valid; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _read_list(path: Path, root: Path, problems: list[Problem]) -> list[dict[str, Any]]:
    rel = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(rel, "-", f"cannot read: {exc}".splitlines()[0]))
        return []
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        problems.append(Problem(rel, "-", "expected a list of records"))
        return []
    return [dict(item, __file__=rel) for item in data]


def _build(model: type[M], raw: dict[str, Any], problems: list[Problem]) -> M | None:
    file = raw.pop("__file__")
    record = str(raw.get("id", "?"))
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(x) for x in err["loc"]) or "-"
            problems.append(Problem(file, record, f"{where}: {err['msg']}"))
        return None


def _files(root: Path, name: str) -> list[Path]:
    target = root / name
    if target.is_dir():
        return sorted(target.glob("*.yaml"))
    return [target] if target.exists() else []


def load_knowledge(root: Path = DATA_DIR) -> KnowledgeBase:
    """Load every file under ``root``; raise KnowledgeError listing all problems."""
    problems: list[Problem] = []
    raw: dict[str, list[dict[str, Any]]] = {}
    for name in ("documents.yaml", "agencies", "tasks", "campaigns.yaml"):
        raw[name] = [r for f in _files(root, name) for r in _read_list(f, root, problems)]
    if not raw["documents.yaml"]:
        problems.append(Problem("documents.yaml", "-", "no documents found"))

    def build_all(model: type[M], key: str) -> tuple[list[M], dict[str, str]]:
        out: list[M] = []
        where: dict[str, str] = {}
        for item in raw[key]:
            file = item["__file__"]
            built = _build(model, item, problems)
            if built is None:
                continue
            ident = built.id  # type: ignore[attr-defined]  # every record model has an id
            if ident in where:
                problems.append(Problem(file, ident, f"duplicate id (also in {where[ident]})"))
                continue
            where[ident] = file
            out.append(built)
        return out, where

    documents, _ = build_all(Document, "documents.yaml")
    agencies, _ = build_all(Agency, "agencies")
    tasks, task_files = build_all(Task, "tasks")
    campaigns, _ = build_all(Campaign, "campaigns.yaml")

    doc_ids = {d.id for d in documents}
    agency_ids = {a.id for a in agencies}
    for doc in documents:
        if doc.parent and doc.parent not in doc_ids:
            problems.append(Problem("documents.yaml", doc.id, f"unknown parent {doc.parent!r}"))
        for where, reason in check_document(doc):
            problems.append(Problem("documents.yaml", doc.id, f"{where}: {reason}"))
    by_doc = {d.id: d for d in documents}
    by_agency = {a.id: a for a in agencies}
    deadlines = {}
    for task in tasks:
        file = task_files[task.id]
        if task.document not in doc_ids:
            problems.append(Problem(file, task.id, f"unknown document {task.document!r}"))
        for role in ("lead", "coordinate"):
            for agency in getattr(task, role):
                if agency not in agency_ids:
                    problems.append(Problem(file, task.id, f"{role}: unknown agency {agency!r}"))
        if not task.lead:
            problems.append(Problem(file, task.id, "lead: no lead agency"))
        if task.document in by_doc:  # exact to the letter (knowledge/checks.py)
            for where, reason in check_task(task, by_doc[task.document], by_agency):
                problems.append(Problem(file, task.id, f"{where}: {reason}"))
        if not task.ref.strip():
            problems.append(Problem(file, task.id, "ref: missing source reference"))
        try:
            deadlines[task.id] = parse_deadline(task.deadline)
        except DeadlineError as exc:
            problems.append(Problem(file, task.id, f"deadline: {exc}"))
    changes = load_changes(root, agency_ids, problems, Problem)
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(documents, agencies, tasks, campaigns, deadlines, changes)
