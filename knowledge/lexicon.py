"""The engine's language data (knowledge/data/lexicon.yaml), loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.normalize import fold

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
    )
