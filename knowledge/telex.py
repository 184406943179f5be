"""Read words left half-typed by a Vietnamese input method (Telex or VNI).

Officers often type on a keyboard whose input method was off, or in a chat app that
dropped the composition: "chuur tri" (chủ trì), "luaatj" (luật), "hopw" (hợp),
"chu3 tri2" (VNI). Only the diacritic-free reading is recovered, which is what the
matcher compares; the caller accepts it only when it is a word of the knowledge base.

A Vietnamese syllable never ends in s, f, r, x, j, never holds w or "dd", seldom a
doubled vowel, and never a digit, so these keys mark a leftover rather than a real word.
"""

from __future__ import annotations

import re

_TELEX_TONES = "sfrxj"
_DOUBLED = re.compile(r"(aa|ee|oo|dd|uu|ii)")
_ROMAN = re.compile(r"^[ivx]+$")
_VNI = re.compile(r"^[a-z]+[1-9][a-z1-9]*$")


def telex_fold(word: str) -> str | None:
    """The diacritic-free syllable a Telex leftover stands for, or None if it is not one."""
    if not word.isascii() or not word.isalpha() or len(word) < 3 or _ROMAN.match(word):
        return None  # "ii", "xx", "iii": section numbers, not leftovers
    marked = False
    out = word
    # A trailing tone key (the usual place), or one typed right after the vowel.
    if out[-1] in _TELEX_TONES and len(out) >= 3 and out[-2] not in _TELEX_TONES:
        out = out[:-1]
        marked = True
    if "w" in out:
        out = out.replace("w", "") if not out.startswith("w") else "u" + out[1:].replace("w", "")
        marked = True
    if _DOUBLED.search(out):
        out = _DOUBLED.sub(lambda m: m.group(1)[0], out)
        marked = True
    if not marked or not out or not re.fullmatch(r"[a-z]+", out):
        return None
    return out


def vni_fold(word: str) -> str | None:
    """The diacritic-free syllable of a VNI leftover ("chu3", "d9e6n"), or None."""
    if not _VNI.match(word):
        return None
    digits = sum(ch.isdigit() for ch in word)
    if digits > 2:
        return None
    return "".join(ch for ch in word if not ch.isdigit())


def leftover_readings(word: str) -> list[str]:
    """Candidate diacritic-free readings of an input-method leftover, best first."""
    out = []
    for reading in (telex_fold(word), vni_fold(word)):
        if reading and reading != word and reading not in out:
            out.append(reading)
    return out
