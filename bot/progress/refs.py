"""Short task codes and typo-tolerant resolution of what the user typed.

The documents' own references read ``Phụ lục, mục II.2`` or ``Mục III.8, gạch đầu
dòng 2``; people type ``II.2`` or ``III.8-2``. ``short_code`` turns a reference into
that short form; ``resolve`` finds the task among the ones the user may update:
exact (code, task id or full reference, with or without diacritics) or, failing
that, the closest few as suggestions, never an error wall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.progress.parse import fold

_SECTION = re.compile(r"(?:muc|diem|phu luc)\s+([ivxlc\d]+(?:\.[\w]+)*)")
_BULLET = re.compile(r"(?:gach dau dong|doan|diem)\s+(\d+)")


def short_code(ref: str) -> str:
    """'Phụ lục, mục II.2' → 'II.2'; 'Mục III.8, gạch đầu dòng 2' → 'III.8-2'."""
    folded = fold(ref)
    m = _SECTION.search(folded)
    if m is None:
        return ref.strip()
    code = m.group(1)
    tail = folded[m.end() :]
    b = _BULLET.search(tail)
    if b is not None:
        code = f"{code}-{b.group(1)}"
    # Roman numerals upper-case, letter points lower-case: III.1.b
    parts = code.split(".")
    parts = [p.upper() if re.fullmatch(r"[ivxlc]+", p) else p for p in parts]
    return ".".join(parts)


def _key(text: str) -> str:
    key = fold(text)
    key = re.sub(r"^(?:phu luc,?\s*)?(?:muc|nhiem vu|nv|task)\s+", "", key)
    return key.replace(" ", "").replace("/", "-").rstrip(".?!,;:")


@dataclass(frozen=True)
class Candidate:
    task_id: str
    code: str
    ref: str
    title: str
    agency_id: str = ""


@dataclass
class Resolution:
    matches: list[Candidate] = field(default_factory=list)  # exact matches
    suggestions: list[Candidate] = field(default_factory=list)

    @property
    def unique(self) -> Candidate | None:
        ids = {c.task_id for c in self.matches}
        return self.matches[0] if len(ids) == 1 else None


def resolve(typed: str, candidates: list[Candidate], limit: int = 4) -> Resolution:
    key = _key(typed)
    if not key:
        return Resolution(suggestions=candidates[:limit])
    exact = [c for c in candidates if key in {_key(c.code), _key(c.task_id), _key(c.ref)}]
    if exact:
        return Resolution(matches=exact)
    choices = {i: _key(c.code) for i, c in enumerate(candidates)}
    scored = process.extract(key, choices, scorer=fuzz.ratio, limit=limit * 2)
    titles = {i: fold(c.title) for i, c in enumerate(candidates)}
    scored += process.extract(
        fold(typed), titles, scorer=fuzz.partial_ratio, limit=limit, score_cutoff=80
    )
    best: dict[int, float] = {}
    for _choice, score, index in scored:
        best[index] = max(best.get(index, 0.0), score)
    ordered = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    picked = [candidates[i] for i, score in ordered if score >= 50][:limit]
    return Resolution(suggestions=picked)
