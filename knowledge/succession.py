"""What became of the bodies the documents name: merged, renamed or abolished in 2025.

``knowledge/data/succession.yaml`` records, for agencies of the knowledge base, the body
of today (its names and abbreviations), the date and the legal act. This module

- validates those records (``load_changes``, called by the loader: an unknown agency id
  is a problem ``kb check`` names);
- gives the names of today as extra names of their predecessors, so that a question
  naming "Ban Tuyên giáo và Dân vận TW" is read as one about "Ban Dân vận Trung ương";
- writes the notes an answer adds: "(văn bản ghi: X; nay là Y, từ …)" when today's name
  was asked, "X nay là Y …" or "X không còn …" when a changed body is named;
- tells who now answers for a body (``current_owner``), for reminders and digests.

No Telegram, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from knowledge.compose import agency_name
from knowledge.i18n import fmt_date, tr
from knowledge.model import ID_PATTERN, Level

if TYPE_CHECKING:
    from knowledge.answer import Answer
    from knowledge.base import KnowledgeBase
    from knowledge.model import Agency

FILE_NAME = "succession.yaml"
# At most this many "nay là …" notes under one answer (a Kiến An duty names many bodies).
MAX_NOTES = 3

Kind = Literal["merged", "renamed", "abolished", "established"]

_NOTE_KEYS = {
    ("merged", True): "Today: {old} has been merged into {new}, since {date}. Source: {act}.",
    ("merged", False): "Today: {old} has been merged into {new}. Source: {act}.",
    ("renamed", True): "Today: {old} has been renamed {new}, since {date}. Source: {act}.",
    ("renamed", False): "Today: {old} has been renamed {new}. Source: {act}.",
}


class Successor(BaseModel):
    """The body of today that took over a predecessor's duties."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    name_en: str = ""
    level: Level
    place: str | None = None
    aliases: list[str] = Field(default_factory=list)

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


class ActSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    act: str = Field(min_length=10)  # number and date of the act(s), as cited
    url: str = ""


class Change(BaseModel):
    """One reorganisation: predecessors → successor (none when abolished)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    predecessors: list[str] = Field(default_factory=list)
    kind: Kind
    successor: Successor | None = None
    effective: dt.date | None = None
    source: ActSource
    note: str = ""
    # established only: agencies of the base a reader may confuse it with (offered as
    # buttons, no succession claimed)
    related: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Change:
        if not ID_PATTERN.match(self.id):
            raise ValueError(f"id {self.id!r} must match [a-z0-9_]+")
        if (self.kind == "abolished") != (self.successor is None):
            raise ValueError("a successor is required unless the kind is 'abolished'")
        if (self.kind == "established") == bool(self.predecessors):
            raise ValueError("predecessors are required unless the kind is 'established'")
        if self.related and self.kind != "established":
            raise ValueError("related is for 'established' bodies only")
        return self


def load_changes(
    root: Path, agency_ids: set[str], problems: list[Any], problem_type: type
) -> list[Change]:
    """Read and check ``root/succession.yaml``; append a ``problem_type`` per problem."""
    import yaml

    path = root / FILE_NAME
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(problem_type(FILE_NAME, "-", f"cannot read: {exc}".splitlines()[0]))
        return []
    if not isinstance(data, list):
        problems.append(problem_type(FILE_NAME, "-", "expected a list of records"))
        return []
    changes: list[Change] = []
    seen: dict[str, str] = {}  # predecessor id → change id
    for raw in data:
        record = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
        try:
            change = Change.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(x) for x in err["loc"]) or "-"
                problems.append(problem_type(FILE_NAME, record, f"{where}: {err['msg']}"))
            continue
        if change.effective and change.effective > dt.date.today():
            problems.append(problem_type(FILE_NAME, record, "effective: date in the future"))
        for pred in change.related:
            if pred not in agency_ids:
                problems.append(problem_type(FILE_NAME, record, f"unknown agency {pred!r}"))
        for pred in change.predecessors:
            if pred not in agency_ids:
                problems.append(problem_type(FILE_NAME, record, f"unknown agency {pred!r}"))
            elif pred in seen:
                problems.append(
                    problem_type(FILE_NAME, record, f"{pred!r} already changed by {seen[pred]}")
                )
            seen[pred] = change.id
        changes.append(change)
    return changes


class Succession:
    """The changes of one knowledge base, indexed by predecessor."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        changes: Iterable[Change] = getattr(kb, "changes", ()) or ()
        self.by_agency: dict[str, Change] = {
            p: c for c in changes for p in c.predecessors if p in kb.agencies
        }
        # Bodies of today that took over no duty of the documents' bodies (that we know of).
        self.established = [c for c in changes if c.kind == "established"]

    def __bool__(self) -> bool:
        return bool(self.by_agency or self.established)

    def names(self) -> Iterator[tuple[str, str]]:
        """(name of today, predecessor id) pairs: extra names to recognise."""
        for agency_id, change in self.by_agency.items():
            if change.successor is None:
                continue
            succ = change.successor
            for name in (succ.name, succ.name_en, *succ.aliases):
                if name:
                    yield name, agency_id

    def new_body_names(self) -> Iterator[tuple[str, str]]:
        """(name, change id) of the bodies established without a predecessor in the base."""
        for change in self.established:
            assert change.successor is not None
            succ = change.successor
            for name in (succ.name, succ.name_en, *succ.aliases):
                if name:
                    yield name, change.id

    def new_body_refusal(self, change_id: str, lang: str) -> tuple[str, list[str]]:
        """The refusal for a question about a body of today with no duty in the documents,
        and the agencies of the base to offer instead (look-alikes, no succession claimed)."""
        change = next(c for c in self.established if c.id == change_id)
        assert change.successor is not None
        since = self._since(change, lang)
        key = (
            "{name} was established on {date} ({act}). The documents (2022–2023) give it no "
            "duty, and no source I hold says it took over the duty of a body they name."
            if since
            else "{name} was established by {act}. The documents (2022–2023) give it no duty, "
            "and no source I hold says it took over the duty of a body they name."
        )
        text = tr(lang, key, name=change.successor.label(lang), date=since, act=change.source.act)
        return text, [a for a in change.related if a in self.kb.agencies]

    def current(self, agency_id: str) -> Change | None:
        return self.by_agency.get(agency_id)

    def current_owner(self, agency_id: str) -> str | None:
        """The successor's name, when ``agency_id`` was merged or renamed; else None."""
        change = self.by_agency.get(agency_id)
        return change.successor.name if change and change.successor else None

    def label(self, agency: Agency, lang: str) -> str | None:
        """A short "today" mark for listings: "nay: Bộ Khoa học và Công nghệ"."""
        change = self.by_agency.get(agency.id)
        if change is None:
            return None
        if change.successor is None:
            return tr(lang, "no longer in operation")
        return tr(lang, "now: {name}", name=change.successor.label(lang))

    # ------------------------------------------------------------------ notes

    def _since(self, change: Change, lang: str) -> str:
        return fmt_date(change.effective, lang) if change.effective else ""

    def asked_note(self, agency_id: str, lang: str) -> str:
        """Today's name was asked: "(văn bản ghi: X; nay là Y, từ D)"."""
        change = self.by_agency[agency_id]
        assert change.successor is not None
        agency = self.kb.agencies[agency_id]
        since = self._since(change, lang)
        key = (
            "(the documents say: {old}; now {new}, since {date})"
            if since
            else "(the documents say: {old}; now {new})"
        )
        old = agency_name(agency, lang)
        return tr(lang, key, old=old, new=change.successor.label(lang), date=since)

    def old_name_note(self, agency_ids: list[str], lang: str) -> str:
        """Changed bodies named in an answer: one line each (abolished ones grouped)."""
        lines: list[str] = []
        gone: dict[str, list[str]] = {}
        for agency_id in agency_ids:
            change = self.by_agency.get(agency_id)
            if change is None:
                continue
            old = agency_name(self.kb.agencies[agency_id], lang)
            since = self._since(change, lang)
            if change.successor is None:
                gone.setdefault(change.id, []).append(old)
                continue
            key = _NOTE_KEYS[(change.kind, bool(since))]
            line = tr(
                lang,
                key,
                old=old,
                new=change.successor.label(lang),
                date=since,
                act=change.source.act,
            )
            if change.note:
                line += " " + tr(lang, "Note: {note}.", note=change.note)
            lines.append(line)
        for change_id, names in gone.items():
            change = next(c for c in self.by_agency.values() if c.id == change_id)
            since = self._since(change, lang)
            key = (
                "Today: no longer in operation since {date}: {names}. Source: {act}."
                if since
                else "Today: no longer in operation: {names}. Source: {act}."
            )
            lines.append(tr(lang, key, names="; ".join(names), date=since, act=change.source.act))
        return "\n".join(lines[:MAX_NOTES])

    def annotate(self, answer: Answer, asked_today: set[str], lang: str) -> Answer:
        """Add to ``answer`` what became of the bodies it names.

        ``asked_today``: predecessor ids the question named by their name of today; the
        answer then says first which body the documents print.
        """
        if not self.by_agency or answer.refused:
            return answer
        named = [a for a in answer.agencies if a in self.by_agency]
        asked = [a for a in named if a in asked_today] or [
            a for a in asked_today if a in self.by_agency and a in answer.agencies
        ]
        others = [a for a in named if a not in asked]
        text = answer.text
        if asked:
            head = " ".join(self.asked_note(a, lang) for a in dict.fromkeys(asked))
            if not text.startswith(head):
                text = head + "\n" + text
        note = self.old_name_note(others, lang)
        if note and note not in text:  # an answer built on another one is noted once
            text += "\n\n" + note
        if text == answer.text:
            return answer
        return replace(answer, text=text)
