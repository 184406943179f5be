"""`python -m bot kb check`: valid data passes; each kind of mistake is named."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge

ROOT = Path(__file__).resolve().parents[2]


def test_curated_base_is_valid_and_covers_all_documents() -> None:
    kb = load_knowledge()
    assert set(kb.documents) == {"kl44", "qd895", "kh_lai_chau", "kh_thanh_uy", "cv_kien_an"}
    for doc_id, count in kb.counts().items():
        assert count > 0, f"{doc_id} has no tasks"
    assert len(kb.tasks_of_document("qd895")) >= 15  # every appendix row plus section III.1


def test_cli_prints_counts_per_document() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "qd895" in out.stdout and "tasks" in out.stdout


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def _edit(path: Path, fn) -> None:
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r[0].update(lead=["khong_ton_tai"]), "unknown agency 'khong_ton_tai'"),
        (lambda r: r[0].update(deadline="sớm nhất có thể"), "deadline: cannot read"),
        (lambda r: r.append(dict(r[0])), "duplicate id"),
        (lambda r: r[0].update(ref=""), "missing source reference"),
        (lambda r: r[0].pop("seed_line"), "seed_line"),
    ],
)
def test_each_mistake_is_named_with_file_and_record(broken: Path, mutate, expected: str) -> None:
    target = broken / "tasks" / "qd895.yaml"
    first_id = yaml.safe_load(target.read_text(encoding="utf-8"))[0]["id"]
    _edit(target, mutate)
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(broken)
    messages = [str(p) for p in err.value.problems]
    assert any(expected in m and "qd895.yaml" in m and first_id in m for m in messages), messages


def test_cli_exits_nonzero_on_broken_file(broken: Path) -> None:
    (broken / "tasks" / "qd895.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", "--data", str(broken)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert "qd895.yaml" in out.stderr
