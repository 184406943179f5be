"""The engine on the officer-style test sets: the set of passing questions never shrinks.

``tests/qa/passing.yaml`` records, per set, the questions the engine answers right; a
question recorded there must keep passing. New passes are welcome: record them with
``python -m tests.qa.evaluate --record`` (it refuses to drop a recorded question unless
run with ``--drop``, for a question reworded or removed on purpose). ``heldout.yaml`` and
``officers_heldout.yaml`` were written before the engine was tuned on their kinds and are
never tuned on: they guard against overfitting.
"""

import pytest

from tests.qa.evaluate import (
    OFFICERS,
    QUESTIONS,
    SETS,
    evaluate,
    load_passing,
    table,
)

RECORDED = load_passing()


@pytest.fixture(scope="module")
def results():
    return {path.name: evaluate(path=path) for path in SETS}


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_passing_questions_keep_passing(path, results, capsys) -> None:
    outcomes, per_kind = results[path.name]
    with capsys.disabled():
        print(f"\nQA accuracy on tests/qa/{path.name}\n" + table(per_kind))
    recorded = RECORDED.get(path.name)
    assert recorded, f"{path.name} has no recorded passes: python -m tests.qa.evaluate --record"
    by_q = {o.q: o for o in outcomes}
    lost = [q for q in recorded if not (q in by_q and by_q[q].ok)]
    assert not lost, "questions that passed before fail now:\n" + "\n".join(
        f"{q!r}: {by_q[q].why if q in by_q else 'removed from the set'}" for q in lost
    )


def test_sets_are_large_enough(results) -> None:
    assert len(results[QUESTIONS.name][0]) >= 150
    assert len(results[OFFICERS.name][0]) >= 150


def test_out_of_scope_refusals(results) -> None:
    outcomes, _ = results[QUESTIONS.name]
    oos = [o for o in outcomes if o.kind == "out_of_scope"]
    assert len(oos) >= 20
    assert sum(o.ok for o in oos) / len(oos) >= 0.90


def test_answers_always_cite_a_source(results) -> None:
    for outcomes, _ in results.values():
        for o in outcomes:
            if not o.answer.refused:
                assert o.answer.sources, o.q
