"""Group similar questions (rapidfuzz on normalised text) so curators see each once."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

# token_sort_ratio at or above which two normalised questions are "the same question".
SIMILARITY = 82.0


@dataclass(frozen=True)
class Item:
    """One logged question, as grouping needs it."""

    id: int
    text: str
    normalized: str
    kind: str
    candidates: tuple[tuple[str, float], ...] = ()
    asker: str = ""  # the asker's pseudonym: groups are ranked by how many people ask


@dataclass
class Group:
    leader_id: int  # smallest id among the rows of the leading phrasing: stable
    text: str  # the most frequent original text of the leading phrasing
    normalized: str
    ids: list[int] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)  # distinct texts, most frequent first
    rated_down: int = 0
    candidate_scores: dict[str, float] = field(default_factory=dict)
    asker_set: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def askers(self) -> int:
        """How many different people asked: one account repeating itself counts once."""
        return len(self.asker_set)

    def candidates(self) -> list[str]:
        """Task ids the engine proposed for these questions, the strongest first."""
        return [t for t, _ in sorted(self.candidate_scores.items(), key=lambda kv: (-kv[1], kv[0]))]


def group_items(items: Iterable[Item], similarity: float = SIMILARITY) -> list[Group]:
    """Leader clustering: the most frequent phrasings lead, the others join the closest
    leader scoring at least ``similarity``. Groups come most asked first: by distinct
    askers, then by questions (one account repeating a question does not outrank it)."""
    by_norm: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if item.normalized:
            by_norm[item.normalized].append(item)
    order = sorted(by_norm, key=lambda n: (-len(by_norm[n]), min(i.id for i in by_norm[n])))
    groups: list[Group] = []
    leaders: list[str] = []
    for norm in order:
        rows = by_norm[norm]
        hit = process.extractOne(
            norm, leaders, scorer=fuzz.token_sort_ratio, score_cutoff=similarity
        )
        if hit is None:
            text = Counter(r.text for r in rows).most_common(1)[0][0]
            group = Group(min(r.id for r in rows), text, norm)
            groups.append(group)
            leaders.append(norm)
        else:
            group = groups[hit[2]]
        variant_counts = Counter(r.text for r in rows)
        for text, _ in variant_counts.most_common():
            if text not in group.variants:
                group.variants.append(text)
        for row in rows:
            group.ids.append(row.id)
            group.asker_set.add(row.asker)
            if row.kind == "rated_down":
                group.rated_down += 1
            for task, score in row.candidates:
                group.candidate_scores[task] = group.candidate_scores.get(task, 0.0) + score
    groups.sort(key=lambda g: (-g.askers, -g.count, g.leader_id))
    return groups
