"""Where the seed documents are, for the tests that pin the knowledge base to them.

The seeds live in ``shared/seeds`` beside the repository (../shared from the main
checkout); a worktree may sit deeper, so every parent folder is tried.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from knowledge.normalize import fold


def find_seeds() -> Path | None:
    if env := os.environ.get("KL44_SEEDS"):
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def seeds_or_skip() -> Path:
    seeds = find_seeds()
    if seeds is None or not seeds.is_dir():
        if os.environ.get("CI"):
            raise RuntimeError("seed documents not found; CI must have ../shared")
        pytest.skip(
            "seed documents not found (../shared is not beside the repo)", allow_module_level=True
        )
    return seeds


def seed_lines(seeds: Path, seed: str) -> list[str]:
    """The folded lines of a seed (1-based line n is index n - 1)."""
    return [fold(line) for line in (seeds / seed).read_text(encoding="utf-8").splitlines()]


def squash(text: str) -> str:
    """Folded, without spaces: line breaks and OCR spacing do not matter."""
    return fold(text).replace(" ", "")
