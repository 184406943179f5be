"""Score the engine on tests/qa/questions.yaml and print accuracy per kind.

Run directly (`python -m tests.qa.evaluate [-v] [FILE]`, FILE defaulting to
questions.yaml; heldout.yaml is the held-out set) to see every miss; the test
tests/unit/test_qa_accuracy.py runs the same evaluation and enforces the bar.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.answer import Answer
from knowledge.engine import Engine
from knowledge.loader import load_knowledge
from knowledge.normalize import fold

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"
HELDOUT = Path(__file__).resolve().parent / "heldout.yaml"
PROBE = Path(__file__).resolve().parent / "probe.yaml"
PROBE2 = Path(__file__).resolve().parent / "probe2.yaml"


@dataclass
class Outcome:
    q: str
    kind: str
    ok: bool
    why: str
    answer: Answer


def _names_of(engine: Engine, expected: str) -> list[str]:
    """An expected agency name may be answered by any of that agency's names."""
    target = fold(expected)
    for agency in engine.kb.agencies.values():
        names = [agency.name, *agency.aliases]
        if any(fold(n) == target for n in names):
            return [agency.name, *agency.aliases]
    return [expected]


def _suggested(answer: Answer, wanted: list[str]) -> str | None:
    """The first expected "did you mean" label that no suggestion shows, or None."""
    labels = [fold(s.label) for s in answer.suggestions]
    for expected in wanted:
        if not any(fold(expected) in label for label in labels):
            return expected
    return None


def judge(engine: Engine, item: dict) -> Outcome:
    answer = engine.answer(item["q"])
    kind = item.get("kind", "plain")
    missing = _suggested(answer, item.get("suggest") or [])
    if item.get("intent") == "refuse" or kind == "out_of_scope":
        if answer.refused and missing:
            return Outcome(item["q"], kind, False, f"no suggestion {missing!r}", answer)
        return Outcome(item["q"], kind, answer.refused, "should refuse", answer)
    if answer.refused:
        return Outcome(item["q"], kind, False, "refused", answer)
    text = fold(answer.text)
    for expected in item.get("expect") or []:
        if not any(fold(n) in text for n in _names_of(engine, str(expected))):
            return Outcome(item["q"], kind, False, f"missing {expected!r}", answer)
    doc = item.get("doc")
    if doc and doc not in {s.document for s in answer.sources}:
        cited = sorted({s.document for s in answer.sources})
        return Outcome(item["q"], kind, False, f"cites {cited}, not {doc}", answer)
    if missing:
        return Outcome(item["q"], kind, False, f"no suggestion {missing!r}", answer)
    return Outcome(item["q"], kind, True, "", answer)


def evaluate(
    engine: Engine | None = None, path: Path = QUESTIONS
) -> tuple[list[Outcome], dict[str, tuple[int, int]]]:
    engine = engine or Engine(load_knowledge())
    items = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    outcomes = [judge(engine, item) for item in items]
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        per_kind[o.kind][0] += o.ok
        per_kind[o.kind][1] += 1
    return outcomes, {k: (v[0], v[1]) for k, v in sorted(per_kind.items())}


def table(per_kind: dict[str, tuple[int, int]]) -> str:
    rows = [f"{'kind':<16}{'correct':>8}{'total':>7}{'accuracy':>10}"]
    ok_all = sum(v[0] for v in per_kind.values())
    n_all = sum(v[1] for v in per_kind.values())
    for kind, (ok, n) in per_kind.items():
        rows.append(f"{kind:<16}{ok:>8}{n:>7}{ok / n:>10.1%}")
    rows.append(f"{'overall':<16}{ok_all:>8}{n_all:>7}{ok_all / max(n_all, 1):>10.1%}")
    return "\n".join(rows)


if __name__ == "__main__":
    files = [a for a in sys.argv[1:] if not a.startswith("-")]
    outcomes, per_kind = evaluate(path=Path(files[0]) if files else QUESTIONS)
    if "-v" in sys.argv:
        for o in outcomes:
            if not o.ok:
                print(f"[{o.kind}] {o.q!r}: {o.why} (conf {o.answer.confidence:.2f})")
                print("   → " + o.answer.text.replace("\n", "\n     ")[:400])
    print(table(per_kind))
