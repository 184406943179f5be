"""Place names in a question: the documents cover Lai Châu province and Kiến An
district; a question about another province or district ("Sở Y tế Hà Nội") is about
a plan they do not hold.

A name typed with diacritics must match with them (Nam Định is not "năm định kỳ"). Typed
without, its folded form is enough, unless that form is also two words of the knowledge
base, or joins a neighbour into one ("hang nam dinh ky": hàng năm, định kỳ): then only
after a place word (tỉnh, quận, ở, tại).
"""

from __future__ import annotations

import itertools

from knowledge.analyze import Tok, words
from knowledge.normalize import accent_key

_PLACE_WORDS = frozenset({"tinh", "tp", "thanh", "pho", "quan", "huyen", "o", "tai", "of", "in"})


class PlaceFinder:
    def __init__(
        self,
        names: tuple[str, ...] | list[str],
        base_pairs: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self._base_pairs = base_pairs
        self._by_first: dict[str, list[tuple[str, list[Tok]]]] = {}
        for name in names:
            toks = [Tok(t.f, accent_key(w)) for t, w in zip(words(name), name.split(), strict=True)]
            if toks:
                self._by_first.setdefault(toks[0].f, []).append((name, toks))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[1]))  # longest name first

    def find(self, text: str) -> str | None:
        """The first listed place named in ``text``, or None."""
        toks = words(text)
        for i, tok in enumerate(toks):
            for name, key in self._by_first.get(tok.f, ()):
                span = toks[i : i + len(key)]
                if len(span) < len(key) or not all(map(_same, span, key)):
                    continue
                plain = all(t.a is None for t in span)
                before = [toks[i - 1]] if i else []
                after = toks[i + len(key) : i + len(key) + 1]
                collides = any(
                    (a.f, b.f) in self._base_pairs
                    for a, b in itertools.pairwise([*before, *key, *after])
                )
                if plain and collides and (i == 0 or toks[i - 1].f not in _PLACE_WORDS):
                    continue
                return name
        return None


def _same(typed: Tok, name: Tok) -> bool:
    if typed.f != name.f:
        return False
    return typed.a is None or typed.a == name.a
