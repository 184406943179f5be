"""General rules found by probing with fresh questions: document facts, a named
agency's own duty, agencies and office holders the documents never name, a fact asked
about a decree, campaign timing. Wordings differ from tests/qa/probe.yaml on purpose.
"""

from __future__ import annotations

import pytest

from knowledge.answer import Answer
from knowledge.engine import Engine
from knowledge.loader import load_knowledge
from knowledge.normalize import fold

KB = load_knowledge()
ENGINE = Engine(KB)


def docs(answer: Answer) -> set[str]:
    return {s.document for s in answer.sources}


# ------------------------------------------------------------- document facts


@pytest.mark.parametrize(
    ("question", "doc", "fact"),
    [
        ("Quyết định 895/QĐ-TTg ra đời ngày nào", "qd895", "26/07/2023"),
        ("ngày ban hành của kết luận 44", "kl44", "14/11/2022"),
        ("KL44 số hiệu là gì", "kl44", "44-KL/TW"),
        ("quyết định 895 do ai ban hành", "qd895", "Thủ tướng Chính phủ"),
        ("ai ky cong van quan uy kien an", "cv_kien_an", "Bùi Thị Tuyết Mai"),
        ("ke hoach thanh uy do ai ky", "kh_thanh_uy", "Bùi Văn Phú"),
    ],
)
def test_document_facts_come_from_the_document_record(question: str, doc: str, fact: str) -> None:
    answer = ENGINE.answer(question)
    assert not answer.refused
    assert docs(answer) == {doc}
    assert fold(fact) in fold(answer.text)
    assert not answer.tasks  # the record, not a duty that happens to say "ban hành"


def test_a_fact_the_copy_does_not_print_is_said_to_be_missing() -> None:
    answer = ENGINE.answer("kế hoạch thành ủy ký ngày nào")
    assert not answer.refused
    assert "khong ghi ngay" in fold(answer.text)
    answer = ENGINE.answer("What is the number of the Kien An district letter?")
    assert "prints no number" in answer.text


def test_a_duty_about_issuing_a_decree_is_still_a_duty() -> None:
    # "ban hành" with a real topic: the duty, not the document's date.
    answer = ENGINE.answer("ai trình Chính phủ ban hành nghị định thay thế nghị định 45")
    assert answer.tasks == ["qd895_pl_ii_3"]


# ------------------------------------------------------ a named agency's duty


def test_an_agency_named_as_subject_gets_its_own_duty() -> None:
    answer = ENGINE.answer("Sở Tài chính có phải hỗ trợ kinh phí cho Hội Chữ thập đỏ tỉnh không")
    assert answer.tasks == ["kh_lai_chau_iii_3"]


def test_an_agency_without_such_duty_is_described_not_replaced() -> None:
    answer = ENGINE.answer("sở giáo dục có hỗ trợ kinh phí cho hội không")
    assert not answer.refused
    assert answer.agencies == ["so_gd_dt_lai_chau"]
    assert all("so_gd_dt_lai_chau" in KB.tasks[t].lead for t in answer.tasks)


# ------------------------------------------ unnamed agencies and office holders


@pytest.mark.parametrize(
    ("question", "lookalike"),
    [
        ("bộ y tế phải làm gì", "so_y_te_lai_chau"),
        ("ministry of foreign affairs tasks", None),
        ("ban kinh te thanh uy co nhiem vu gi", None),
    ],
)
def test_an_agency_the_documents_never_name_is_refused(question: str, lookalike) -> None:
    answer = ENGINE.answer(question)
    assert answer.refused, answer.text
    offered = [s.agency for s in answer.suggestions]
    if lookalike:
        assert lookalike in offered
    assert all(s.task is None for s in answer.suggestions)


@pytest.mark.parametrize(
    "question",
    [
        "bộ trưởng bộ tài chính là ai",
        "ai là chủ tịch hội chữ thập đỏ việt nam",
        "pho giam doc so noi vu ten gi",
        "bi thu quan uy kien an la ai",
        "who is the chairman of the provincial people's committee",
        "who is the deputy minister of home affairs",
        "thủ tướng hiện nay là ai",
    ],
)
def test_office_holders_are_refused(question: str) -> None:
    assert ENGINE.answer(question).refused


def test_ban_bi_thu_is_a_body_not_an_office_holder() -> None:
    answer = ENGINE.answer("Ban Bí thư giao ai theo dõi, kiểm tra việc thực hiện kết luận 44")
    assert not answer.refused
    assert "kl44" in docs(answer)


# ------------------------------------------------------- decree numbers, campaigns


def test_a_fact_asked_about_a_decree_comes_from_the_duty_about_it() -> None:
    answer = ENGINE.answer("rà soát NĐ 93 có thời hạn đến bao giờ")
    assert answer.tasks == ["qd895_pl_ii_4"]
    assert "2023" in answer.text


@pytest.mark.parametrize(
    "question",
    ["hiến máu tình nguyện tổ chức vào tháng mấy", "when does Humanitarian Tet take place"],
)
def test_campaign_timing_is_not_invented(question: str) -> None:
    assert ENGINE.answer(question).refused


def test_who_leads_a_campaign_is_still_answered() -> None:
    answer = ENGINE.answer("ai chủ trì tuyên truyền tháng nhân đạo")
    assert not answer.refused


def test_a_duty_next_to_an_office_title_is_still_answered() -> None:
    # "ai là …" with a real topic asks who does a duty, not who holds an office.
    answer = ENGINE.answer("ai là đầu mối giúp Thủ tướng theo dõi tình hình thực hiện kế hoạch")
    assert not answer.refused
    assert answer.tasks and docs(answer) == {"qd895"}


@pytest.mark.parametrize(
    ("question", "lookalike"),
    [
        ("bo y te co phai van dong hien mau khong", "so_y_te_lai_chau"),
        ("sở công thương có hỗ trợ kinh phí cho hội không", None),
        ("ministry of health blood donation", "so_y_te_lai_chau"),
    ],
)
def test_an_unnamed_agency_as_subject_gets_no_other_agencys_duty(question: str, lookalike) -> None:
    answer = ENGINE.answer(question)
    assert answer.refused and not answer.tasks
    if lookalike:
        assert [s.agency for s in answer.suggestions] == [lookalike]


@pytest.mark.parametrize(
    ("question", "task"),
    [
        ("bo sung noi dung kl44 vao chuong trinh kiem tra giam sat cua thanh uy", None),
        ("so ket nghi dinh 93 phai xong khi nao", "qd895_pl_ii_4"),
        ("bộ phận cơ thể người hiến xác có được vận động không", "kh_lai_chau_iii_4_2"),
    ],
)
def test_words_starting_like_an_agency_are_not_one(question: str, task) -> None:
    answer = ENGINE.answer(question)
    assert not answer.refused, answer.text
    if task:
        assert answer.tasks[0] == task


@pytest.mark.parametrize(
    ("question", "doc", "fact"),
    [
        ("What is the date of Conclusion 44?", "kl44", "14 November 2022"),
        ("quyết định 895 ngày mấy", "qd895", "26/07/2023"),
        ("qd895 thuoc cap nao", "qd895", "Thủ tướng Chính phủ"),
        ("kl 44 ai ky ten", "kl44", "Võ Văn Thưởng"),
    ],
)
def test_document_facts_in_other_wordings(question: str, doc: str, fact: str) -> None:
    answer = ENGINE.answer(question)
    assert docs(answer) == {doc} and not answer.tasks
    assert fold(fact) in fold(answer.text)


def test_a_deadline_before_a_day_is_a_duty_not_the_documents_date() -> None:
    answer = ENGINE.answer("theo ke hoach thanh uy cac cap uy phai cu the hoa kl44 truoc ngay nao")
    assert answer.tasks and docs(answer) == {"kh_thanh_uy"}


def test_a_subject_agency_after_the_documents_name_keeps_its_preference() -> None:
    answer = ENGINE.answer("theo kế hoạch lai châu, sở tài chính có bố trí kinh phí cho hội không")
    assert answer.tasks == ["kh_lai_chau_iii_3"]
