"""Score the engine on tests/qa/questions.yaml and print accuracy per kind.

Run directly (`python -m tests.qa.evaluate [-v] [FILE]`, FILE defaulting to
questions.yaml; heldout.yaml is the held-out set) to see every miss; the test
tests/unit/ask/test_qa_accuracy.py runs the same evaluation and enforces the bar.

Each item holds ``q`` and ``kind``; the checks it asks for (all must hold):

- ``intent: refuse`` or kind ``out_of_scope``: the engine refuses (and shows the
  ``suggest`` labels, and the ``expect`` strings, when given);
- ``expect``: strings that must all appear in the answer (case- and accent-blind);
- ``absent``: strings that must not appear in it;
- ``first``: a string the answer's first line must hold (the fact asked comes first);
- ``doc``: a document the answer must cite; ``only_doc``: the only document it may cite
  (a refusal passes: never an answer from another document than the one named);
- ``count``: the number the answer must state (as a number in its text) and, unless
  ``unit: sections``, the number of task ids the answer carries;
- ``tasks``: the exact set of task ids the answer carries (its full list, all pages);
  ``tasks_include`` / ``tasks_exclude``: ids it must / must not carry;
- ``today``: the date the question is asked on (default ``DEFAULT_TODAY``).
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
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
OFFICERS = Path(__file__).resolve().parent / "officers.yaml"
OFFICERS_HELDOUT = Path(__file__).resolve().parent / "officers_heldout.yaml"
NAMES = Path(__file__).resolve().parent / "names.yaml"  # bodies by their 2025 names
# Every scored set, and the committed record of the questions each one passes: a question
# that passed must keep passing (tests/unit/ask/test_qa_accuracy.py). After an improvement,
# `python -m tests.qa.evaluate --record` adds the new passes; it never drops one unless
# run with `--drop` (for a question reworded or removed on purpose: say why in the commit).
SETS = (QUESTIONS, HELDOUT, PROBE, PROBE2, OFFICERS, OFFICERS_HELDOUT, NAMES)
PASSING = Path(__file__).resolve().parent / "passing.yaml"
# The day the question sets' relative questions ("đã quá hạn chưa") are asked on.
DEFAULT_TODAY = dt.date(2026, 12, 3)


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


def _ask(engine: Engine, item: dict) -> Answer:
    today = item.get("today", DEFAULT_TODAY)
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    if "today" in inspect.signature(engine.answer).parameters:
        return engine.answer(item["q"], today=today)
    return engine.answer(item["q"])


def _has_number(text: str, n: int) -> bool:
    return re.search(rf"(?<![\d/.,]){n}(?![\d/])", text) is not None


def _check_answer(engine: Engine, item: dict, answer: Answer) -> str:
    """Why an answer fails the item's checks, or "" when it passes them all."""
    text = fold(answer.text)
    for expected in item.get("expect") or []:
        if not any(fold(n) in text for n in _names_of(engine, str(expected))):
            return f"missing {expected!r}"
    for unwanted in item.get("absent") or []:
        if fold(str(unwanted)) in text:
            return f"says {unwanted!r}"
    if first := item.get("first"):
        line = next((ln for ln in text.splitlines() if ln.strip()), "")
        if not any(fold(n) in line for n in _names_of(engine, str(first))):
            return f"first line lacks {first!r}: {line[:80]!r}"
    cited = {s.document for s in answer.sources}
    doc = item.get("doc")
    if doc and doc not in cited:
        return f"cites {sorted(cited)}, not {doc}"
    only = item.get("only_doc")
    if only and (cited - {only} or not cited):
        return f"cites {sorted(cited)}, not only {only}"
    if "count" in item:
        n = int(item["count"])
        if not _has_number(answer.text, n) and not (n == 0 and not answer.tasks):
            return f"does not say {n}"
        if item.get("unit", "tasks") == "tasks" and len(answer.tasks) != n:
            return f"carries {len(answer.tasks)} tasks, not {n}"
    got = set(answer.tasks)
    if "tasks" in item and got != set(item["tasks"] or []):
        extra, lost = sorted(got - set(item["tasks"])), sorted(set(item["tasks"]) - got)
        return f"tasks differ: extra {extra[:4]}, missing {lost[:4]}"
    if lost := [t for t in item.get("tasks_include") or [] if t not in got]:
        return f"missing tasks {lost[:4]}"
    if extra := [t for t in item.get("tasks_exclude") or [] if t in got]:
        return f"wrong tasks {extra[:4]}"
    return ""


def judge(engine: Engine, item: dict) -> Outcome:
    answer = _ask(engine, item)
    kind = item.get("kind", "plain")
    missing = _suggested(answer, item.get("suggest") or [])
    if item.get("intent") == "refuse" or kind == "out_of_scope":
        if not answer.refused:
            return Outcome(item["q"], kind, False, "should refuse", answer)
        if missing:
            return Outcome(item["q"], kind, False, f"no suggestion {missing!r}", answer)
        text = fold(answer.text)
        for expected in item.get("expect") or []:
            if fold(str(expected)) not in text:
                return Outcome(item["q"], kind, False, f"refusal lacks {expected!r}", answer)
        return Outcome(item["q"], kind, True, "", answer)
    if answer.refused:
        if item.get("only_doc") and not item.get("expect") and not item.get("tasks"):
            return Outcome(item["q"], kind, True, "", answer)
        return Outcome(item["q"], kind, False, "refused", answer)
    why = _check_answer(engine, item, answer)
    if why:
        return Outcome(item["q"], kind, False, why, answer)
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


def load_passing() -> dict[str, list[str]]:
    if not PASSING.exists():
        return {}
    return yaml.safe_load(PASSING.read_text(encoding="utf-8")) or {}


def record_passing(engine: Engine | None = None, drop: bool = False) -> dict[str, list[str]]:
    """Write the questions each set passes now into ``passing.yaml``; a question recorded
    before and failing now stops the run (``SystemExit``) unless ``drop``."""
    engine = engine or Engine(load_knowledge())
    before = load_passing()
    after: dict[str, list[str]] = {}
    lost: list[str] = []
    for path in SETS:
        outcomes, _ = evaluate(engine, path)
        passing = [o.q for o in outcomes if o.ok]
        lost += [f"{path.name}: {q}" for q in before.get(path.name, []) if q not in passing]
        after[path.name] = passing
    if lost and not drop:
        raise SystemExit("these questions passed before and fail now:\n" + "\n".join(lost))
    header = (
        "# Questions each set passes (python -m tests.qa.evaluate --record). A question listed\n"
        "# here must keep passing: tests/unit/ask/test_qa_accuracy.py.\n"
    )
    PASSING.write_text(
        header + yaml.safe_dump(after, allow_unicode=True, sort_keys=False, width=200),
        encoding="utf-8",
    )
    return after


def table(per_kind: dict[str, tuple[int, int]]) -> str:
    rows = [f"{'kind':<16}{'correct':>8}{'total':>7}{'accuracy':>10}"]
    ok_all = sum(v[0] for v in per_kind.values())
    n_all = sum(v[1] for v in per_kind.values())
    for kind, (ok, n) in per_kind.items():
        rows.append(f"{kind:<16}{ok:>8}{n:>7}{ok / n:>10.1%}")
    rows.append(f"{'overall':<16}{ok_all:>8}{n_all:>7}{ok_all / max(n_all, 1):>10.1%}")
    return "\n".join(rows)


if __name__ == "__main__":
    if "--record" in sys.argv:
        recorded = record_passing(drop="--drop" in sys.argv)
        for name, qs in recorded.items():
            print(f"{name}: {len(qs)} passing")
        sys.exit(0)
    files = [a for a in sys.argv[1:] if not a.startswith("-")]
    outcomes, per_kind = evaluate(path=Path(files[0]) if files else QUESTIONS)
    if "-v" in sys.argv:
        for o in outcomes:
            if not o.ok:
                print(f"[{o.kind}] {o.q!r}: {o.why} (conf {o.answer.confidence:.2f})")
                print("   → " + o.answer.text.replace("\n", "\n     ")[:400])
    print(table(per_kind))
