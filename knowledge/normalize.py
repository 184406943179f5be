"""Text normalisation for Vietnamese as officers type it.

NFC, casefold, punctuation to spaces, and a diacritic-free twin (đ → d). The two
tone-mark spellings (ủy/uỷ, hóa/hoá) become the same once diacritics are stripped,
and ``canonical`` also folds them in the accented form by decomposing and
reordering marks. Ours rather than a library's: underthesea is GPL-3.0.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})
_NON_WORD = re.compile(r"[^\w&/.-]+|_")
_EDGE_PUNCT = re.compile(r"(?:(?<=\s)|^)[/.&-]+|[/.&-]+(?=\s|$)")
_SPACES = re.compile(r"\s+")
# Old-style tone placement (hoá, uỷ, thuý) → new style (hóa, ủy, thúy): both occur in the seeds.
_OLD_TONE = re.compile(r"(?<![gq])([oòóỏõọ][aăeâ]|u[yýỳỷỹỵ]|[uùúủũụ]y)(?!\w)")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Casefolded, diacritic-free, punctuation-light form used for matching."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = _strip_marks(text)
    text = _NON_WORD.sub(" ", text)
    text = _EDGE_PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def has_diacritics(text: str) -> bool:
    return _strip_marks(text) != text


def tokens(text: str) -> list[str]:
    """Folded tokens of a text."""
    return fold(text).split()


def clean_input(text: str, limit: int = 4096) -> str:
    """Drop control characters (keep newlines/tabs as spaces) and cap the length."""
    text = unicodedata.normalize("NFC", text[: limit * 2])
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append(" " if ch in "\n\t\r" else "")
        else:
            out.append(ch)
    return _SPACES.sub(" ", "".join(out)).strip()[:limit]


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@lru_cache(maxsize=65536)
def accent_key(token: str) -> str:
    """Lowercase word with its tone mark moved to the end: ủy and uỷ give one key.

    Vowel-quality marks (â, ă, ê, ô, ơ, ư, đ) stay in place; only the tone
    (huyền, sắc, ngã, hỏi, nặng) is detached, since where it sits is a spelling
    convention and not a different word.
    """
    decomposed = unicodedata.normalize("NFD", token.casefold())
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in _TONES:
            tone = ch
        else:
            kept.append(ch)
    base = unicodedata.normalize("NFC", "".join(kept))
    return f"{base}{tone}" if tone else base
