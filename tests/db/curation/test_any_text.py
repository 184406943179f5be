"""Any text a person can type is logged safely: no crash, within the column's limits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.curation.grouping import Item, group_items
from bot.curation.questions import normalize_question, store_question
from bot.db.engine import read_session, write_session
from bot.db.models_curation import QUESTION_MAX_CHARS, QuestionKind, UnansweredQuestion

NASTY = [
    "x" * 4096,
    "ai\x00 lam\x07 app\u200b hien\ufeff mau",
    "👍🏽👨‍👩‍👧 ai lam app hien mau 🇻🇳",
    "\ud800 lone surrogate",
    "Ｆｕｌｌｗｉｄｔｈ ＡＩ làm gì",
    "ع" * 10 + " mixed RTL",
    "\n\t\r",
]


@given(st.lists(st.text(max_size=300), max_size=30))
@settings(max_examples=80, deadline=None)
def test_normalising_and_grouping_never_fail(texts: list[str]) -> None:
    items = [Item(i, t, normalize_question(t), "refused") for i, t in enumerate(texts)]
    for item in items:
        assert len(item.normalized) <= QUESTION_MAX_CHARS
        assert "\x00" not in item.normalized
    groups = group_items(items)
    assert sum(g.count for g in groups) == sum(1 for i in items if i.normalized)


@pytest.mark.parametrize("text", NASTY)
async def test_nasty_text_is_stored_or_skipped_never_an_error(session_factory, clock, text) -> None:
    async with write_session(session_factory) as session:
        qid = await store_question(
            session,
            at=clock.now(),
            pseudonym="p",
            text=text,
            lang="vi",
            kind=QuestionKind.refused,
            confidence=0.0,
            candidates=[],
        )
    async with read_session(session_factory) as session:
        rows = (await session.scalars(select(UnansweredQuestion))).all()
    if not normalize_question(text):
        assert qid is None and rows == []
        return
    (row,) = rows
    assert row.id == qid
    assert len(row.text) <= QUESTION_MAX_CHARS and "\x00" not in row.text
