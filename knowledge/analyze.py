"""Turn text into tokens the engine can match: the same pipeline for the
knowledge base's names and for a question, so both sides agree.

A token keeps its folded form (no diacritics) and its accent key (tone mark
detached), so a question typed with diacritics can tell đất from đạt while one
typed without still matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from knowledge.lexicon import Lexicon
from knowledge.normalize import accent_key, fold, has_diacritics

_WORD = re.compile(r"[^\W_]+(?:&[^\W_]+)*", re.UNICODE)
_ALNUM = re.compile(r"^([a-z]+)(\d+)$")


@dataclass(frozen=True, slots=True)
class Tok:
    f: str  # folded: lowercase, no diacritics, đ → d
    a: str | None  # accent key when the token was typed with diacritics, else None
    alt: str | None = None  # another folded reading (from an English word with two senses)

    @property
    def plain(self) -> bool:
        return self.a is None


def _make(word: str) -> Tok:
    return Tok(fold(word), accent_key(word) if has_diacritics(word) else None)


def words(text: str) -> list[Tok]:
    """Tokens of a text, before any expansion."""
    text = unicodedata.normalize("NFC", text).casefold()
    return [_make(w) for w in _WORD.findall(text)]


def expand(tokens: list[Tok], lexicon: Lexicon) -> list[Tok]:
    """Expand unambiguous abbreviations and split joined forms like kl44, qd895."""
    out: list[Tok] = []
    skip = False
    for i, tok in enumerate(tokens):
        if skip:
            skip = False
            continue
        f = tok.f
        nxt = tokens[i + 1].f if i + 1 < len(tokens) else None
        if nxt is not None and f"{f}&{nxt}" in lexicon.abbreviations:
            # "TT TT", "GD ĐT", "TT-TT": an "&" abbreviation typed without its "&".
            out.extend(words(lexicon.abbreviations[f"{f}&{nxt}"]))
            skip = True
            continue
        if f in lexicon.abbreviations:
            out.extend(words(lexicon.abbreviations[f]))
            continue
        m = _ALNUM.match(f)
        if m and m.group(1) in lexicon.abbreviations:
            out.extend(words(lexicon.abbreviations[m.group(1)]))
            out.append(Tok(m.group(2), None))
            continue
        if "&" in f:
            out.extend(Tok(part, None) for part in f.split("&") if part)
            continue
        out.append(tok)
    return out


def analyze(text: str, lexicon: Lexicon) -> list[Tok]:
    return expand(words(text), lexicon)


def folded_key(text: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The folded token tuple of a name or phrase, for phrase dictionaries."""
    return tuple(t.f for t in analyze(text, lexicon))
