"""Grouping similar unanswered questions (pure, no database)."""

from bot.curation.grouping import Item, group_items
from bot.curation.questions import normalize_question


def item(i: int, text: str, kind: str = "refused", cands=()) -> Item:
    return Item(i, text, normalize_question(text), kind, tuple(cands))


def test_diacritics_case_and_typos_fall_into_one_group() -> None:
    groups = group_items(
        [
            item(1, "Ai làm app hiến máu?"),
            item(2, "ai lam app hien mau"),
            item(3, "AI LÀM APP HIẾN MÁU"),
            item(4, "ai lam app hien mauu"),
            item(5, "quy định về đồng phục của hội"),
        ]
    )
    assert [g.count for g in groups] == [4, 1]
    assert groups[0].ids == [1, 2, 3, 4]
    assert groups[0].leader_id == 1
    assert groups[1].text == "quy định về đồng phục của hội"


def test_different_questions_stay_apart_and_order_is_by_frequency() -> None:
    groups = group_items(
        [
            item(1, "ai lo vu cap nuoc sach"),
            item(2, "lich truc tet cua hoi"),
            item(3, "lich truc tet cua hoi"),
            item(4, "lịch trực tết của hội"),
        ]
    )
    assert [(g.normalized, g.count) for g in groups] == [
        ("lich truc tet cua hoi", 3),
        ("ai lo vu cap nuoc sach", 1),
    ]
    # The most frequent original spelling represents the group.
    assert groups[0].text == "lich truc tet cua hoi"
    assert groups[0].variants == ["lich truc tet cua hoi", "lịch trực tết của hội"]


def test_candidates_add_up_and_thumbs_down_are_counted() -> None:
    groups = group_items(
        [
            item(1, "ai lam app hien mau", cands=[("a", 0.2), ("b", 0.3)]),
            item(2, "ai lam app hien mau", "rated_down", cands=[("a", 0.6)]),
        ]
    )
    assert groups[0].rated_down == 1
    assert groups[0].candidates() == ["a", "b"]


def test_empty_and_blank_questions_are_ignored() -> None:
    assert group_items([item(1, "   "), item(2, "?!")]) == []


def test_digest_section_reads_well_in_both_languages() -> None:
    import datetime as dt

    from bot.curation.figures import CurationFigures, TopQuestion, figures_text

    figures = CurationFigures(
        dt.date(2026, 2, 24),
        dt.date(2026, 3, 2),
        asked=1234,
        answered=1000,
        thumbs_up=3,
        thumbs_down=1,
        top_unanswered=[TopQuestion("ai lam app hien mau", 5, 1)],
    )
    vi = figures_text(figures, "vi")
    en = figures_text(figures, "en")
    assert "1.234 câu hỏi, 81% được trả lời ngay." in vi
    assert "• «ai lam app hien mau» — 5 lần" in vi and "👍 3 · 👎 1" in vi
    assert "1,234 questions asked, 81% answered outright." in en
    assert "• «ai lam app hien mau» — 5 times" in en
    empty = CurationFigures(dt.date(2026, 2, 24), dt.date(2026, 3, 2), 0, 0, 0, 0)
    assert figures_text(empty, "vi").endswith("Không có câu hỏi nào.")


def test_groups_count_distinct_askers_and_order_by_them() -> None:
    """Issue 12 #3: one account repeating a question does not outrank a question many ask."""
    spam = [Item(i, "mua ban gi re", "mua ban gi re", "refused", (), "x") for i in range(1, 9)]
    many = [
        Item(20 + i, "lich truc tet cua hoi", "lich truc tet cua hoi", "refused", (), f"a{i}")
        for i in range(3)
    ]
    groups = group_items(spam + many)
    assert [(g.normalized, g.askers, g.count) for g in groups] == [
        ("lich truc tet cua hoi", 3, 3),
        ("mua ban gi re", 1, 8),
    ]


async def test_unanswered_groups_are_grouped_off_the_event_loop(monkeypatch) -> None:
    """Issue 12 #3: grouping thousands of questions must not stall other users' answers."""
    import datetime as dt
    import threading

    from bot.curation import review

    threads: list[int] = []
    real = review.group_items

    def spy(items):
        threads.append(threading.get_ident())
        return real(items)

    async def no_items(session, since, until=None):
        return [item(1, "ai lam app hien mau")]

    monkeypatch.setattr(review, "group_items", spy)
    monkeypatch.setattr(review, "open_items", no_items)
    groups = await review.unanswered_groups(None, dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    assert [g.count for g in groups] == [1]
    assert threads and threads[0] != threading.get_ident()
