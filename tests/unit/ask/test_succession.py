"""Today's names (issue 10 §3): the succession file, its checks, and what answers say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from knowledge.analyze import folded_key
from knowledge.engine import Engine
from knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge
from knowledge.succession import FILE_NAME, Succession


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge())


def test_every_change_cites_an_act_and_names_known_agencies(engine: Engine) -> None:
    kb = engine.kb
    assert kb.changes, "succession.yaml was not loaded"
    for change in kb.changes:
        assert all(p in kb.agencies for p in change.predecessors)
        assert any(ch.isdigit() for ch in change.source.act), change.id  # a number, a date
        if change.successor is not None:
            assert change.id not in kb.agencies  # a seat of its own would be ambiguous


def test_a_name_of_today_never_shadows_a_printed_name(engine: Engine) -> None:
    printed: dict[tuple[str, ...], str] = {}
    for agency in engine.kb.agencies.values():
        for name in (agency.name, agency.name_en, *agency.aliases):
            if name:
                printed[folded_key(name, engine.lexicon)] = agency.id
    for name, agency_id in Succession(engine.kb).names():
        key = folded_key(name, engine.lexicon)
        assert printed.get(key, agency_id) == agency_id, name


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Ban Tuyên giáo - Dân vận Trung ương", "ban_dan_van_trung_uong"),
        ("ban tuyen giao dan van tw", "ban_dan_van_trung_uong"),
        ("Ban TG-DV TW", "ban_dan_van_trung_uong"),
        ("Central Propaganda and Mass Mobilisation Commission", "ban_dan_van_trung_uong"),
        ("Bộ KH-CN", "bo_thong_tin_truyen_thong"),
        ("bo khoa hoc cong nghe", "bo_thong_tin_truyen_thong"),
        ("Ủy ban VH-XH", "uy_ban_xa_hoi_quoc_hoi"),
        ("committee for culture and social affairs", "uy_ban_xa_hoi_quoc_hoi"),
        ("Sở KHCN Lai Châu", "so_tt_tt_lai_chau"),
    ],
)
def test_names_of_today_are_read_as_their_predecessor(
    engine: Engine, typed: str, expected: str
) -> None:
    assert [a.id for a in engine.find_agencies(typed)] == [expected]


def test_a_question_with_todays_name_says_which_body_the_document_prints(engine: Engine) -> None:
    answer = engine.answer("Ban Tuyên giáo và Dân vận TW được giao việc gì?")
    assert not answer.refused
    first = answer.text.splitlines()[0]
    assert first == (
        "(văn bản ghi: Ban Dân vận Trung ương; nay là Ban Tuyên giáo và Dân vận Trung ương, "
        "từ 03/02/2025)"
    )
    assert {s.document for s in answer.sources} == {"kl44"}
    english = engine.answer("what does the Ministry of Science and Technology do?")
    assert english.text.startswith(
        "(the documents say: Ministry of Information and Communications (Bộ Thông tin và "
        "Truyền thông); now Ministry of Science and Technology, since 1 March 2025)"
    )


def test_no_date_is_claimed_where_no_source_gives_one(engine: Engine) -> None:
    answer = engine.answer("sở khoa học và công nghệ lai châu được giao gì")
    assert answer.text.startswith(
        "(văn bản ghi: Sở Thông tin và Truyền thông; nay là Sở Khoa học và Công nghệ tỉnh Lai Châu)"
    )


def test_an_old_name_is_answered_and_told_what_it_is_today(engine: Engine) -> None:
    answer = engine.answer("Bộ Thông tin và Truyền thông được giao gì?")
    assert "Tăng cường quản lý cơ quan báo chí thuộc Hội" in answer.text
    assert answer.text.rstrip().endswith(
        "Ghi chú: quản lý nhà nước về báo chí, xuất bản chuyển sang Bộ Văn hóa, Thể thao và "
        "Du lịch."
    )
    assert "Nghị quyết 176/2025/QH15 ngày 18/02/2025" in answer.text
    assert answer.text.count("Hiện nay:") == 1


def test_ended_bodies_are_grouped_under_one_line(engine: Engine) -> None:
    answer = engine.answer("HĐND và UBND quận Kiến An cùng làm việc gì?")
    notes = [line for line in answer.text.splitlines() if line.startswith("Hiện nay:")]
    assert len(notes) == 1
    assert "từ 01/07/2025" in notes[0] and "Nghị quyết 203/2025/QH15" in notes[0]


def test_answers_about_unchanged_bodies_carry_no_note(engine: Engine) -> None:
    answer = engine.answer("ai chủ trì rà soát Nghị định 93")
    assert not answer.refused
    assert "Hiện nay:" not in answer.text and "văn bản ghi:" not in answer.text


def test_agency_overview_notes_the_change_once(engine: Engine) -> None:
    text = engine.agency_overview("uy_ban_xa_hoi_quoc_hoi", "vi").text
    assert text.count("Ủy ban Văn hóa và Xã hội của Quốc hội") == 1


def test_label_for_listings(engine: Engine) -> None:
    succession = Succession(engine.kb)
    kb = engine.kb
    assert succession.label(kb.agencies["bo_thong_tin_truyen_thong"], "vi") == (
        "nay: Bộ Khoa học và Công nghệ"
    )
    assert succession.label(kb.agencies["ubnd_quan_kien_an"], "en") == "no longer in operation"
    assert succession.label(kb.agencies["bo_noi_vu"], "vi") is None
    assert succession.current_owner("bo_thong_tin_truyen_thong") == "Bộ Khoa học và Công nghệ"
    assert succession.current_owner("ubnd_quan_kien_an") is None


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r[0].update(predecessors=["khong_co"]), "unknown agency 'khong_co'"),
        (lambda r: r[0].update(kind="abolished"), "a successor is required unless"),
        (lambda r: r[1].update(predecessors=r[0]["predecessors"]), "already changed by"),
        (lambda r: r[0].update(source={"act": "x"}), "source.act"),
        (lambda r: r[0].update(effective="2099-01-01"), "date in the future"),
        (lambda r: r[0].update(kind="split"), "kind"),
        (lambda r: r[0].update(kind="established"), "predecessors are required unless"),
        (lambda r: r[0].update(related=["bo_noi_vu"]), "related is for 'established'"),
        (lambda r: r[-1].update(related=["khong_co"]), "unknown agency 'khong_co'"),
    ],
)
def test_each_mistake_in_the_succession_file_is_named(broken: Path, mutate, expected: str) -> None:
    path = broken / FILE_NAME
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(broken)
    assert any(p.file == FILE_NAME and expected in p.reason for p in err.value.problems), (
        err.value.problems
    )


def test_a_base_without_the_file_loads_and_answers(broken: Path) -> None:
    (broken / FILE_NAME).unlink()
    kb = load_knowledge(broken)
    assert kb.changes == []
    answer = Engine(kb).answer("Ban Dân vận TW làm gì")
    assert "Hiện nay:" not in answer.text and not answer.refused


@pytest.mark.parametrize(
    "question",
    [
        "Bo Xay dung phoi hop gi",
        "So Nong nghiep va Moi truong Lai Chau chu tri gi",
        "Ministry of Construction coordinates what?",
    ],
)
def test_a_body_of_today_without_predecessor_is_refused_whatever_is_asked(
    engine: Engine, question: str
) -> None:
    """Leading or coordinating asked about a body the documents never name: no other's duty."""
    assert engine.answer(question).refused


def test_a_body_of_today_made_from_none_of_the_documents_bodies_is_refused_with_its_act(
    engine: Engine,
) -> None:
    """ "Đảng ủy Chính phủ" holds "Chính phủ" (an agency of the base): not its duty."""
    answer = engine.answer("dang uy chinh phu lam gi theo KL 44")
    assert answer.refused
    assert answer.text.startswith("Đảng ủy Chính phủ được thành lập theo quyết định của Bộ")
    assert "03/02/2025" in answer.text
    assert [s.agency for s in answer.suggestions] == ["ban_can_su_dang_chinh_phu"]
    english = engine.answer("What must the Ministry of Ethnic and Religious Affairs do?")
    assert english.refused and "Nghị quyết 176/2025/QH15" in english.text
