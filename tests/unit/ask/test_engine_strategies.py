"""Each strategy of the engine's decision, called alone on a read question (issue 11)."""

from __future__ import annotations

import datetime as dt

from knowledge import strategies as st
from knowledge.engine import Engine
from knowledge.loader import load_knowledge

ENGINE = Engine(load_knowledge())
TODAY = dt.date(2026, 12, 3)


def asked(question: str, today: dt.date = TODAY) -> st.Asked:
    q = ENGINE.reader.read(question)
    return st.Asked(ENGINE, q, q.lang, today)


def test_the_order_is_the_policy() -> None:
    names = [s.__name__ for s in st.STRATEGIES]
    # Refusals of what the documents cannot hold come before any duty is matched, and
    # ranking by topic words comes last.
    assert names.index("unknown_document") < names.index("reference")
    assert names.index("other_place") < names.index("listed")
    assert names[-1] == "ranked_topic"
    assert len(set(names)) == len(names)


def test_document_fact_answers_or_passes() -> None:
    answer = st.document_fact(asked("QĐ 895 ký ngày nào"))
    assert answer is not None and "26/07/2023" in answer.text
    assert st.document_fact(asked("ai chủ trì rà soát luật chữ thập đỏ")) is None


def test_unknown_document() -> None:
    answer = st.unknown_document(asked("Chỉ thị 99 giao ai làm gì"))
    assert answer is not None and answer.refused
    assert st.unknown_document(asked("KL 44 giao ai theo dõi")) is None


def test_not_in_documents() -> None:
    answer = st.not_in_documents(asked("Hội Chữ thập đỏ thành lập năm nào"))
    assert answer is not None and answer.refused
    assert st.not_in_documents(asked("ai chủ trì II.2")) is None


def test_other_place() -> None:
    answer = st.other_place(asked("kế hoạch của tỉnh Yên Bái giao sở y tế làm gì"))
    assert answer is not None and answer.refused
    assert st.other_place(asked("Sở Y tế Lai Châu làm gì")) is None


def test_listed() -> None:
    answer = st.listed(asked("Bộ Tư pháp phối hợp mấy nhiệm vụ"))
    assert answer is not None and answer.tasks == ["qd895_pl_ii_2"]
    assert st.listed(asked("ai chủ trì rà soát luật chữ thập đỏ")) is None


def test_count_not_held() -> None:
    answer = st.count_not_held(asked("Hội có bao nhiêu tình nguyện viên"))
    assert answer is not None and answer.refused
    assert st.count_not_held(asked("II.2 còn bao nhiêu ngày")) is None


def test_agency_not_in_document() -> None:
    answer = st.agency_not_in_document(asked("Công văn Kiến An giao Bộ Tài chính làm gì"))
    assert answer is not None and answer.refused
    assert st.agency_not_in_document(asked("QĐ 895 giao Bộ Tài chính làm gì")) is None


def test_reference_with_time_status() -> None:
    answer = st.reference(asked("II.2 đã quá hạn chưa"))
    assert answer is not None and answer.tasks == ["qd895_pl_ii_2"]
    assert answer.text.startswith("Đã quá hạn")
    assert st.reference(asked("ai chủ trì rà soát luật")) is None


def test_agency_duties_and_kind() -> None:
    duties = st.agency_duties(asked("Bộ Nội vụ phải làm gì"))
    assert duties is not None and duties.intent == "agency_tasks"
    kind = st.agency_kind(asked("những sở nào có nhiệm vụ trong kế hoạch tỉnh"))
    assert kind is not None and "Sở Y tế" in kind.text


def test_ranked_topic_answers_the_best_duty() -> None:
    answer = st.ranked_topic(asked("ai chủ trì khoán quỹ lương cho hội"))
    assert answer is not None and answer.tasks == ["qd895_pl_ii_5"]
