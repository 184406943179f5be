"""General rules found by the second probe (tests/qa/probe2.yaml): input-method leftovers,
bare section references, places the documents do not cover. Wordings differ from the
probe set on purpose.
"""

from __future__ import annotations

import pytest

from knowledge.engine import Engine
from knowledge.loader import load_knowledge
from knowledge.normalize import fold
from knowledge.places import PlaceFinder
from knowledge.telex import leftover_readings

ENGINE = Engine(load_knowledge())


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("luaatj", "luat"),
        ("hopw", "hop"),
        ("ddoongf", "dong"),
        ("nguwowif", "nguoi"),
        ("tees", "te"),
        ("tri2", "tri"),
        ("d9e6n", "den"),
    ],
)
def test_input_method_leftovers_are_read(typed: str, reading: str) -> None:
    assert reading in leftover_readings(typed)


@pytest.mark.parametrize("word", ["ii", "iii", "xx", "chu", "qd895", "kl44", "nd93x1y2z3"])
def test_real_words_and_section_numbers_are_not_leftovers(word: str) -> None:
    assert fold(word) not in leftover_readings(word) or not leftover_readings(word)
    assert word not in ("ii", "iii", "xx") or leftover_readings(word) == []


def test_telex_question_is_answered() -> None:
    a = ENGINE.answer("bo naof chur tri so keets nghi dinh 93")
    assert not a.refused
    assert "Bộ Nội vụ" in a.text
    assert {s.document for s in a.sources} == {"qd895"}


def test_unknown_leftover_is_not_forced_into_a_word() -> None:
    # "xyzzys" decodes to nothing of the base: the question is still refused.
    assert ENGINE.answer("xyzzys qwwf ai chu tri").refused


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("thời hạn II.4", "Năm 2023"),
        ("II.2 sp chủ yếu là gì", "Báo cáo trình Ủy ban Thường vụ Quốc hội"),
        ("phoi hop IV.3", "Bộ Thông tin và Truyền thông"),
    ],
)
def test_bare_reference_prefers_the_duty_stating_the_fact(question: str, expected: str) -> None:
    a = ENGINE.answer(question)
    assert not a.refused
    assert fold(expected) in fold(a.text)


def test_bare_reference_with_a_level_keeps_that_level() -> None:
    a = ENGINE.answer("thành ủy mục III.1 thời hạn")
    assert "trước ngày 05/3/2023" in a.text
    assert {s.document for s in a.sources} == {"kh_thanh_uy"}


@pytest.mark.parametrize(
    "question",
    [
        "Sở Tài chính TP HCM có nhiệm vụ gì",
        "so y te nghe an phoi hop voi ai",
        "Quận ủy Hồng Bàng giao Ban Dân vận làm gì",
        "Hội Chữ thập đỏ tỉnh Quảng Ninh phải làm gì",
        "What must the Department of Health of Hanoi do",
    ],
)
def test_places_without_a_plan_are_refused(question: str) -> None:
    a = ENGINE.answer(question)
    assert a.refused, a.text
    assert not a.sources


def test_place_refusal_offers_the_agency_the_documents_hold() -> None:
    a = ENGINE.answer("Sở Y tế Bắc Ninh làm gì")
    assert a.refused
    assert any("Sở Y tế" in s.label for s in a.suggestions)
    assert "Bắc Ninh" in a.text


@pytest.mark.parametrize(
    "question",
    [
        "Sở Y tế Lai Châu phải làm gì",  # a place the documents cover
        "ubnd tinh nghe an phai lam gi",  # a national body: QĐ 895 binds every province
        "báo cáo hàng năm định kỳ ai chủ trì",  # "năm định" is not Nam Định
        "hang nam dinh ky bao cao ai chu tri",
    ],
)
def test_covered_places_and_look_alikes_are_answered(question: str) -> None:
    assert not ENGINE.answer(question).refused


def test_place_finder_needs_the_diacritics_typed() -> None:
    finder = PlaceFinder(["Nam Định", "Hà Nội"], {("nam", "dinh")})
    assert finder.find("Sở Y tế Nam Định") == "Nam Định"
    assert finder.find("tinh nam dinh") == "Nam Định"
    assert finder.find("hàng năm định kỳ") is None
    assert finder.find("hang nam dinh ky") is None
    assert finder.find("ha noi") == "Hà Nội"


@pytest.mark.parametrize(
    ("question", "doc", "expected"),
    [
        ("điểm 2 công văn quận Kiến An ai chủ trì", "cv_kien_an", "Hội đồng nhân dân quận"),
        ("kien an diem 5 gom nhung gi", "cv_kien_an", "Văn phòng Quận ủy"),
        ("KL 44 mục 5 giao ai", "kl44", "Các tỉnh uỷ, thành uỷ"),
    ],
)
def test_numbered_points_name_the_duty(question: str, doc: str, expected: str) -> None:
    a = ENGINE.answer(question)
    assert not a.refused, a.text
    assert {s.document for s in a.sources} == {doc}
    assert fold(expected) in fold(a.text)


def test_a_month_after_a_point_word_is_not_a_point() -> None:
    from knowledge.query import find_points

    assert find_points("mục 5/2023") == []
    assert find_points("diem 2.5") == []
    assert find_points("điểm 3 kiến an") == ["p.3"]


@pytest.mark.parametrize(
    ("question", "agency"),
    [
        ("UB xã hội QH phối hợp việc gì", "Ủy ban Xã hội của Quốc hội"),
        ("ubkt thành ủy có nhiệm vụ gì", "Ủy ban Kiểm tra Thành ủy"),
    ],
)
def test_short_forms_of_committee_names(question: str, agency: str) -> None:
    a = ENGINE.answer(question)
    assert not a.refused
    assert agency in a.text


@pytest.mark.parametrize(
    ("question", "agency"),
    [
        ("what must the Lai Chau health department do", "Sở Y tế"),
        ("Lai Chau foreign affairs department tasks", "Sở Ngoại vụ"),
    ],
)
def test_english_noun_first_department_names(question: str, agency: str) -> None:
    a = ENGINE.answer(question)
    assert not a.refused
    assert agency in a.text


def test_a_number_word_is_not_the_head_sở() -> None:
    # "dân số" (population) folds to "dan so", like "sở": typed with diacritics it is
    # not a question about the departments of the province.
    a = ENGINE.answer("dân số tỉnh Lai Châu")
    assert "cơ quan loại này" not in a.text
    assert "cơ quan loại này" in ENGINE.answer("những sở nào có nhiệm vụ ở Lai Châu").text


def test_one_common_word_names_no_duty() -> None:
    # "dân" is in most duties ("Nhân dân", "Hội đồng nhân dân"): alone it names none.
    assert ENGINE.answer("dân số tỉnh Lai Châu").refused
    # A rare topic of one or two words is still answered.
    assert not ENGINE.answer("hiến máu").refused
    assert not ENGINE.answer("báo chí").refused


@pytest.mark.parametrize(
    ("question", "expected", "doc"),
    [
        ("ai report Ban Bí thư định kỳ", "Ban Dân vận Trung ương", "kl44"),
        ("ai lead việc khoán quỹ lương", "Bộ Tài chính", "qd895"),
    ],
)
def test_english_words_inside_a_vietnamese_question(question: str, expected: str, doc: str) -> None:
    a = ENGINE.answer(question)
    assert not a.refused, a.text
    assert expected in a.text
    assert doc in {s.document for s in a.sources}


def test_vietnamese_words_that_look_english_stay_vietnamese() -> None:
    # "do" (đỏ), "to" (tổ), "an" (án) are words of the base: never translated.
    a = ENGINE.answer("hoi chu thap do to chuc tuyen truyen gi o kien an")
    assert not a.refused
    assert "cv_kien_an" in {s.document for s in a.sources}


def test_trung_uong_covers_the_party_centre_too() -> None:
    # KL 44 (Party centre) and QĐ 895 (Government) are both "trung ương".
    a = ENGINE.answer("ở trung ương ai tuyên truyền vận động đoàn viên hội viên")
    assert not a.refused
    assert {s.document for s in a.sources} == {"kl44"}
    assert "Đảng đoàn Mặt trận Tổ quốc Việt Nam" in a.text


@pytest.mark.parametrize(
    ("question", "agency"),
    [("bộ nộ vụ phải làm gì", "Bộ Nội vụ"), ("bo tai chin chu tri gi", "Bộ Tài chính")],
)
def test_agency_name_one_typo_away_is_read_as_it(question: str, agency: str) -> None:
    a = ENGINE.answer(question)
    assert not a.refused
    assert a.text.startswith(agency)


@pytest.mark.parametrize("question", ["Sở Tư pháp phải làm gì", "Bộ Ngoại vụ phải làm gì"])
def test_unnamed_agency_is_not_forced_onto_a_short_form(question: str) -> None:
    # "Sở TC" is a short form of Sở Tài chính: "Sở Tư" is not one typo from it.
    assert ENGINE.answer(question).refused
