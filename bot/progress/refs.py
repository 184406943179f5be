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


_ROMAN = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_PIECE = re.compile(r"[a-z]+|\d+|-")
# Loosely read: no separators at all ("ii2", "iii1b") or an Arabic section ("2.2", "3.1.b").
# A half-dotted "III.1b" or "II,2" stays a typo that the user confirms from suggestions.
_LOOSE_OK = re.compile(r"[a-z0-9]+(?:-\d+)?|\d+(?:\.[a-z0-9]+)+(?:-\d+)?")


def _roman(number: int) -> str:
    out = ""
    for value, digits in _ROMAN:
        while number >= value:
            out += digits
            number -= value
    return out


def _canonical(code: str) -> str:
    """'II.2' → 'ii.2', 'III.8-2' → 'iii.8-2': the form :func:`loose_keys` produces."""
    return ".".join(_PIECE.findall(_key(code))).replace(".-.", "-")


def loose_keys(text: str) -> set[str]:
    """Forms of a short code as people type it: ``ii2``, ``II 2``, ``2.2`` all give
    ``ii.2`` (an Arabic section number is read as the Roman one the documents use)."""
    key = _key(text)
    if not _LOOSE_OK.fullmatch(key):
        return set()
    pieces = _PIECE.findall(key)
    if not pieces:
        return set()
    keys = {".".join(pieces).replace(".-.", "-")}
    if pieces[0].isdigit() and 0 < int(pieces[0]) < 40:
        roman = [_roman(int(pieces[0])), *pieces[1:]]
        keys.add(".".join(roman).replace(".-.", "-"))
    return keys


def matches_code(typed: str, code: str) -> bool:
    """Whether ``typed`` is the short ``code`` itself or a loose spelling of it."""
    if _key(typed) == _key(code):
        return True
    return _canonical(code) in loose_keys(typed)


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
    if not exact and key[:1].isalnum():
        exact = [c for c in candidates if matches_code(typed, c.code)]
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
