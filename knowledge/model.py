"""Typed records of the knowledge base, validated at load with pydantic.

The YAML layout is documented in docs/knowledge-schema.md. These classes are plain
data: no Telegram, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
    recurrence: Literal["yearly", "ongoing"] | None = None


class Task(_Record):
    id: str
    document: str
    ref: str
    section: str
    section_title: str = ""
    title: str
    details: str | None = None
    lead: list[str] = Field(default_factory=list)
    coordinate: list[str] = Field(default_factory=list)
    deadline: str = ""
    output: str = ""
    keywords: list[str] = Field(default_factory=list)
    seed_line: int = Field(ge=1)

    @field_validator("deadline", "output", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value
