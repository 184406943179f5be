"""The engine on the officer-style test sets: the bar of the foundation issue.

Re-run whenever matching or thresholds change: a scoring change that silently
drops answers below the threshold fails here. ``heldout.yaml`` was written before
the engine was tuned and is never tuned on: it guards against overfitting.
"""

import pytest

from tests.qa.evaluate import HELDOUT, PROBE, PROBE2, evaluate, table

OVERALL = 0.95
PER_KIND = 0.90
HELDOUT_OVERALL = 0.90
PROBE_OVERALL = 0.90
PROBE2_OVERALL = 0.90


@pytest.fixture(scope="module")
def results():
    return evaluate()


@pytest.fixture(scope="module")
def heldout():
    return evaluate(path=HELDOUT)


@pytest.fixture(scope="module")
def probe():
    return evaluate(path=PROBE)


@pytest.fixture(scope="module")
def probe2():
    return evaluate(path=PROBE2)


def scored(name: str, result, capsys) -> tuple[list, dict, float, int, str]:
    """Print the per-kind table of one set; its outcomes, per-kind counts, overall
    accuracy, number of questions and the misses (for assertion messages)."""
    outcomes, per_kind = result
    with capsys.disabled():
        print(f"\nQA accuracy on tests/qa/{name}\n" + table(per_kind))
    misses = "\n".join(f"[{o.kind}] {o.q!r}: {o.why}" for o in outcomes if not o.ok)
    ok = sum(v[0] for v in per_kind.values())
    total = sum(v[1] for v in per_kind.values())
    return outcomes, per_kind, ok / total, total, misses


def test_accuracy_per_kind(results, capsys) -> None:
    _outcomes, per_kind, accuracy, total, misses = scored("questions.yaml", results, capsys)
    assert total >= 150
    assert accuracy >= OVERALL, misses
    for kind, (k_ok, k_n) in per_kind.items():
        assert k_ok / k_n >= PER_KIND, f"{kind}: {k_ok}/{k_n}\n" + misses


def test_out_of_scope_refusals(results) -> None:
    outcomes, _ = results
    oos = [o for o in outcomes if o.kind == "out_of_scope"]
    assert len(oos) >= 20
    assert sum(o.ok for o in oos) / len(oos) >= 0.90


def test_answers_always_cite_a_source(results) -> None:
    outcomes, _ = results
    for o in outcomes:
        if not o.answer.refused:
            assert o.answer.sources, o.q


def test_heldout_accuracy(heldout, capsys) -> None:
    _outcomes, per_kind, accuracy, total, misses = scored("heldout.yaml", heldout, capsys)
    assert total >= 50
    assert set(per_kind) >= {"english", "agency", "level", "out_of_scope"}
    assert accuracy >= HELDOUT_OVERALL, misses


def test_probe_accuracy(probe, capsys) -> None:
    """Fresh questions on the gaps a probe found: document facts, a named agency's own
    duty, agencies and office holders the documents never name, decree deadlines,
    campaign timing (tests/qa/probe.yaml)."""
    outcomes, _per_kind, accuracy, total, misses = scored("probe.yaml", probe, capsys)
    assert total >= 40
    assert accuracy >= PROBE_OVERALL, misses
    for o in outcomes:
        if not o.answer.refused:
            assert o.answer.sources, o.q


def test_probe2_accuracy(probe2, capsys) -> None:
    """Styles the other sets under-sample: very short and telegraphic questions, Telex/VNI
    leftovers, colloquial and mixed Vietnamese-English wording, every section of the local
    plans, and out-of-scope places (tests/qa/probe2.yaml)."""
    outcomes, per_kind, accuracy, total, misses = scored("probe2.yaml", probe2, capsys)
    assert total >= 70
    assert set(per_kind) >= {"short", "telex", "colloquial", "mixed", "out_of_scope"}
    assert accuracy >= PROBE2_OVERALL, misses
    oos = [o for o in outcomes if o.kind == "out_of_scope"]
    assert len(oos) >= 15 and sum(o.ok for o in oos) / len(oos) >= 0.90
    for o in outcomes:
        if not o.answer.refused:
            assert o.answer.sources, o.q
