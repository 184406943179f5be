"""Typed records of the knowledge base, validated at load with pydantic.

The YAML layout is documented in docs/knowledge-schema.md. These classes are plain
data: no Telegram, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = re.compile(r"^[a-z0-9_]+$")


class Level(StrEnum):
    """Level of a document or agency, from the Party centre to the district."""

    party_central = "party_central"
    government = "government"
    central = "central"
    province = "province"
    city = "city"
    district = "district"
    any = "any"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("id", check_fields=False)
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(f"id {value!r} must match [a-z0-9_]+")
        return value


class SeedRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: str
    line: int = Field(ge=1)


class Basis(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    line: int = Field(ge=1)


class Signer(BaseModel):
    """Who signed a document, as its copy prints it (capacity line and name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    capacity: str
    name: str
    line: int = Field(ge=1)


class Table(BaseModel):
    """The assignment table a document prints (QĐ 895's appendix): which of its tasks are
    rows of it, and the column headers it prints. A task that is not a row of such a table
    has no printed deadline or output cell."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ref_prefix: str  # the task refs that are rows of the table start with this ("Phụ lục")
    columns: list[str]  # the printed headers, e.g. "Cơ quan chủ trì", "Sản phẩm chủ yếu"
    line: int = Field(ge=1)  # seed line of the header row

    def has(self, header: str) -> bool:
        return any(c.casefold() == header.casefold() for c in self.columns)


class Cited(BaseModel):
    """A text a document cites by number (header, basis or body), as printed. The base
    holds only the citation, never the cited text's content."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str  # as printed: Kế hoạch, Công văn, Chỉ thị, Tờ trình, Nghị định, Thông tư, …
    number: str  # as printed, e.g. "176-KH/TU", "12665-CV/VPTW", "231/TTr-CTĐ"
    text: str  # the citation as printed (kind, number, date, issuer, subject)
    line: int = Field(ge=1)
    # A curator's note shown with the citation (not printed in the seed), e.g. that the
    # Thành ủy of 809-CV/TU is not the Thành ủy of the city plan in the base.
    note: str = ""
    note_en: str = ""


class Document(_Record):
    id: str
    kind: str
    number: str = ""
    date: dt.date | None = None
    issuer: str
    level: Level
    place: str | None = None
    parent: str | None = None
    title: str
    short_names: list[str] = Field(default_factory=list)
    # The texts the document says it implements or rests on, as printed ("Căn cứ …",
    # "Thực hiện …"), each with the seed line that prints it.
    basis: list[Basis] = Field(default_factory=list)
    # The signature block as printed; None when the copy prints no signer.
    signer: Signer | None = None
    # Where ``date`` comes from: "header" (printed with the number or place line) or
    # "e_signature" (Kiến An: only the electronic signature stamp at the end carries it).
    date_from: Literal["header", "e_signature"] = "header"
    date_line: int | None = None  # seed line of the date as printed
    # Who executes the document and when it takes effect, as printed (None: not printed).
    executors: Basis | None = None
    effect: Basis | None = None
    # Every other text the document cites by number (header, basis, body).
    cites: list[Cited] = Field(default_factory=list)
    # The assignment table it prints, if any (None: prose only, no deadline/output column).
    table: Table | None = None
    seed: str

    @property
    def label(self) -> str:
        """How an answer cites the document, e.g. 'Quyết định 895/QĐ-TTg'."""
        if self.number:
            return f"{self.kind} {self.number}"
        return f"{self.kind} của {self.issuer}"


class Agency(_Record):
    id: str
    name: str
    name_en: str = ""
    level: Level
    place: str | None = None
    generic: bool = False
    aliases: list[str] = Field(default_factory=list)
    seed_refs: list[SeedRef] = Field(default_factory=list)


class Campaign(_Record):
    id: str
    name: str
    name_en: str = ""
    season: str | None = None
    description: str = ""
    aliases: list[str] = Field(default_factory=list)
    seed_refs: list[SeedRef] = Field(default_factory=list)


DeadlineKind = Literal["date", "period", "recurring", "conditional", "none"]


class Deadline(BaseModel):
    """A deadline as printed, and what the parser made of it."""

    model_config = ConfigDict(frozen=True)

    text: str
    kind: DeadlineKind
    due: dt.date | None = None  # for kind "date": the last day it may be done
    start: dt.date | None = None  # for kind "period": first day of the period
    end: dt.date | None = None  # for kind "period": last day of the period
    # "yearly": a yearly frequency is printed (hàng năm); "ongoing": thường xuyên, liên
    # tục; "periodic": "định kỳ" with no frequency printed (never read as yearly).
    recurrence: Literal["yearly", "ongoing", "periodic"] | None = None


# How a document words the part of the bodies it gives a duty to (``Task.lead``):
#   lead         "chủ trì" printed, a "Cơ quan chủ trì" cell, or the body is the subject (or
#                the heading) of the duty with its own action verb (chỉ đạo, tham mưu, …).
#                Several such bodies are co-leads: the documents print them side by side in
#                one cell or sentence, never with a word of their own.
#   coordinate   the body's own printed verb is "phối hợp" (Phối hợp với …, chủ động phối
#                hợp …): it acts, but the document names no lead.
#   participate  the printed verb is "tham gia" ("Phối hợp, tham gia …").
#   addressee    the duty names no owner; these are the bodies the document is addressed
#                to (the letter's "yêu cầu các cấp ủy, … thực hiện tốt một số nội dung sau").
TaskRole = Literal["lead", "coordinate", "participate", "addressee"]
TASK_ROLES: tuple[str, ...] = ("lead", "coordinate", "participate", "addressee")


class Milestone(BaseModel):
    """One printed (deadline, output) pair of a row with several (QĐ 895 appendix II.4)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    deadline: str
    output: str = ""


class Task(_Record):
    id: str
    document: str
    ref: str
    section: str
    section_title: str = ""
    title: str
    details: str | None = None
    # The bodies the document gives the duty to; ``role`` says how it words their part.
    lead: list[str] = Field(default_factory=list)
    role: TaskRole = "lead"
    # The document's own words for that part when it is not "lead", as printed
    # ("Phối hợp, tham gia", "Phối hợp với Hội Chữ thập đỏ tỉnh, sở, ban, ngành liên quan").
    role_text: str = ""
    # Partners the duty names after "phối hợp với" (or the "Cơ quan phối hợp" cell).
    coordinate: list[str] = Field(default_factory=list)
    # An agency's name as this task prints it, where it differs from the agency's
    # canonical name (KL 44 mục 2 "Các bộ, ngành" for the ministries): answers show it.
    printed: dict[str, str] = Field(default_factory=dict)
    deadline: str = ""
    output: str = ""
    # Rows printing several deadline/output pairs keep each pair; ``deadline`` and
    # ``output`` are then the pairs joined with "; " (filled in when left empty).
    milestones: list[Milestone] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    seed_line: int = Field(ge=1)

    @field_validator("deadline", "output", "role_text", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @model_validator(mode="before")
    @classmethod
    def _join_milestones(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("milestones"):
            pairs = [m if isinstance(m, dict) else dict(m) for m in data["milestones"]]
            if not data.get("deadline"):
                data = {**data, "deadline": "; ".join(str(m.get("deadline", "")) for m in pairs)}
            if not data.get("output"):
                outputs = [str(m.get("output") or "") for m in pairs]
                data = {**data, "output": "; ".join(o for o in outputs if o)}
        return data

    @property
    def owners(self) -> list[str]:
        """The bodies the document gives the duty to, whatever their printed role."""
        return self.lead

    @property
    def leads(self) -> list[str]:
        """The bodies printed as lead (chủ trì); empty when the document names none."""
        return self.lead if self.role == "lead" else []
