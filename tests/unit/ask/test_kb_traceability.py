"""Every curated record points at a line of its seed document that carries it."""

import pytest

from knowledge.loader import load_knowledge
from knowledge.normalize import fold
from tests.unit.ask.kb_seeds import seeds_or_skip

SEEDS = seeds_or_skip()

KB = load_knowledge()


def _lines(seed: str) -> list[str]:
    return [fold(line) for line in (SEEDS / seed).read_text(encoding="utf-8").splitlines()]


def _window(lines: list[str], line: int, before: int, after: int) -> str:
    return " ".join(lines[max(0, line - 1 - before) : line + after])


def _squash(text: str) -> str:
    return fold(text).replace(" ", "")


@pytest.mark.parametrize("task_id", sorted(KB.tasks))
def test_task_title_deadline_output_are_in_the_seed(task_id: str) -> None:
    task = KB.tasks[task_id]
    lines = _lines(KB.documents[task.document].seed)
    assert task.seed_line <= len(lines)
    near = _squash(_window(lines, task.seed_line, 3, 8))
    start = _squash(task.title)[:25]
    assert start in near, f"title start {task.title[:40]!r} not near line {task.seed_line}"
    wide = _squash(_window(lines, task.seed_line, 10, 40))
    for printed in (task.deadline, *task.output.split(";")):
        if printed.strip():
            assert _squash(printed)[:20] in wide, f"{printed!r} not near line {task.seed_line}"


@pytest.mark.parametrize("agency_id", sorted(KB.agencies))
def test_agency_is_named_in_its_seed(agency_id: str) -> None:
    agency = KB.agencies[agency_id]
    assert agency.seed_refs, "an agency must say where the documents name it"
    ref = agency.seed_refs[0]
    text = _squash(_window(_lines(ref.seed), ref.line, 2, 2))
    names = [agency.name, *agency.aliases]
    assert any(_squash(n)[:12] in text for n in names), f"{agency.name!r} not near {ref}"


def test_documents_point_at_existing_seeds() -> None:
    for doc in KB.documents.values():
        assert (SEEDS / doc.seed).is_file(), doc.seed


@pytest.mark.parametrize("doc_id", sorted(KB.documents))
def test_document_basis_is_printed_where_it_says(doc_id: str) -> None:
    doc = KB.documents[doc_id]
    lines = _lines(doc.seed)
    for basis in doc.basis:
        near = _squash(_window(lines, basis.line, 0, 3))
        assert _squash(basis.text)[:40] in near, f"{basis.text[:40]!r} not at line {basis.line}"


@pytest.mark.parametrize("doc_id", sorted(KB.documents))
def test_document_signer_is_printed_where_it_says(doc_id: str) -> None:
    doc = KB.documents[doc_id]
    if doc.signer is None:
        pytest.skip("the copy prints no signer")
    lines = _lines(doc.seed)
    assert _squash(doc.signer.name) in _squash(lines[doc.signer.line - 1])
