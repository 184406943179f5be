"""Lists, counts and time (issue 10 §2), tested with other wordings than tests/qa."""

from __future__ import annotations

import datetime as dt

from knowledge.engine import Engine
from knowledge.listing import Listing, TaskFilter, select
from knowledge.loader import load_knowledge
from knowledge.model import Deadline
from knowledge.near_miss import strip_numbers
from knowledge.when import read_time, year_window

KB = load_knowledge()
ENGINE = Engine(KB)
TODAY = dt.date(2026, 12, 3)


def ask(question: str, today: dt.date = TODAY):
    return ENGINE.answer(question, today=today)


# ------------------------------------------------------------------ reading time


def test_time_windows_and_bounds() -> None:
    assert read_time("viec phai xong truoc 2024", TODAY).before == dt.date(2024, 1, 1)
    assert read_time("han sau nam 2024", TODAY).after == dt.date(2024, 12, 31)
    quarter = read_time("han quy iv/2023", TODAY).window
    assert quarter and (quarter.start, quarter.end) == (dt.date(2023, 10, 1), dt.date(2023, 12, 31))
    last_year = read_time("het han nam ngoai", dt.date(2024, 3, 1)).window
    assert last_year and last_year.start == dt.date(2023, 1, 1)
    day = read_time("due on 5 march 2023", TODAY).window
    assert day and day.span == "day" and day.start == dt.date(2023, 3, 5)
    # A document number's year is not a date.
    assert read_time(strip_numbers("thong tu 07/2017 ai chi dao"), TODAY).window is None


def test_a_year_window_holds_a_period_that_touches_it() -> None:
    period = Deadline(
        text="Năm 2023 - 2024", kind="period", start=dt.date(2023, 1, 1), end=dt.date(2024, 12, 31)
    )
    assert year_window(2024).holds(period) and year_window(2023).holds(period)
    assert not year_window(2025).holds(period)


# ------------------------------------------------------------------ selection


def test_select_by_blank_cell_and_appendix() -> None:
    ids = select(KB, TaskFilter(appendix=True, kinds=frozenset({"none"})))
    assert ids == ["qd895_pl_ii_5", "qd895_pl_iv_3"]


def test_overdue_depends_on_the_day_asked() -> None:
    before = select(KB, TaskFilter(overdue=True, today=dt.date(2023, 11, 1)))
    after = select(KB, TaskFilter(overdue=True, today=dt.date(2024, 1, 2)))
    assert "qd895_pl_ii_2" not in before and "qd895_pl_ii_2" in after


def test_agency_and_role_in_the_appendix() -> None:
    lead = select(KB, TaskFilter(appendix=True, agencies=("bo_tai_chinh",), role="lead"))
    assert lead == ["qd895_pl_ii_5"]


# ------------------------------------------------------------------ answers


def test_count_answer_states_the_number_and_carries_the_list() -> None:
    answer = ask("phụ lục của quyết định 895 gồm bao nhiêu nhiệm vụ?")
    assert not answer.refused and answer.intent == "list"
    assert len(answer.tasks) == 15 and "15 nhiệm vụ" in answer.text
    assert {s.document for s in answer.sources} == {"qd895"}


def test_an_empty_list_is_an_answer_not_a_refusal() -> None:
    answer = ask("việc nào có hạn trong năm 2030")
    assert not answer.refused and answer.tasks == [] and answer.sources
    assert "0 nhiệm vụ" in answer.text


def test_a_topic_keeps_the_question_about_one_duty() -> None:
    answer = ask("đề án kiện toàn tổ chức hội đã trễ hạn chưa", today=dt.date(2025, 2, 1))
    assert answer.tasks == ["qd895_pl_iv_1"]
    assert answer.text.startswith("Đã quá hạn")
    early = ask("đề án kiện toàn tổ chức hội đã trễ hạn chưa", today=dt.date(2024, 12, 1))
    assert early.text.startswith("Chưa đến hạn: còn 30 ngày")


def test_english_list_and_status() -> None:
    answer = ask("which tasks of the appendix are repeated every year?")
    assert answer.tasks == ["qd895_pl_v_1", "qd895_pl_v_2"]
    status = ask("is the Red Cross law review overdue?", today=dt.date(2023, 12, 30))
    assert status.text.startswith("Not yet due: 1 day(s) left")


def test_long_lists_page_and_keep_every_id() -> None:
    answer = ask("những nhiệm vụ nào không ghi thời hạn")
    assert answer.listing is not None and answer.listing.pages > 1
    assert len(answer.tasks) == len(answer.listing.tasks)
    second = ENGINE.listing_page(answer.listing.to_state(), 1)
    assert second is not None and second.listing is not None
    assert second.listing.page == 1 and f"Trang 2/{answer.listing.pages}" in second.text
    first_lines = {ln for ln in answer.text.splitlines() if ln.startswith("•")}
    assert not first_lines & {ln for ln in second.text.splitlines() if ln.startswith("•")}
    assert ENGINE.listing_page({"nonsense": 1}, 0) is None
    assert Listing.from_state("not a dict") is None


# ------------------------------------------------------------------ near-misses


def test_document_not_held_is_refused_with_what_the_base_holds() -> None:
    for question in ("Kết luận 47-KL/TW giao Hội làm gì", "nghị quyết 12 nói gì về hội"):
        answer = ask(question)
        assert answer.refused and "44-KL/TW" in answer.text, question


def test_a_document_only_named_is_refused_but_its_duty_answered() -> None:
    content = ask("nội dung của Nghị định 93/2019 là gì")
    assert content.refused and "II.4" in content.text
    assert "qd895_pl_ii_4" in [s.task for s in content.suggestions]
    duty = ask("ai chủ trì sơ kết nghị định 93")
    assert not duty.refused and duty.tasks == ["qd895_pl_ii_4"]


def test_named_document_that_assigns_the_agency_nothing() -> None:
    answer = ask("QĐ 895 giao Ban Dân vận Trung ương làm gì")
    assert answer.refused and "Kết luận 44-KL/TW" in answer.text
    assert [s.agency for s in answer.suggestions] == ["ban_dan_van_trung_uong"]


# ------------------------------------------------------------------ follow-ups


def test_follow_ups_against_the_previous_answer() -> None:
    first = ask("ai chủ trì sơ kết nghị định 93")
    kept = ENGINE.remember("ai chủ trì sơ kết nghị định 93", first)
    output = ENGINE.answer("còn sản phẩm?", previous=kept, today=TODAY)
    assert output.tasks == ["qd895_pl_ii_4"] and output.text.startswith("Sản phẩm chủ yếu")
    # A list question is a question of its own, even after a task answer.
    fresh = ENGINE.answer("những việc nào đã quá hạn?", previous=kept, today=TODAY)
    assert len(fresh.tasks) > 1
    # Without a previous answer the same words are not about that duty.
    assert ENGINE.answer("còn sản phẩm?", today=TODAY).tasks != ["qd895_pl_ii_4"]
    # Another agency in the same question, and a chain of follow-ups.
    counted = ask("Bộ Tư pháp phối hợp mấy nhiệm vụ")
    kept = ENGINE.remember("Bộ Tư pháp phối hợp mấy nhiệm vụ", counted)
    other = ENGINE.answer("thế còn Bộ Thông tin và Truyền thông?", previous=kept, today=TODAY)
    assert other.tasks == ["qd895_pl_iv_3"]
    kept = ENGINE.remember("thế còn Bộ Thông tin và Truyền thông?", other, kept)
    third = ENGINE.answer("còn Bộ Nội vụ thì sao", previous=kept, today=TODAY)
    assert set(third.tasks) >= {"qd895_pl_iv_1", "qd895_pl_v_1", "qd895_pl_v_2"}
    assert "qd895_pl_ii_2" not in third.tasks  # still "phối hợp", not "chủ trì"


def test_a_list_of_agencies_or_one_numbered_duty_is_not_a_list_of_duties() -> None:
    answer = ask("cho danh sách cơ quan phối hợp của II.2")
    assert answer.listing is None and answer.tasks == ["qd895_pl_ii_2"]
    assert answer.text.startswith("Phối hợp:")
    part = ask("liệt kê các việc ở mục III.10 kế hoạch Lai Châu")
    assert part.listing is not None and len(part.tasks) == 4
