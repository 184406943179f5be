"""Questions: /hoi <question>, any plain text, "did you mean" and follow-up buttons."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import callbacks as cb
from bot.i18n import N_, normalize_lang, t, tb
from bot.progress.notes import listed_task_notes
from handlers import curation
from handlers.context import (
    Context,
    command_argument,
    edit_html,
    invalid_button,
    send_html,
)
from handlers.render import render_answer, shorten
from knowledge.normalize import clean_input
from knowledge.when import ZONE

if TYPE_CHECKING:
    from knowledge.answer import Answer

log = logging.getLogger(__name__)

MAX_QUESTION = 1000  # longer text is not a question; the rest is ignored
MAX_SUGGESTIONS = 6

# Follow-up buttons under an answer about one task, in display order.
FOLLOW_UPS: list[tuple[str, str]] = [
    ("lead", N_("Lead agency")),
    ("coordinate", N_("Coordinating agencies")),
    ("deadline", N_("Deadline")),
    ("output", N_("Output")),
    ("summary", N_("Source & full text")),
]
ANSWER_LANG_KEY = "answer_lang"
# The chat's last list answer (knowledge.listing.Listing.to_state()), for its page buttons.
LIST_KEY = "qa_list"
# What a follow-up ("còn phối hợp?", "thế còn Sở Y tế?") may refer to: Engine.remember() of
# the chat's last answer and when it was given; kept in chat_data (persisted) for a while.
LAST_KEY = "qa_last"
FOLLOW_UP_FOR = dt.timedelta(minutes=30)
TASK_INTENTS = frozenset(intent for intent, _ in FOLLOW_UPS)


def follow_up_rows(task_id: str, current: str, lang: str) -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(tb(lang, label), callback_data=cb.task_data(task_id, intent))
        for intent, label in FOLLOW_UPS
        if intent != current
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def suggestion_rows(answer: Answer) -> list[list[InlineKeyboardButton]]:
    """One button per "did you mean" candidate, asking the same thing about it."""
    intent = answer.intent if answer.intent in TASK_INTENTS else "summary"
    rows = []
    for s in answer.suggestions[:MAX_SUGGESTIONS]:
        if s.task:
            data = cb.task_data(s.task, intent)
        elif s.agency:
            data = cb.agency_data(s.agency)
        else:
            continue
        rows.append([InlineKeyboardButton(shorten(s.label), callback_data=data)])
    return rows


def page_row(page: int, pages: int, lang: str) -> list[InlineKeyboardButton]:
    """The page buttons under a list longer than one page."""
    row = []
    if page > 0:
        row.append(
            InlineKeyboardButton(tb(lang, "« Previous"), callback_data=cb.page_data(page - 1))
        )
    if page < pages - 1:
        row.append(InlineKeyboardButton(tb(lang, "Next »"), callback_data=cb.page_data(page + 1)))
    return row


def answer_keyboard(answer: Answer, lang: str) -> InlineKeyboardMarkup | None:
    """Page buttons of a long list; follow-ups about the task answered (coordinators,
    deadline, output, source), then the "did you mean" candidates."""
    rows = []
    if answer.listing is not None and answer.listing.pages > 1:
        rows.append(page_row(answer.listing.page, answer.listing.pages, lang))
    if not answer.refused and answer.tasks and answer.intent in TASK_INTENTS:
        rows += follow_up_rows(answer.tasks[0], answer.intent, lang)
    rows += suggestion_rows(answer)
    return InlineKeyboardMarkup(rows) if rows else None


def remember_answer_lang(context: Context, lang: str) -> None:
    """Follow-up buttons answer in the language of the answer they sit under."""
    if context.user_data is not None:
        context.user_data[ANSWER_LANG_KEY] = lang


def answer_lang(context: Context) -> str:
    data = context.user_data or {}
    return normalize_lang(data.get(ANSWER_LANG_KEY)) or context.lang


async def progress_notes(
    update: Update, context: Context, task_ids: tuple[str, ...], lang: str
) -> dict[str, str]:
    """Where each listed task stands (bot/progress/notes.py), in a private chat only: a
    group chat is not private."""
    svc = context.services
    chat, user = update.effective_chat, update.effective_user
    if not task_ids or svc.db is None or chat is None or chat.type != "private" or user is None:
        return {}
    today = svc.clock.now().astimezone(ZONE).date()
    return await listed_task_notes(svc.db, svc.settings, user.id, task_ids, today, lang)


def last_answer(context: Context, now: dt.datetime) -> object:
    """The chat's last answer, for a follow-up, if it is recent enough."""
    kept = (context.chat_data or {}).get(LAST_KEY)
    if not isinstance(kept, dict):
        return None
    try:
        at = dt.datetime.fromisoformat(str(kept.get("at")))
    except ValueError:
        return None
    return kept.get("ctx") if dt.timedelta(0) <= now - at <= FOLLOW_UP_FOR else None


def keep_last_answer(context: Context, now: dt.datetime, kept: object) -> None:
    if context.chat_data is not None and kept is not None:
        context.chat_data[LAST_KEY] = {"at": now.isoformat(), "ctx": kept}


async def reply_answer(
    update: Update,
    context: Context,
    answer: Answer,
    extra_row: list[InlineKeyboardButton] | None = None,
) -> None:
    lang = answer.lang
    markup = curation.with_row(answer_keyboard(answer, lang), extra_row)  # 👍/👎 row, if any
    await send_html(update, context, render_answer(answer, lang), markup)


async def answer_question(update: Update, context: Context, text: str) -> None:
    """Answer ``text`` in the user's chosen language, or in the question's own."""
    question = clean_input(text, limit=MAX_QUESTION)
    if not question:
        await send_html(
            update,
            context,
            t(
                context.lang,
                "I could not find a question in your message. Please type it in words, "
                "for example: <i>Who leads the review of the Law on Red Cross activities?</i>",
            ),
        )
        return
    svc = context.services
    engine, now = svc.engine, svc.clock.now()
    previous = last_answer(context, now)
    answer = engine.answer(
        question, lang=context.chosen_lang, today=now.astimezone(ZONE).date(), previous=previous
    )
    svc.metrics.count_answer(answer.refused, bool(answer.suggestions))
    keep_last_answer(context, now, engine.remember(question, answer, previous))
    if answer.listing is not None:
        notes = await progress_notes(update, context, answer.listing.page_ids(), answer.lang)
        if notes:
            answer = engine.page(answer, answer.listing.page, notes)
    remember_answer_lang(context, answer.lang)
    if answer.listing is not None and answer.listing.pages > 1 and context.chat_data is not None:
        context.chat_data[LIST_KEY] = answer.listing.to_state()
    if answer.refused:
        log.info("unanswered question (%d chars, lang %s)", len(question), answer.lang)
    # Curation: count the question, log it if unanswered, get the 👍/👎 row for the answer.
    rating = await curation.record_answer(update, context, question, answer)
    await reply_answer(update, context, answer, rating)


async def cmd_ask(update: Update, context: Context) -> None:
    """/hoi <question>; a bare /hoi asks for the question."""
    text = command_argument(update)
    if not clean_input(text):
        await prompt_question(update, context)
        return
    await answer_question(update, context, text)


async def prompt_question(update: Update, context: Context) -> None:
    await send_html(
        update,
        context,
        t(
            context.lang,
            "What would you like to know? Type your question after /hoi or simply as a "
            "message, for example:\n"
            "• <i>Who leads the review of the Law on Red Cross activities?</i>\n"
            "• <i>What must the Ministry of Home Affairs do?</i>\n"
            "• <i>When is the review of Conclusion 44 due?</i>",
        ),
    )


async def on_task_button(update: Update, context: Context) -> None:
    """``t:<task>:<intent>``: a "did you mean" choice or a follow-up; answered as a new message."""
    query = update.callback_query
    parsed = cb.parse(query.data if query else None)
    svc = context.services
    task_id = svc.resolver.task(parsed.args[0]) if parsed and parsed.kind == "task" else None
    if parsed is None or task_id is None:
        await invalid_button(update, context)
        return
    if query is not None:
        await query.answer()
    lang = context.chosen_lang or answer_lang(context)
    intent = cb.INTENT_OF_CODE[parsed.args[1]]
    answer = svc.engine.answer_task(task_id, intent, lang)
    await reply_answer(update, context, answer)


async def on_page_button(update: Update, context: Context) -> None:
    """``p:<page>``: another page of the chat's last list answer, edited in place."""
    query = update.callback_query
    parsed = cb.parse(query.data if query else None)
    state = (context.chat_data or {}).get(LIST_KEY)
    answer = (
        context.services.engine.listing_page(state, int(parsed.args[0]))
        if parsed is not None and parsed.kind == "page"
        else None
    )
    if answer is None or answer.listing is None:
        await invalid_button(update, context)
        return
    if query is not None:
        await query.answer()
    listing = answer.listing
    notes = await progress_notes(update, context, listing.page_ids(), answer.lang)
    if notes:
        answer = context.services.engine.page(answer, listing.page, notes)
    shown = answer.listing or listing
    row = page_row(shown.page, shown.pages, answer.lang)
    await edit_html(
        update, context, render_answer(answer, answer.lang), InlineKeyboardMarkup([row])
    )
