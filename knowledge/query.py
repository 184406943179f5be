"""Read a question: language, intent, named agencies, documents, levels, references,
and the content words left to match against tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.analyze import Tok, analyze, folded_key
from knowledge.lexicon import Lexicon
from knowledge.normalize import fold

_REF = re.compile(
    r"(?<![a-z0-9])([ivx]{1,4})\s*[.\-/ ]\s*(\d{1,2})(?:\s*[.\-/ ]\s*([a-eđd]))?(?![a-z0-9])"
)
_ENGLISH_HINTS = frozenset(
    [
        "who",
        "what",
        "when",
        "which",
        "where",
        "why",
        "how",
        "does",
        "do",
        "is",
        "are",
        "the",
        "must",
        "should",
        "will",
        "of",
        "and",
        "for",
        "ministry",
        "lead",
        "leads",
        "coordinate",
        "due",
        "deadline",
        "task",
        "tasks",
    ]
)
_VIET_HINTS = frozenset(
    [
        "ai",
        "gi",
        "nao",
        "khi",
        "bao",
        "gio",
        "cua",
        "la",
        "cac",
        "nhung",
        "phai",
        "chu",
        "tri",
        "phoi",
        "hop",
        "han",
        "nhiem",
        "vu",
        "lam",
        "co",
        "quan",
        "bo",
        "so",
        "hoi",
    ]
)


class PhraseTable:
    """Folded token tuples → values, matched longest-first over a token list."""

    FUZZY_MAX_TOKENS = 8
    FUZZY_CUTOFF = 86

    def __init__(self) -> None:
        self.entries: dict[tuple[str, ...], set[str]] = {}
        self.max_len = 0
        self._buckets: dict[tuple[int, str], list[tuple[str, ...]]] | None = None

    def add(self, key: tuple[str, ...], value: str) -> None:
        if not key:
            return
        self.entries.setdefault(key, set()).add(value)
        self.max_len = max(self.max_len, len(key))
        self._buckets = None

    def find(
        self, toks: list[Tok], used: list[bool], fuzzy: bool = False
    ) -> list[tuple[int, int, set[str]]]:
        """Non-overlapping matches (start, end, values), longest first, marking ``used``."""
        found = []
        n = len(toks)
        for length in range(min(self.max_len, n), 0, -1):
            for start in range(0, n - length + 1):
                if any(used[start : start + length]):
                    continue
                key = tuple(t.f for t in toks[start : start + length])
                values = self.entries.get(key)
                if values is None and fuzzy and 2 <= length <= self.FUZZY_MAX_TOKENS:
                    values = self._fuzzy(key)
                if values:
                    for i in range(start, start + length):
                        used[i] = True
                    found.append((start, start + length, set(values)))
        found.sort()
        return found

    def _fuzzy(self, key: tuple[str, ...]) -> set[str] | None:
        """A phrase of the same length and first letter within a small edit distance."""
        text = " ".join(key)
        if len(text) < 6:
            return None
        if self._buckets is None:
            self._buckets = {}
            for cand in self.entries:
                self._buckets.setdefault((len(cand), cand[0][:1]), []).append(cand)
        bucket = self._buckets.get((len(key), key[0][:1]))
        if not bucket:
            return None
        best = process.extractOne(
            text, [" ".join(c) for c in bucket], scorer=fuzz.ratio, score_cutoff=self.FUZZY_CUTOFF
        )
        return self.entries[bucket[best[2]]] if best else None


@dataclass
class Query:
    text: str
    lang: str
    content: list[Tok]
    intents: list[str]
    levels: set[str]
    documents: set[str]
    agencies: list[set[str]]  # one set of candidate agency ids per mention
    refs: list[str]  # normalised references like "ii.2" or "iii.1.b"
    english_words: int = 0


def detect_language(text: str) -> str:
    toks = fold(text).split()
    if not toks:
        return "vi"
    if any(ord(ch) > 127 for ch in text if ch.isalpha()):
        return "vi"
    en = sum(1 for t in toks if t in _ENGLISH_HINTS)
    vi = sum(1 for t in toks if t in _VIET_HINTS)
    return "en" if en > vi else "vi"


def find_refs(text: str) -> list[str]:
    out = []
    for m in _REF.finditer(fold(text)):
        roman, num, letter = m.groups()
        ref = f"{roman}.{num}" + (f".{letter.replace('đ', 'd')}" if letter else "")
        out.append(ref)
    return out


class QueryReader:
    """Built once per knowledge base; reads questions into ``Query`` objects."""

    def __init__(
        self,
        lexicon: Lexicon,
        agencies: PhraseTable,
        documents: PhraseTable,
        correct,  # callable: folded token → corrected folded token or None
    ) -> None:
        self.lexicon = lexicon
        self.agencies = agencies
        self.documents = documents
        self.correct = correct
        self.intents = PhraseTable()
        for intent, cues in lexicon.intents.items():
            for cue in cues:
                self.intents.add(folded_key(cue, lexicon), intent)
        self.levels = PhraseTable()
        for level, cues in lexicon.levels.items():
            for cue in cues:
                self.levels.add(folded_key(cue, lexicon), level)
        self.english = PhraseTable()
        self._english_vi: dict[str, list[Tok]] = {}
        for phrase, vi in lexicon.english.items():
            key = tuple(phrase.split())
            self.english.add(key, phrase)
            self._english_vi[phrase] = analyze(vi, lexicon)
        self.known = (
            {w for k in self.intents.entries for w in k}
            | {w for k in self.levels.entries for w in k}
            | {w for k in self.english.entries for w in k}
            | set(lexicon.stopwords_vi)
            | set(lexicon.stopwords_en)
            | set(lexicon.abbreviations)
        )

    def read(self, text: str) -> Query:
        lang = detect_language(text)
        toks = analyze(text, self.lexicon)
        if lang == "vi":
            toks = [self._fix(t) for t in toks]
        used = [False] * len(toks)
        refs = find_refs(text)
        documents = {v for _, _, vs in self.documents.find(toks, used) for v in vs}
        agencies = [vs for _, _, vs in self.agencies.find(toks, used, fuzzy=True)]
        intents_found = self.intents.find(toks, used, fuzzy=True)
        intents = []
        for _, _, vs in intents_found:
            for v in sorted(vs):
                if v not in intents:
                    intents.append(v)
        levels = {v for _, _, vs in self.levels.find(toks, used) for v in vs}
        rest = [t for t, u in zip(toks, used, strict=True) if not u]
        english_words = 0
        if lang == "en":
            rest, english_words = self._translate(rest)
        stop = self.lexicon.stopwords_vi | (self.lexicon.stopwords_en if lang == "en" else set())
        ref_tokens = {p for r in refs for p in r.split(".")}
        content = [t for t in rest if t.f not in stop and t.f not in ref_tokens]
        return Query(text, lang, content, intents, levels, documents, agencies, refs, english_words)

    def _fix(self, tok: Tok) -> Tok:
        if tok.f in self.known:
            return tok
        corrected = self.correct(tok.f)
        return Tok(corrected, None) if corrected else tok

    def _translate(self, toks: list[Tok]) -> tuple[list[Tok], int]:
        used = [False] * len(toks)
        matches = self.english.find(toks, used)
        out: list[Tok] = []
        by_start = {s: (e, vs) for s, e, vs in matches}
        i = 0
        count = 0
        while i < len(toks):
            if i in by_start:
                end, values = by_start[i]
                out.extend(self._english_vi[next(iter(values))])
                count += 1
                i = end
            else:
                out.append(toks[i])
                i += 1
        return out, count
