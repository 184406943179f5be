"""What a coordinator covers: the one ``Scope`` of the bot, with one normalisation of places.

A coordinator grant covers everything, a level (optionally narrowed to one place), or a
list of agency ids. Places are compared after :func:`fold_place` (Unicode NFC, case-folded,
whitespace collapsed), so a grant typed "lai  châu" covers Sở Y tế Lai Châu for the join
codes (``bot.access``), the digest, the export and /hanchot (``scheduler``) alike.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Protocol


class AgencyLike(Protocol):
    """Anything with an agency's id, level and place (an ORM row or a plain record)."""

    @property
    def id(self) -> str: ...

    @property
    def level(self) -> str: ...

    @property
    def place(self) -> str | None: ...


def fold_place(text: str | None) -> str:
    """The one comparison key of a place or level name."""
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


@dataclass(frozen=True)
class Scope:
    """What a coordinator covers. An empty scope covers nothing."""

    all: bool = False
    level: str | None = None
    place: str | None = None
    agencies: frozenset[str] = field(default_factory=frozenset)

    def covers(self, agency: AgencyLike) -> bool:
        if self.all or agency.id in self.agencies:
            return True
        if self.level is None or fold_place(agency.level) != fold_place(self.level):
            return False
        return self.place is None or fold_place(agency.place) == fold_place(self.place)

    @property
    def empty(self) -> bool:
        return not (self.all or self.level or self.agencies)

    def merged(self, other: Scope) -> Scope:
        """A rough union (two different levels cannot be one Scope: the first one is kept);
        exact checks go through every grant (``bot.access.coordinator_scopes``)."""
        if self.all or other.all:
            return Scope(all=True)
        return Scope(
            level=self.level or other.level,
            place=self.place if self.level else other.place,
            agencies=self.agencies | other.agencies,
        )

    def describe(self) -> str:
        if self.all:
            return "*"
        parts = []
        if self.level:
            parts.append(self.level + (f"/{self.place}" if self.place else ""))
        parts.extend(sorted(self.agencies))
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "all": self.all,
            "level": self.level,
            "place": self.place,
            "agencies": sorted(self.agencies),
        }
