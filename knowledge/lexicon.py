"""The engine's language data (knowledge/data/lexicon.yaml), loaded once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.normalize import accent_key, fold, has_diacritics

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.yaml"


@dataclass(frozen=True)
class Lexicon:
    abbreviations: dict[str, str]  # folded abbreviation → expansion (with diacritics)
    english: dict[str, str]  # folded English phrase → Vietnamese (with diacritics)
    intents: dict[str, list[str]]  # intent → cue phrases (with or without diacritics)
    levels: dict[str, list[str]]  # level → cue phrases
    stopwords_vi: frozenset[str]
    stopwords_en: frozenset[str]
    function_words: frozenset[str] = frozenset()  # stopwords never kept as word parts
    # English place/level words put after the noun they qualify ("district" → "cấp huyện")
    english_modifiers: dict[str, str] = field(default_factory=dict)
    # first word of an agency's name (folded) → its accent keys ("sở", "bộ", "ministry")
    agency_heads: dict[str, set[str]] = field(default_factory=dict)
    # places the documents cover, and places they do not (names with diacritics)
    covered_places: tuple[str, ...] = ()
    other_places: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Lexicon(
        abbreviations={fold(k): str(v) for k, v in data["abbreviations"].items()},
        english={fold(k): str(v) for k, v in data["english"].items()},
        intents={k: [str(c) for c in v] for k, v in data["intents"].items()},
        levels={k: [str(c) for c in v] for k, v in data["levels"].items()},
        stopwords_vi=frozenset(fold(data["stopwords_vi"]).split()),
        stopwords_en=frozenset(fold(data["stopwords_en"]).split()),
        function_words=frozenset(fold(data.get("function_words", "")).split()),
        agency_heads=_heads(data.get("agency_heads", [])),
        covered_places=tuple(str(p) for p in data.get("covered_places") or ()),
        other_places=tuple(str(p) for p in data.get("other_places") or ()),
        english_modifiers={
            fold(k): str(v) for k, v in (data.get("english_modifiers") or {}).items()
        },
    )


def _heads(words: list[str]) -> dict[str, set[str]]:
    heads: dict[str, set[str]] = {}
    for word in words:
        keys = heads.setdefault(fold(word), set())
        if has_diacritics(word):
            keys.add(accent_key(word.casefold()))
    return heads
