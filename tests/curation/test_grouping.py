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
