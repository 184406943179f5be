"""/vanban: documents → sections → tasks → task card, one message edited in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import callbacks as cb
from bot.i18n import N_, format_date, t, tb
from handlers.context import Context, edit_html, send_html
from handlers.render import escape, render_answer, shorten

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase, Section
    from knowledge.model import Document

PAGE_SIZE = 8

LEVELS: dict[str, str] = {
    "party_central": N_("Party Central"),
    "government": N_("Government"),
    "central": N_("Central level"),
    "province": N_("Province"),
    "city": N_("City"),
    "district": N_("District"),
    "any": N_("All levels"),
}


def level_label(level: str, lang: str) -> str:
    return tb(lang, LEVELS.get(level, level))


def doc_name(doc: Document) -> str:
    return f"{doc.label} ({doc.place})" if doc.place and doc.place not in doc.label else doc.label


def _pages(count: int) -> int:
    return max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE)


def _nav_row(
    lang: str,
    page: int,
    pages: int,
    data_for: Callable[[int], str],
) -> list[InlineKeyboardButton]:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(tb(lang, "« Previous"), callback_data=data_for(page - 1)))
    if page < pages - 1:
        row.append(InlineKeyboardButton(tb(lang, "Next »"), callback_data=data_for(page + 1)))
    return row


# -- views: (html, keyboard) ---------------------------------------------------------


def documents_view(kb: KnowledgeBase, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    counts = kb.counts()
    lines = [
        t(lang, "<b>Documents</b>"),
        t(lang, "Choose a document to see its sections and tasks:"),
    ]
    rows = []
    for doc in kb.documents.values():
        n = counts.get(doc.id, 0)
        label = f"{shorten(doc_name(doc), 52)} · {n}"
        rows.append([InlineKeyboardButton(label, callback_data=cb.sections_data(doc.id))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _doc_header(doc: Document, lang: str) -> list[str]:
    meta = [escape(doc.issuer), escape(level_label(doc.level, lang))]
    if doc.date:
        meta.append(escape(format_date(doc.date, lang)))
    return [
        f"<b>{escape(doc_name(doc))}</b>",
        " · ".join(meta),
        f"<i>{escape(shorten(doc.title, 300))}</i>",
    ]


def sections_view(
    kb: KnowledgeBase, doc_id: str, page: int, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    doc = kb.documents[doc_id]
    sections = kb.sections(doc_id)
    pages = _pages(len(sections))
    page = min(max(page, 0), pages - 1)
    lines = _doc_header(doc, lang)
    lines.append("")
    if sections:
        lines.append(t(lang, "Choose a section:"))
        if pages > 1:
            lines.append(t(lang, "Page {page} of {pages}", page=page + 1, pages=pages))
    else:
        lines.append(t(lang, "This document has no tasks in the knowledge base."))
    rows = []
    start = page * PAGE_SIZE
    for index, sec in enumerate(sections[start : start + PAGE_SIZE], start=start):
        label = f"{sec.code}. {sec.title}" if sec.title else sec.code
        label = f"{shorten(label, 52)} · {len(sec.tasks)}"
        rows.append([InlineKeyboardButton(label, callback_data=cb.tasks_data(doc_id, index))])
    nav = _nav_row(lang, page, pages, lambda p: cb.sections_data(doc_id, p))
    if nav:
        rows.append(nav)
    rows.append([InlineKeyboardButton(tb(lang, "↩ Back"), callback_data=cb.docs_data())])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def tasks_view(
    kb: KnowledgeBase, doc_id: str, section_index: int, page: int, lang: str
) -> tuple[str, InlineKeyboardMarkup] | None:
    doc = kb.documents[doc_id]
    sections = kb.sections(doc_id)
    if not 0 <= section_index < len(sections):
        return None
    sec: Section = sections[section_index]
    pages = _pages(len(sec.tasks))
    page = min(max(page, 0), pages - 1)
    title = f"{sec.code}. {sec.title}" if sec.title else sec.code
    lines = [f"<b>{escape(doc_name(doc))}</b>", f"<b>{escape(shorten(title, 300))}</b>", ""]
    lines.append(t(lang, "Choose a task:"))
    if pages > 1:
        lines.append(t(lang, "Page {page} of {pages}", page=page + 1, pages=pages))
    rows = []
    start = page * PAGE_SIZE
    for task in sec.tasks[start : start + PAGE_SIZE]:
        rows.append(
            [InlineKeyboardButton(shorten(task.title), callback_data=cb.card_data(task.id))]
        )
    nav = _nav_row(lang, page, pages, lambda p: cb.tasks_data(doc_id, section_index, p))
    if nav:
        rows.append(nav)
    back = cb.sections_data(doc_id, section_index // PAGE_SIZE)
    rows.append([InlineKeyboardButton(tb(lang, "↩ Back"), callback_data=back)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def locate(kb: KnowledgeBase, task_id: str) -> tuple[int, int]:
    """(section index, page) of a task inside its document."""
    task = kb.tasks[task_id]
    for index, sec in enumerate(kb.sections(task.document)):
        for pos, item in enumerate(sec.tasks):
            if item.id == task_id:
                return index, pos // PAGE_SIZE
    return 0, 0


def card_keyboard(kb: KnowledgeBase, task_id: str, lang: str) -> InlineKeyboardMarkup:
    doc_id = kb.tasks[task_id].document
    index, page = locate(kb, task_id)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tb(lang, "↩ Back"), callback_data=cb.tasks_data(doc_id, index, page)
                ),
                InlineKeyboardButton(tb(lang, "Documents"), callback_data=cb.docs_data()),
            ]
        ]
    )


# -- handlers ---------------------------------------------------------------------------


async def cmd_browse(update: Update, context: Context) -> None:
    """/vanban: the list of documents."""
    text, keyboard = documents_view(context.services.kb, context.lang)
    await send_html(update, context, text, keyboard)


async def on_browse_button(update: Update, context: Context) -> None:
    """``b:…`` buttons: move through the documents, editing the message in place."""
    from handlers.context import invalid_button

    query = update.callback_query
    parsed = cb.parse(query.data if query else None)
    svc = context.services
    kb, lang = svc.kb, context.lang
    view: tuple[str, InlineKeyboardMarkup] | None = None
    if parsed is None:
        view = None
    elif parsed.kind == "docs":
        view = documents_view(kb, lang)
    elif parsed.kind == "sections":
        doc_id = svc.resolver.document(parsed.args[0])
        view = sections_view(kb, doc_id, int(parsed.args[1]), lang) if doc_id else None
    elif parsed.kind == "tasks":
        doc_id = svc.resolver.document(parsed.args[0])
        if doc_id:
            view = tasks_view(kb, doc_id, int(parsed.args[1]), int(parsed.args[2]), lang)
    elif parsed.kind == "card":
        task_id = svc.resolver.task(parsed.args[0])
        if task_id:
            answer = svc.engine.answer_task(task_id, "summary", lang)
            view = render_answer(answer, lang), card_keyboard(kb, task_id, lang)
    if view is None:
        await invalid_button(update, context)
        return
    if query is not None:
        await query.answer()
    await edit_html(update, context, *view)
