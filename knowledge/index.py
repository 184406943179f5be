"""Lexical index over tasks: inverted lists, idf, bigrams, typo correction."""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from knowledge.analyze import Tok, analyze
from knowledge.lexicon import Lexicon
from knowledge.model import Task

# How much each field of a task counts when a question word is found in it.
FIELD_WEIGHTS = {
    "title": 1.0,
    "keywords": 1.0,
    "output": 0.7,
    "details": 0.6,
    "deadline": 0.5,
    "section": 0.35,
}
# A word typed with diacritics that matches only without them (đất vs đạt).
ACCENT_MISMATCH = 0.35
# Tasks matching only words that make up less than this share of a question's
# weight are not scored at all (they could not pass the refusal threshold).
PRUNE_SHARE = 0.25
# On a large base, only the tasks sharing the most words with a question are scored
# in full (a task sharing few of its words could not win anyway).
MAX_SCORED = 250
# Share of the base above which a word is too common to pick those candidates.
COMMON_SHARE = 0.2
# Upper bound of the length normalisation of a task's score.
NORM_CAP = 1.2


@dataclass(slots=True)
class _Doc:
    fold: dict[str, float]  # folded token → best field weight
    accent: dict[str, float]  # accent key → best field weight
    bigrams: set[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Scored:
    task_id: str
    score: float
    coverage: float  # share of the question's weight the task accounts for
    bigram_coverage: float


class TaskIndex:
    def __init__(self, tasks: Iterable[Task], lexicon: Lexicon, extra_vocab: Iterable[str]) -> None:
        self.lexicon = lexicon
        self.docs: dict[str, _Doc] = {}
        self.order: dict[str, int] = {}
        postings: dict[str, set[str]] = defaultdict(set)
        lengths: dict[str, int] = {}
        for task in tasks:
            doc = _Doc({}, {}, set())
            fields = {
                "title": [task.title],
                "keywords": list(task.keywords),
                "output": [task.output],
                "details": [task.details or ""],
                "deadline": [task.deadline],
                "section": [task.section_title],
            }
            for name, texts in fields.items():
                weight = FIELD_WEIGHTS[name]
                for text in texts:
                    toks = analyze(text, lexicon)
                    for tok in toks:
                        if doc.fold.get(tok.f, 0.0) < weight:
                            doc.fold[tok.f] = weight
                        key = tok.a or tok.f
                        if doc.accent.get(key, 0.0) < weight:
                            doc.accent[key] = weight
                        postings[tok.f].add(task.id)
                    if name not in ("section", "deadline"):
                        doc.bigrams.update(
                            zip((t.f for t in toks), (t.f for t in toks[1:]), strict=False)
                        )
            self.docs[task.id] = doc
            self.order[task.id] = len(self.order)
            lengths[task.id] = len(analyze(task.title, lexicon)) + len(task.keywords)
        self.postings = {k: frozenset(v) for k, v in postings.items()}
        n = max(len(self.docs), 1)
        self.idf = {t: math.log(1.0 + n / len(ids)) for t, ids in self.postings.items()}
        self.max_idf = math.log(1.0 + n)
        avg = sum(lengths.values()) / n if lengths else 1.0
        # BM25-style length normalisation: a long duty matches many words by chance.
        # Capped: a long appendix row is still one duty, not a bag of unrelated words.
        self.norm = {t: min(0.8 + 0.2 * (length / avg), NORM_CAP) for t, length in lengths.items()}
        self.vocab = set(self.postings) | set(extra_vocab)
        self._vocab_list = sorted(t for t in self.vocab if len(t) >= 3 and not t.isdigit())

    def correct(self, token: str) -> str | None:
        """The vocabulary word a typo most likely meant, or None."""
        if token in self.vocab or len(token) < 3 or token.isdigit():
            return None
        limit = 1 if len(token) <= 6 else 2
        found = process.extractOne(
            token, self._vocab_list, scorer=Levenshtein.distance, score_cutoff=limit
        )
        return found[0] if found else None

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.max_idf)

    def _most_matching(self, content: list[Tok], candidates: set[str]) -> set[str]:
        """The ``MAX_SCORED`` candidates sharing the most distinct words with the question."""
        counts: Counter[str] = Counter()
        words = {f for t in content for f in (t.f, t.alt) if f and f in self.postings}
        # Words found in most tasks say little about which ones match best: count the
        # rarer ones (all of them when every word is common).
        rare = [f for f in words if len(self.postings[f]) <= COMMON_SHARE * len(self.docs)]
        for f in rare or words:
            counts.update(self.postings[f])
        in_order = sorted(candidates, key=self.order.__getitem__)
        return set(heapq.nlargest(MAX_SCORED, in_order, key=counts.__getitem__))

    def _candidates(self, content: list[Tok]) -> set[str]:
        """Tasks that could still reach a useful coverage.

        Words are taken from the heaviest down until the weight left over could
        not, alone, lift a task to ``PRUNE_SHARE`` of the question: a task that
        matches none of the words taken cannot be a useful answer.
        """
        weighted = sorted(((self.weight(t.f), t.f) for t in content), reverse=True)
        total = sum(w for w, _ in weighted) or 1.0
        remaining = total
        candidates: set[str] = set()
        for w, token in weighted:
            if remaining / total < PRUNE_SHARE:
                break
            candidates |= self.postings.get(token, frozenset())
            remaining -= w
        for tok in content:
            if tok.alt is not None:
                candidates |= self.postings.get(tok.alt, frozenset())
        return candidates

    def score(
        self, content: list[Tok], allowed: set[str] | None = None, limit: int = 10
    ) -> list[Scored]:
        """Rank tasks for the question's content words (optionally within ``allowed``)."""
        if not content:
            return []
        candidates = self._candidates(content)
        if allowed is not None:
            candidates &= allowed
        if len(candidates) > MAX_SCORED:
            candidates = self._most_matching(content, candidates)
        weights = [self.weight(t.f) for t in content]
        total = sum(weights) or 1.0
        # Each of the question's word pairs, as the set of folded pairs that count for it.
        pair_keys = [_pair_keys(x, y) for x, y in itertools.pairwise(content)]
        n_pairs = len(pair_keys)
        bonus = 0.5 * (total / max(len(content), 1))
        results: list[Scored] = []
        for task_id in candidates:
            doc = self.docs[task_id]
            fold_get = doc.fold.get
            matched = 0.0
            for tok, w in zip(content, weights, strict=True):
                if tok.a is not None:
                    hit = doc.accent.get(tok.a)
                    if hit is None:
                        hit = fold_get(tok.f, 0.0) * ACCENT_MISMATCH
                else:
                    hit = fold_get(tok.f, 0.0)
                    if tok.alt is not None:
                        hit = max(hit, fold_get(tok.alt, 0.0))
                matched += w * hit
            coverage = matched / total
            doc_bigrams = doc.bigrams
            bi_hits = sum(1 for keys in pair_keys if not doc_bigrams.isdisjoint(keys))
            bi_cov = bi_hits / n_pairs if n_pairs else (1.0 if coverage > 0 else 0.0)
            score = (matched + bonus * bi_hits) / self.norm[task_id]
            results.append(Scored(task_id, score, coverage, bi_cov))
        results.sort(key=lambda s: (-s.score, self.order[s.task_id]))
        return results[:limit]


def _pair_keys(x: Tok, y: Tok) -> frozenset[tuple[str, str]]:
    """The folded pairs that match the question's pair x y (alternative readings too)."""
    if x.alt is None and y.alt is None:
        return frozenset([(x.f, y.f)])
    return frozenset((a, b) for a in (x.f, x.alt) for b in (y.f, y.alt) if a and b)
