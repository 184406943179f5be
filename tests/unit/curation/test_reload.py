"""Reloading the knowledge base: validated aside, swapped only when every file is sound."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.context import Services
from bot.curation.live import build_engine, load_validated
from bot.curation.texts import problems_text
from bot.settings import Settings
from knowledge.loader import DATA_DIR, KnowledgeError, Problem

QUESTION = "ai chu tri ra soat luat hoat dong chu thap do"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def services_for(data: Path, kb) -> Services:
    settings = Settings(_env_file=None, knowledge_dir=str(data))  # type: ignore[call-arg]
    return Services(settings=settings, engine=build_engine(kb, {}), kb=kb)


def test_a_sound_copy_loads_like_the_original(data: Path, kb) -> None:
    loaded = load_validated(data)
    assert set(loaded.kb.tasks) == set(kb.tasks)
    assert loaded.lexicon.abbreviations


def test_yaml_syntax_error_names_the_file(data: Path) -> None:
    path = data / "tasks" / "kl44.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_validated(data)
    (problem,) = caught.value.problems
    assert problem.file == "data/tasks/kl44.yaml" and "cannot read" in problem.reason


def test_broken_lexicon_is_refused_too(data: Path) -> None:
    (data / "lexicon.yaml").write_text("abbreviations: {}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_validated(data)
    assert [p.file for p in caught.value.problems] == ["lexicon.yaml"]


def test_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load_validated(tmp_path / "nowhere")
    assert caught.value.problems[0].reason == "not a directory"


async def test_reload_swaps_only_a_valid_base(data: Path, kb) -> None:
    svc = services_for(data, kb)
    running = svc.engine
    path = data / "agencies" / "central.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("- id: bo_noi_vu\n", "- id: Bo Noi Vu\n", 1), "utf-8")
    with pytest.raises(KnowledgeError) as caught:
        await svc.curation.reload_knowledge()
    files = {p.file for p in caught.value.problems}
    assert "data/agencies/central.yaml" in files
    assert svc.engine is running and svc.kb is kb
    assert svc.engine.answer(QUESTION).tasks == ["qd895_pl_ii_2"]

    path.write_text(original, encoding="utf-8")
    report = await svc.curation.reload_knowledge()
    assert svc.engine is not running and svc.kb is not kb
    assert (report.tasks, report.phrasings) == (len(kb.tasks), 0)
    assert svc.resolver.kb is svc.kb
    assert svc.engine.answer(QUESTION).tasks == ["qd895_pl_ii_2"]


def test_problem_list_is_capped_and_translated() -> None:
    problems = [Problem(f"tasks/f{i}.yaml", f"t{i}", "lead: no lead agency") for i in range(12)]
    vi = problems_text("vi", KnowledgeError(problems))
    en = problems_text("en", KnowledgeError(problems[:1]))
    assert vi.startswith("❌ Chưa tải lại cơ sở tri thức: phát hiện 12 lỗi.")
    assert "• tasks/f9.yaml, bản ghi t9: lead: no lead agency" in vi
    assert "f10.yaml" not in vi and vi.endswith("…và 2 lỗi khác.")
    assert en.startswith("❌ The knowledge base was not reloaded: 1 problem found.")
