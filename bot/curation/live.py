"""Building the answer engine the bot runs: the knowledge base from its files plus the
curators' phrasings. A new engine is built aside and only then swapped in, so a
failed reload leaves the running one untouched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.base import KnowledgeBase
from knowledge.engine import Engine
from knowledge.lexicon import LEXICON_FILE, Lexicon, load_lexicon
from knowledge.loader import DATA_DIR, KnowledgeError, Problem, load_knowledge


@dataclass(frozen=True)
class Loaded:
    kb: KnowledgeBase
    lexicon: Lexicon


def _read_lexicon(path: Path) -> Lexicon:
    """The lexicon file, read afresh (``load_lexicon`` caches by path)."""
    reader = getattr(load_lexicon, "__wrapped__", load_lexicon)
    try:
        return reader(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
        reason = f"cannot read: {type(e).__name__}: {e}".splitlines()[0]
        raise KnowledgeError([Problem(path.name, "-", reason)]) from None


def load_validated(data_dir: Path | None = None) -> Loaded:
    """Load and validate every file of the knowledge base; raise KnowledgeError if any
    is broken (the problems name the file, the record and the reason)."""
    root = Path(data_dir) if data_dir else DATA_DIR
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), "-", "not a directory")])
    problems: list[Problem] = []
    kb = None
    try:
        kb = load_knowledge(root)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
    lexicon_path = root / LEXICON_FILE.name
    lexicon = None
    try:
        lexicon = _read_lexicon(lexicon_path if lexicon_path.exists() else LEXICON_FILE)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
    if problems or kb is None or lexicon is None:
        raise KnowledgeError(problems)
    return Loaded(kb, lexicon)


def build_engine(
    kb: KnowledgeBase, phrasings: dict[str, list[str]], lexicon: Lexicon | None = None
) -> Engine:
    """An engine over ``kb`` that also knows the curators' phrasings of its tasks."""
    extra = {task: list(texts) for task, texts in phrasings.items() if task in kb.tasks}
    return Engine(kb, lexicon=lexicon, extra_phrasings=extra)
