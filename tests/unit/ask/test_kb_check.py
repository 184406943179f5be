"""`python -m bot kb check`: valid data passes; each kind of mistake is named."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge

ROOT = Path(__file__).resolve().parents[3]


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


# --- exact to the letter: one bad record per rule (knowledge/checks.py) -------------------


def _task(records: list[dict], task_id: str) -> dict:
    return next(r for r in records if r["id"] == task_id)


def _problems(broken: Path, file: str, task_id: str, change) -> list[str]:
    _edit(broken / "tasks" / file, lambda r: change(_task(r, task_id)))
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(broken)
    return [str(p) for p in err.value.problems if task_id in str(p) and file in str(p)]


def _as_lead(r: dict) -> None:
    r.pop("role", None)
    r.pop("role_text", None)


@pytest.mark.parametrize(
    ("file", "task_id", "change", "expected"),
    [
        # A lead without a printed lead verb: Sở Y tế's own verb is "Phối hợp, tham gia".
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_4_2",
            _as_lead,
            "lead-verb: the owner's printed verb is 'tham gia'",
        ),
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_6",
            _as_lead,
            "lead-verb: the owner's printed verb is 'phoi hop'",
        ),
        ("kl44.yaml", "kl44_5_2_giam_sat", _as_lead, "lead-verb"),
        # A role other than lead needs the document's own words, as printed.
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_4_2",
            lambda r: r.pop("role_text"),
            "role-text: role participate needs",
        ),
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_4_2",
            lambda r: r.update(role_text="Tích cực tham gia"),
            "is not printed in the duty",
        ),
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_6",
            lambda r: r.update(role="participate"),
            "role-text: 'Phối hợp' is not 'tham gia'",
        ),
        # An output where the document has no output column.
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_10_1",
            lambda r: r.update(output="Kế hoạch"),
            "output-column: kh_lai_chau prints no output column",
        ),
        (
            "kh_thanh_uy.yaml",
            "kh_thanh_uy_iii_6",
            lambda r: r.update(output="kế hoạch cụ thể"),
            "output-column",
        ),
        (
            "qd895.yaml",
            "qd895_iii_1_b",
            lambda r: r.update(output="Nghị định"),
            "output-column: qd895 prints no output column for 'Mục III.1.b'",
        ),
        # A frequency (or manner word) recorded as a deadline where the text prints none.
        (
            "kh_thanh_uy.yaml",
            "kh_thanh_uy_iii_7",
            lambda r: r.update(deadline="định kỳ"),
            "deadline-printed: 'định kỳ' in running text",
        ),
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_1_5",
            lambda r: r.update(deadline="Thường xuyên"),
            "deadline-printed: 'thường xuyên' in running text",
        ),
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_2_1",
            lambda r: r.update(deadline="Hàng năm"),
            "deadline-printed: 'Hàng năm' is not printed in the duty",
        ),
        # Two printed pairs kept as one: QĐ 895 II.4.
        (
            "qd895.yaml",
            "qd895_pl_ii_4",
            lambda r: r.update(milestones=[], deadline="Năm 2023; Năm 2024 -2025"),
            "milestones: the deadline prints several times",
        ),
        (
            "kh_lai_chau.yaml",
            "kh_lai_chau_iii_10_2",
            lambda r: r.update(milestones=[{"deadline": "Năm 2024"}]),
            "milestones: only rows of a table",
        ),
        # Names as printed.
        (
            "kl44.yaml",
            "kl44_2_thuc_hien_luat",
            lambda r: r.pop("printed"),
            "printed-name: the duty prints 'cac bo nganh'",
        ),
        (
            "kh_thanh_uy.yaml",
            "kh_thanh_uy_iii_2",
            lambda r: r.pop("printed"),
            "(mttq_thanh_pho) is not printed in the duty",
        ),
        (
            "kl44.yaml",
            "kl44_2_thuc_hien_luat",
            lambda r: r.update(printed={"bo_noi_vu": "Bộ Nội vụ"}),
            "printed-name: 'bo_noi_vu' is not named by the task",
        ),
    ],
)
def test_each_exactness_rule_names_the_bad_record(
    broken: Path, file: str, task_id: str, change, expected: str
) -> None:
    problems = _problems(broken, file, task_id, change)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("date_line"), "date-source: an e-signature date needs"),
        (lambda d: d["cites"].append(dict(d["cites"][0])), "cites: '809-cv/tu' is listed twice"),
    ],
)
def test_document_rules_name_the_document(broken: Path, change, expected: str) -> None:
    _edit(
        broken / "documents.yaml", lambda r: change(next(d for d in r if d["id"] == "cv_kien_an"))
    )
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(broken)
    assert any(expected in str(p) and "cv_kien_an" in str(p) for p in err.value.problems)


def test_cli_names_an_exactness_problem(broken: Path) -> None:
    _edit(
        broken / "tasks" / "kh_lai_chau.yaml", lambda r: _as_lead(_task(r, "kh_lai_chau_iii_4_2"))
    )
    out = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", "--data", str(broken)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert "kh_lai_chau_iii_4_2" in out.stderr and "lead-verb" in out.stderr
