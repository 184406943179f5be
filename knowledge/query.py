"""Read a question: language, intent, named agencies, documents, levels, references,
and the content words left to match against tasks."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from knowledge.analyze import Tok, analyze, folded_key
from knowledge.lexicon import Lexicon
from knowledge.normalize import fold
from knowledge.telex import leftover_readings

_REF = re.compile(
    r"(?<![a-z0-9])([ivx]{1,4})\s*[.\-/ ]\s*(\d{1,2})(?:\s*[.\-/ ]\s*([a-eđd]))?(?![a-z0-9])"
)
# A numbered point of a document without Roman sections (the Kiến An letter's "điểm 2",
# KL 44's "mục 5"): "p.2". Not a date or a number range ("mục 5/2023", "điểm 2.5").
_POINT = re.compile(r"(?<![a-z0-9])(?:diem|muc|khoan|point|item)\s*(\d{1,2})(?![\d./-])")
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


# English words with no Vietnamese syllable of the same spelling, dropped when English
# is put into Vietnamese ("Department of Education" → "Sở Giáo dục", "Society's").
_ENGLISH_LINKS = frozenset({"of", "s"})


class PhraseTable:
    """Folded token tuples → values, matched longest-first over a token list.

    Exact matches are taken first over the whole question; only then are the
    remaining tokens matched fuzzily, token by token (a typo in one or two
    syllables of a long name), so a typo never wins over an exact shorter name.
    """

    FUZZY_MAX_TOKENS = 8
    SHORT_TYPO_MIN_TOKENS = 5

    def __init__(self) -> None:
        self.entries: dict[tuple[str, ...], set[str]] = {}
        self.max_len = 0
        self._buckets: dict[tuple[int, int, str], list[tuple[str, ...]]] | None = None
        self._lengths: dict[str, list[int]] = {}

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
        self._prepare()
        words = [t.f for t in toks]
        n = len(words)
        # Exact: only the lengths some entry starting with that word has.
        spans = sorted(
            (
                (length, start)
                for start, w in enumerate(words)
                for length in self._lengths.get(w, ())
                if start + length <= n
            ),
            key=lambda p: (-p[0], p[1]),
        )
        found = self._take(words, used, spans, self.entries.get)
        if fuzzy:
            # Fuzzy: windows whose first or last word is exact for an entry of that length.
            assert self._buckets is not None
            buckets = self._buckets
            spans = [
                (length, start)
                for length in range(min(self.max_len, n, self.FUZZY_MAX_TOKENS), 1, -1)
                for start in range(0, n - length + 1)
                if (length, 0, words[start]) in buckets
                or (length, 1, words[start + length - 1]) in buckets
            ]
            found += self._take(words, used, spans, self._fuzzy)
        found.sort()
        return found

    @staticmethod
    def _take(
        words: Sequence[str],
        used: list[bool],
        spans: Iterable[tuple[int, int]],
        lookup: Callable[[tuple[str, ...]], Collection[str] | None],
    ) -> list[tuple[int, int, set[str]]]:
        found = []
        for length, start in spans:
            end = start + length
            if any(used[start:end]):
                continue
            values = lookup(tuple(words[start:end]))
            if values:
                for i in range(start, end):
                    used[i] = True
                found.append((start, end, set(values)))
        return found

    def _prepare(self) -> None:
        if self._buckets is not None:
            return
        self._buckets = {}
        lengths: dict[str, set[int]] = {}
        for cand in self.entries:
            lengths.setdefault(cand[0], set()).add(len(cand))
            if len(cand) >= 2:
                self._buckets.setdefault((len(cand), 0, cand[0]), []).append(cand)
                self._buckets.setdefault((len(cand), 1, cand[-1]), []).append(cand)
        self._lengths = {w: sorted(ls, reverse=True) for w, ls in lengths.items()}

    def _fuzzy(self, key: tuple[str, ...]) -> set[str] | None:
        """An entry of the same length whose tokens are equal but for one or two typos.

        A differing token must be at least 4 letters long (3 in a name of five words
        or more, then the only one differing) and within one edit, a swap of two
        letters counting as one (two for words of 7 letters or more); at most one
        token in three may differ, and the first or the last token must be exact.
        """
        self._prepare()
        assert self._buckets is not None
        n = len(key)
        allowed = max(1, n // 3)
        # Syllables are short: in a long name (five words or more) one 3-letter syllable
        # may carry the typo ("cong nhe", "van hao"), the others then being exact.
        short_ok = n >= self.SHORT_TYPO_MIN_TOKENS
        seen: set[tuple[str, ...]] = set()
        for bucket_key in ((n, 0, key[0]), (n, 1, key[-1])):
            for cand in self._buckets.get(bucket_key, ()):
                if cand in seen:
                    continue
                seen.add(cand)
                diffs = 0
                short = 0
                for a, b in zip(key, cand, strict=True):
                    if a == b:
                        continue
                    diffs += 1
                    shortest = min(len(a), len(b))
                    short += shortest < 4
                    if diffs > allowed or shortest < 3 or (shortest < 4 and not short_ok):
                        diffs = allowed + 1
                        break
                    if short and diffs > 1:
                        diffs = allowed + 1
                        break
                    limit = 2 if min(len(a), len(b)) >= 7 else 1
                    if OSA.distance(a, b, score_cutoff=limit) > limit:
                        diffs = allowed + 1
                        break
                if 0 < diffs <= allowed:
                    return self.entries[cand]
        return None


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
    free: list[Tok] | None = None  # tokens no name, cue or level claimed (stopwords included)
    agency_spans: list[tuple[int, int]] = field(default_factory=list)  # into free_all
    free_all: list[str] = field(default_factory=list)  # folded tokens the spans index


def detect_language(text: str, abbreviations: Iterable[str] = ()) -> str:
    toks = fold(text).split()
    if not toks:
        return "vi"
    # "who leads the NĐ 93 review": an abbreviation typed with đ is no sign of Vietnamese.
    known = set(abbreviations)
    words = [
        w
        for w in re.findall(r"[^\W\d_]+", text.casefold())
        if not (w.replace("đ", "d").isascii() and w.replace("đ", "d") in known)
    ]
    if any(ord(ch) > 127 for w in words for ch in w):
        return "vi"
    en = sum(1 for t in toks if t in _ENGLISH_HINTS)
    vi = sum(1 for t in toks if t in _VIET_HINTS)
    return "en" if en > vi else "vi"


def find_points(text: str) -> list[str]:
    """Numbered points ("điểm 2", "mục 5") as reference keys "p.2", "p.5"."""
    return [f"p.{int(m.group(1))}" for m in _POINT.finditer(fold(text))]


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
        correct: Callable[[str], str | None],  # folded token → corrected folded token or None
        compounds: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
        rare_compounds: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
        vocab: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        self.lexicon = lexicon
        # Words of the knowledge base: an input-method leftover ("chuur", "hopw") is read
        # as the syllable it stands for only when that syllable is one of them.
        self.vocab = vocab
        # Two-syllable words of the knowledge base (cơ quan, quán triệt, báo cáo, sơ kết):
        # a syllable inside one is a word part, not a level cue or a stopword.
        self.compounds = compounds
        self.rare_compounds = rare_compounds
        self.agencies = agencies
        self.documents = documents
        self.correct = correct
        self.intents = PhraseTable()
        for intent, cues in lexicon.intents.items():
            for cue in cues:
                self.intents.add(folded_key(cue, lexicon), intent)
        self.levels = PhraseTable()
        self._level_accents: dict[str, set[str]] = {}
        for level, cues in lexicon.levels.items():
            for cue in cues:
                key = folded_key(cue, lexicon)
                self.levels.add(key, level)
                if len(key) == 1:
                    for tok in analyze(cue, lexicon):
                        if tok.a is not None:
                            self._level_accents.setdefault(tok.f, set()).add(tok.a)
        self._level_tokens = {w for k in self.levels.entries for w in k}
        self.place_words = frozenset(self._level_tokens)
        self.english = PhraseTable()
        self._english_vi: dict[str, list[Tok]] = {}
        for phrase, vi in lexicon.english.items():
            key = tuple(phrase.split())
            self.english.add(key, phrase)
            self._english_vi[phrase] = _with_alternatives(vi, lexicon)
        self.modifiers = PhraseTable()
        self._modifier_vi: dict[str, list[Tok]] = {}
        for phrase, vi in lexicon.english_modifiers.items():
            self.modifiers.add(tuple(phrase.split()), phrase)
            self._modifier_vi[phrase] = _with_alternatives(vi, lexicon)
            # Standing alone (no noun after it), a modifier reads as a plain word.
            self._english_vi.setdefault(
                phrase, self._english_vi.get(phrase) or _with_alternatives(vi, lexicon)
            )
        self.known = (
            {w for k in self.intents.entries for w in k}
            | {w for k in self.levels.entries for w in k}
            | {w for k in self.english.entries for w in k}
            | set(lexicon.stopwords_vi)
            | set(lexicon.stopwords_en)
            | set(lexicon.abbreviations)
        )
        # Words a Vietnamese question may hold as they are (cues, levels, stopwords,
        # abbreviations): any other English word in it is translated.
        self._vi_known = (
            {w for k in self.intents.entries for w in k}
            | {w for k in self.levels.entries for w in k}
            | set(lexicon.stopwords_vi)
            | set(lexicon.abbreviations)
        )

    def read(self, text: str) -> Query:
        lang = detect_language(text, self.lexicon.abbreviations)
        toks = analyze(text, self.lexicon)
        if lang == "vi":
            toks = [self._fix(t) for t in self._english_words_in_vietnamese(toks)]
        used = [False] * len(toks)
        refs = find_refs(text) or find_points(text)
        agency_hits: list[tuple[int, int, set[str]]] = []
        intents_found: list[tuple[int, int, set[str]]] = []
        english_words = 0
        if lang == "en":
            # English names and question cues first, on the words as typed; the rest is
            # put into Vietnamese and read like a Vietnamese question.
            agency_hits = self.agencies.find(toks, used)
            intents_found = self.intents.find(toks, used)
            toks, english_words = self._translate(
                [t for t, u in zip(toks, used, strict=True) if not u]
            )
            used = [False] * len(toks)
            toks = self._fit_readings_to_place(toks)
        documents = {v for _, _, vs in self.documents.find(toks, used) for v in vs}
        first_pass = len(agency_hits)  # English names found on the words as typed
        agency_hits += self.agencies.find(toks, used, fuzzy=True)
        agencies = [vs for _, _, vs in agency_hits]
        intents_found += self.intents.find(toks, used, fuzzy=True)
        intents = []
        for _, _, vs in intents_found:
            for v in sorted(vs):
                if v not in intents:
                    intents.append(v)
        levels = set()
        for start, end, vs in self.levels.find(toks, used):
            if end - start == 1 and self._not_a_level(toks, used, start):
                used[start] = False
                continue
            levels |= vs
        stop = self.lexicon.stopwords_vi | (self.lexicon.stopwords_en if lang == "en" else set())
        ref_tokens = {p for r in refs for p in r.split(".")}
        content = [
            t
            for i, (t, u) in enumerate(zip(toks, used, strict=True))
            if not u
            and (t.f not in stop or self._in_compound(toks, used, i, stop))
            and t.f not in ref_tokens
        ]
        free = [t for t, u in zip(toks, used, strict=True) if not u]
        spans = [(s, e) for s, e, _ in agency_hits[first_pass:]]
        return Query(
            text,
            lang,
            content,
            intents,
            levels,
            documents,
            agencies,
            refs,
            english_words,
            free,
            spans,
            [t.f for t in toks],
        )

    def unknown_agency(self, q: Query) -> bool:
        """Whether the question names an agency (Sở X, Bộ Y, Ministry of Z) the base lacks."""
        free = q.free or []
        heads = self.lexicon.agency_heads
        for i, tok in enumerate(free[:-1]):
            nxt = free[i + 1]
            if (
                tok.f in heads
                and nxt.f.isalpha()
                and nxt.f not in self.lexicon.stopwords_vi
                and (tok.a is None or tok.a in heads[tok.f])
            ):
                return True
        return False

    def _in_compound(self, toks: list[Tok], used: list[bool], i: int, stop: frozenset[str]) -> bool:
        """Whether toks[i] forms a two-syllable word of the base with a free neighbour."""
        if not self.compounds or toks[i].f in self.lexicon.function_words:
            return False
        for j in (i - 1, i + 1):
            if not (0 <= j < len(toks)) or used[j] or toks[j].f in self.lexicon.function_words:
                continue
            pair = (toks[j].f, toks[i].f) if j < i else (toks[i].f, toks[j].f)
            if toks[j].f not in stop:
                if pair in self.compounds:
                    return True
            elif pair in self.rare_compounds:
                # Both syllables look like stopwords ("báo chí" ~ "bao" + "chị"): kept only
                # when the pair is a rare, telling word of the base.
                return True
        return False

    def _not_a_level(self, toks: list[Tok], used: list[bool], i: int) -> bool:
        """A one-syllable level cue that is really part of another word.

        Typed with diacritics, the tone must agree (quận, not quán or quản); typed
        without, the syllable must not form a word of the base with its neighbour
        (cơ quan, quản lý, tình nguyện), unless that neighbour is itself a place cue.
        """
        tok = toks[i]
        accents = self._level_accents.get(tok.f)
        if tok.a is not None and accents and tok.a not in accents:
            return True
        for j in (i - 1, i + 1):
            if (
                0 <= j < len(toks)
                and not used[j]
                and toks[j].f not in self._level_tokens
                and toks[j].f not in self.lexicon.function_words
            ):
                pair = (toks[j].f, tok.f) if j < i else (tok.f, toks[j].f)
                if pair in self.compounds:
                    return True
        return False

    def _english_words_in_vietnamese(self, toks: list[Tok]) -> list[Tok]:
        """ "ai lead task kiểm tra", "report V.1 nộp cho ai": an English word in a
        Vietnamese question, typed plain and not a word of the base or of the question
        vocabulary (so "do", "to", "an" stay Vietnamese), is read as its Vietnamese."""
        out: list[Tok] = []
        for tok in toks:
            f = tok.f
            if not tok.plain or f in self._vi_known or f in self.vocab or len(f) < 3:
                out.append(tok)
            elif f in self._english_vi and len(f.split()) == 1:
                out.extend(self._english_vi[f])
            elif f in self.lexicon.stopwords_en:
                continue  # "task", "lead": no topic, as in an English question
            else:
                out.append(tok)
        return out

    def _fix(self, tok: Tok) -> Tok:
        if tok.f in self.known:
            return tok
        if tok.plain and tok.f not in self.vocab:
            for reading in leftover_readings(tok.f):
                if reading in self.vocab or reading in self.known:
                    return Tok(reading, None)
        if len(tok.f) <= 4:
            # A short syllable unknown to the base is most often a real word the base
            # lacks (Thái, nấu, ngon), not a typo: correcting it invents a match.
            return tok
        corrected = self.correct(tok.f)
        return Tok(corrected, None) if corrected else tok

    def _fit_readings_to_place(self, toks: list[Tok]) -> list[Tok]:
        """Of an English word's two readings (district → huyện | quận), take the one the
        place named in the question uses (Kiến An has quận, Lai Châu huyện)."""
        if all(t.alt is None for t in toks):
            return toks
        found = self.levels.find(toks, [False] * len(toks))
        cue_words = {
            w
            for key, levels in self.levels.entries.items()
            for w in key
            if levels & {v for _, _, vs in found for v in vs}
        }
        return [
            Tok(t.alt, None, t.f) if t.alt and t.alt in cue_words and t.f not in cue_words else t
            for t in toks
        ]

    def _translate(self, toks: list[Tok]) -> tuple[list[Tok], int]:
        """English words into the Vietnamese of the documents, phrase by phrase.

        English puts a place or level before its noun ("district-level People's
        Committees"), Vietnamese after it ("Ủy ban nhân dân cấp huyện"): a modifier
        from the lexicon's ``english_modifiers`` directly before a translated phrase
        is moved behind it, so names read in Vietnamese order.
        """
        used = [False] * len(toks)
        modifier_hits = self.modifiers.find(toks, used)
        matches = self.english.find(toks, used)
        spans = sorted(
            [(s, e, "mod", vs) for s, e, vs in modifier_hits]
            + [(s, e, "phrase", vs) for s, e, vs in matches]
        )
        by_start = {s: (e, kind, vs) for s, e, kind, vs in spans}
        out: list[Tok] = []
        pending: list[Tok] = []  # a place/level modifier waiting for its noun group to end
        i = 0
        count = 0
        while i < len(toks):
            if toks[i].f in _ENGLISH_LINKS:
                i += 1  # "Department of Education" → "Sở Giáo dục"
                continue
            if i in by_start:
                end, kind, values = by_start[i]
                nxt = by_start.get(end) or (
                    by_start.get(end + 1)
                    if end < len(toks) and toks[end].f in _ENGLISH_LINKS
                    else None
                )
                if kind == "mod" and nxt is not None and nxt[1] == "phrase":
                    out.extend(pending)
                    pending = self._modifier_vi[next(iter(values))]
                else:
                    out.extend(self._english_vi[next(iter(values))])
                    if nxt is None or nxt[1] != "phrase":
                        out.extend(pending)  # the noun group ends here
                        pending = []
                count += 1
                i = end
            else:
                out.extend(pending)
                pending = []
                out.append(toks[i])
                i += 1
        out.extend(pending)
        return out, count


def _with_alternatives(text: str, lexicon: Lexicon) -> list[Tok]:
    """Tokens of "rà soát | sơ kết": the first reading, each token carrying the
    aligned token of the second reading (when both have the same length)."""
    readings = [analyze(part, lexicon) for part in text.split("|")]
    first = readings[0]
    for other in readings[1:]:
        if len(other) == len(first):
            first = [
                Tok(t.f, t.a, o.f if o.f != t.f else t.alt)
                for t, o in zip(first, other, strict=True)
            ]
    return first
