"""/capnhat (post progress: guided flow or one line), /tiendo (where tasks stand), /huy.

Guided flow, declared as a table of steps (``FORM``) run by the form engine
(``handlers/form.py``), each step cancellable (/huy or ✖): agency (only when the officer
belongs to several) → task (paged, only tasks the agency leads or coordinates) → status →
percent (optional) → note (optional, ≤ 500 characters) → confirm. The draft lives in
``user_data["capnhat"]`` and the state in the ConversationHandler, both kept by the
database persistence: a restarted bot picks up at the same step.

Buttons carry ``pg:<nonce>:<action>:<value>``; the nonce is drawn per flow, so an
old or forged button is refused, and every value is checked again against the
database at the moment of writing (membership, responsibility, author, 24 h).
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.access import AccessDenied, NotFound
from bot.access.texts import denied_text
from bot.context import BotApplication, CommandSpec
from bot.i18n import N_, format_number, t, tb
from bot.membership import agencies
from bot.progress import texts
from bot.progress.parse import (
    ParseError,
    check_note,
    parse_one_line,
    status_in_text,
)
from bot.progress.refs import resolve
from bot.progress.service import NOTE_MAX_CHARS, PROGRESS, SavedUpdate
from bot.progress.texts import STATUS_LABELS, parse_error_text
from bot.session import unit
from handlers.context import (
    Context,
    command_argument,
    edit_html,
    send_html,
    services,
    user_lang,
)
from handlers.form import Form, Step, Transition, Turn

DRAFT = "capnhat"
PAGE_SIZE = 6
AGENCY, TASK, STATUS, PERCENT, NOTE, CONFIRM = (
    "agency",
    "task",
    "status",
    "percent",
    "note",
    "confirm",
)
END = ConversationHandler.END  # the same as handlers.form.END

PERCENTS = (0, 25, 50, 75, 100)


def _agency_name(context: Context, agency_id: str) -> str:
    return agencies.agency_name(services(context).kb, agency_id)


def find_agency_ids(context: Context, text: str) -> list[str]:
    svc = services(context)
    return agencies.find_agency_ids(svc.kb, svc.engine, text)


# -- draft and buttons -------------------------------------------------------------------


def _draft(context: Context) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    return draft if isinstance(draft, dict) else {}


def _new_draft(context: Context, **values: Any) -> dict[str, Any]:
    draft: dict[str, Any] = {"nonce": secrets.token_hex(4), **values}
    if context.user_data is not None:
        context.user_data[DRAFT] = draft
    return draft


def _clear(context: Context) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def _button(
    draft: dict[str, Any], label: str, action: str, value: str | int = ""
) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"pg:{draft['nonce']}:{action}:{value}")


def _cancel_row(draft: dict[str, Any], lang: str) -> list[InlineKeyboardButton]:
    return [_button(draft, tb(lang, "✖ Cancel"), "x")]


def _pressed(update: Update, context: Context) -> tuple[str, str] | None:
    """(action, value) of a button of the current flow, or None (old or forged)."""
    query = update.callback_query
    data = query.data if query and isinstance(query.data, str) else ""
    parts = data.split(":", 3)
    draft = _draft(context)
    if len(parts) != 4 or parts[0] != "pg" or not draft or parts[1] != draft.get("nonce"):
        return None
    return parts[2], parts[3]


async def _show(
    update: Update,
    context: Context,
    text: str,
    rows: list[list[InlineKeyboardButton]],
    *,
    edit: bool,
) -> None:
    """A step's question: in place of the pressed message (``edit``), or as a new one."""
    show = edit_html if edit else send_html
    await show(update, context, text, InlineKeyboardMarkup(rows))


async def _answer(update: Update) -> None:
    """Stop the pressed button's spinner."""
    if update.callback_query is not None:
        await update.callback_query.answer()


async def _stale(update: Update, context: Context) -> None:
    lang = user_lang(context)
    query = update.callback_query
    if query is not None:
        await query.answer(tb(lang, "This button is no longer valid."))


# -- entry: /capnhat ----------------------------------------------------------------------


async def cmd_update(update: Update, context: Context) -> str | int:
    user = update.effective_user
    if user is None:
        return END
    arg = command_argument(update)
    if arg:
        return await _one_line(update, context, arg)
    return await _start_guided(update, context)


async def _start_guided(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    user = update.effective_user
    assert user is not None
    async with unit(context, update) as work:
        mine = await PROGRESS.agencies_of(work)
    if not mine:
        await send_html(update, context, texts.not_member_text(lang))
        _clear(context)
        return END
    if len(mine) == 1:
        draft = _new_draft(context, agency=mine[0], page=0)
        return await _show_tasks(update, context, draft, edit=False)
    draft = _new_draft(context, agencies=mine, page=0)
    rows = [[_button(draft, _agency_name(context, a)[:60], "a", i)] for i, a in enumerate(mine)]
    rows.append(_cancel_row(draft, lang))
    await send_html(
        update,
        context,
        t(lang, "For which of your agencies?"),
        InlineKeyboardMarkup(rows),
    )
    return AGENCY


async def on_agency(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] != "a" or not pressed[1].isdigit():
        return await _other_button(update, context, AGENCY)
    draft = _draft(context)
    agencies = draft.get("agencies") or []
    index = int(pressed[1])
    if index >= len(agencies):
        await _stale(update, context)
        return AGENCY
    await _answer(update)
    draft["agency"] = agencies[index]
    draft["page"] = 0
    return await _show_tasks(update, context, draft, edit=True)


async def _show_tasks(
    update: Update, context: Context, draft: dict[str, Any], *, edit: bool
) -> str | int:
    lang = user_lang(context)
    async with unit(context, update) as work:
        tasks = await PROGRESS.tasks_of(work, draft["agency"])
    if not tasks:
        await send_html(
            update,
            context,
            t(lang, "Your agency has no task to report on in the documents."),
        )
        _clear(context)
        return END
    draft["tasks"] = [c.task_id for c in tasks]
    pages = (len(tasks) + PAGE_SIZE - 1) // PAGE_SIZE
    page = max(0, min(int(draft.get("page", 0)), pages - 1))
    draft["page"] = page
    rows = []
    for i in range(page * PAGE_SIZE, min(len(tasks), (page + 1) * PAGE_SIZE)):
        task = tasks[i]
        rows.append([_button(draft, texts.candidate_label(task), "t", i)])
    nav = []
    if page > 0:
        nav.append(_button(draft, "◀", "p", page - 1))
    if page < pages - 1:
        nav.append(_button(draft, "▶", "p", page + 1))
    if nav:
        rows.append(nav)
    rows.append(_cancel_row(draft, lang))
    text = t(
        lang,
        "<b>{agency}</b>: which task? "
        "(page {page}/{pages}; you can also type its number, e.g. II.2)",
        agency=_agency_name(context, draft["agency"]),
        page=format_number(page + 1, lang),
        pages=format_number(pages, lang),
    )
    await _show(update, context, text, rows, edit=edit)
    return TASK


async def on_task_button(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] not in {"t", "p"} or not pressed[1].isdigit():
        return await _other_button(update, context, TASK)
    draft = _draft(context)
    await _answer(update)
    if pressed[0] == "p":
        draft["page"] = int(pressed[1])
        return await _show_tasks(update, context, draft, edit=True)
    tasks = draft.get("tasks") or []
    index = int(pressed[1])
    if index >= len(tasks):
        return TASK
    draft["task"] = tasks[index]
    return await _ask_status(update, context, draft, edit=True)


async def on_task_text(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    if await _lost(update, context):
        return END
    draft = _draft(context)
    text = (update.effective_message.text or "") if update.effective_message else ""
    async with unit(context, update) as work:
        tasks = await PROGRESS.tasks_of(work, draft.get("agency", ""))
    found = resolve(text[:200], tasks)
    if found.unique is not None:
        draft["task"] = found.unique.task_id
        return await _ask_status(update, context, draft, edit=False)
    options = found.matches or found.suggestions
    index = {c.task_id: i for i, c in enumerate(tasks)}
    draft["tasks"] = [c.task_id for c in tasks]
    rows = [[_button(draft, texts.candidate_label(c), "t", index[c.task_id])] for c in options]
    rows.append(_cancel_row(draft, lang))
    await send_html(
        update,
        context,
        t(
            lang,
            "I did not find task “{text}” among your agency's tasks. Did you mean:",
            text=text[:100],
        )
        if options
        else t(
            lang,
            "I did not find task “{text}” among your agency's tasks. Choose one above.",
            text=text[:100],
        ),
        InlineKeyboardMarkup(rows) if options else None,
    )
    return TASK


def _task_line(context: Context, task_id: str) -> str:
    return texts.task_line(services(context).kb, task_id)


async def _ask_status(
    update: Update,
    context: Context,
    draft: dict[str, Any],
    *,
    edit: bool,
    action: str = "s",
    hint: str = "",
) -> str:
    lang = user_lang(context)
    rows = [
        [_button(draft, texts.status_label(lang, s), action, s) for s in pair]
        for pair in (("not_started", "in_progress"), ("done", "blocked"))
    ]
    rows.append(_cancel_row(draft, lang))
    text = _task_line(context, draft["task"]) + "\n" + t(lang, "What is the status?")
    if hint:
        text += "\n" + hint
    await _show(update, context, text, rows, edit=edit)
    return STATUS


async def on_status(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    draft = _draft(context)
    if pressed is None or pressed[0] not in {"s", "r"} or pressed[1] not in STATUS_LABELS:
        return await _other_button(update, context, STATUS)
    if pressed[0] == "r" and not (draft.get("from_reminder") and draft.get("task")):
        return await _other_button(update, context, STATUS)
    await _answer(update)
    draft["status"] = pressed[1]
    return await _ask_percent(update, context, draft, edit=True)


async def on_status_text(update: Update, context: Context) -> str | int | None:
    """A status typed instead of pressed ("hoan thanh", "dang lam")."""
    text = (update.effective_message.text or "") if update.effective_message else ""
    status = status_in_text(text[:200])
    if status is None:
        return await on_unexpected_text(update, context)
    if await _lost(update, context):
        return END
    draft = _draft(context)
    draft["status"] = status.value
    return await _ask_percent(update, context, draft, edit=False)


async def _ask_percent(
    update: Update, context: Context, draft: dict[str, Any], *, edit: bool
) -> str:
    lang = user_lang(context)
    rows = [
        [_button(draft, f"{p}%", "n", p) for p in PERCENTS],
        [_button(draft, tb(lang, "Skip"), "n", "-")],
        _cancel_row(draft, lang),
    ]
    text = (
        _task_line(context, draft["task"])
        + "\n"
        + t(lang, "Percentage done? Choose, type a number (0–100), or skip.")
    )
    await _show(update, context, text, rows, edit=edit)
    return PERCENT


async def on_percent_button(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] != "n":
        return await _other_button(update, context, PERCENT)
    value = pressed[1]
    if value != "-" and not (value.isdigit() and 0 <= int(value) <= 100):
        await _stale(update, context)
        return PERCENT
    await _answer(update)
    draft = _draft(context)
    draft["percent"] = None if value == "-" else int(value)
    return await _ask_note(update, context, draft, edit=True)


_PERCENT_TEXT = re.compile(r"^\s*(\d{1,3})\s*%?\s*$")


async def on_percent_text(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    if await _lost(update, context):
        return END
    text = (update.effective_message.text or "") if update.effective_message else ""
    m = _PERCENT_TEXT.match(text)
    if m is None or int(m.group(1)) > 100:
        await send_html(
            update,
            context,
            t(lang, "Please type a number from 0 to 100, or press Skip."),
        )
        return PERCENT
    draft = _draft(context)
    draft["percent"] = int(m.group(1))
    return await _ask_note(update, context, draft, edit=False)


async def _ask_note(update: Update, context: Context, draft: dict[str, Any], *, edit: bool) -> str:
    lang = user_lang(context)
    rows = [[_button(draft, tb(lang, "No note"), "o", "-")], _cancel_row(draft, lang)]
    text = t(
        lang,
        "Add a short note (at most {limit} characters), or press “No note”.",
        limit=format_number(NOTE_MAX_CHARS, lang),
    )
    await _show(update, context, text, rows, edit=edit)
    return NOTE


async def on_note_text(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    if await _lost(update, context):
        return END
    text = (update.effective_message.text or "") if update.effective_message else ""
    try:
        note = check_note(text)
    except ParseError as exc:
        await send_html(update, context, parse_error_text(lang, exc.reason, exc.info))
        return NOTE
    draft = _draft(context)
    draft["note"] = note
    return await _ask_confirm(update, context, draft, edit=False)


async def on_note_button(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] != "o":
        return await _other_button(update, context, NOTE)
    await _answer(update)
    draft = _draft(context)
    draft["note"] = ""
    return await _ask_confirm(update, context, draft, edit=True)


async def _ask_confirm(
    update: Update, context: Context, draft: dict[str, Any], *, edit: bool
) -> str:
    lang = user_lang(context)
    rows = [
        [_button(draft, tb(lang, "✔ Save"), "c", "y"), _button(draft, tb(lang, "✖ Cancel"), "x")]
    ]
    text = texts.confirm_text(lang, services(context).kb, draft)
    await _show(update, context, text, rows, edit=edit)
    return CONFIRM


async def on_confirm(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    if pressed is None or pressed != ("c", "y"):
        return await _other_button(update, context, CONFIRM)
    query = update.callback_query
    assert query is not None
    await query.answer()
    lang = user_lang(context)
    draft = _draft(context)
    values = {
        "status": str(draft.get("status")),
        "percent": draft.get("percent"),
        "note": str(draft.get("note", "")),
    }
    try:
        async with unit(context, update, write=True) as work:
            if draft.get("correct"):
                row = await PROGRESS.correct(work, update_id=int(draft["correct"]), **values)
            else:
                row = await PROGRESS.record(
                    work,
                    agency_id=str(draft.get("agency")),
                    task_id=str(draft.get("task")),
                    **values,
                )
    except AccessDenied as exc:
        _clear(context)
        await edit_html(update, context, denied_text(lang, exc))
        return END
    except (ParseError, NotFound, ValueError, KeyError):
        _clear(context)
        await edit_html(
            update,
            context,
            t(lang, "This update could not be saved. Please start again with /capnhat."),
        )
        return END
    _clear(context)
    await edit_html(update, context, _saved_text(context, row), _fix_markup(lang, row.id))
    return END


def _saved_text(context: Context, row: SavedUpdate) -> str:
    return texts.saved_text(user_lang(context), services(context).kb, row)


def _fix_markup(lang: str, update_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tb(lang, "✏ Correct (within 24 hours)"), callback_data=f"pgfix:{update_id}"
                )
            ]
        ]
    )


async def on_cancel(update: Update, context: Context) -> int:
    lang = user_lang(context)
    _clear(context)
    text = t(lang, "Cancelled. Nothing was saved.")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await edit_html(update, context, text)
    else:
        await send_html(update, context, text)
    return END


async def on_cancel_button(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] != "x":
        return await _other_button(update, context, None)
    return await on_cancel(update, context)


async def _other_button(update: Update, context: Context, state: str | None) -> int | None:
    """A button that does not belong to this step (old, or forged): refuse, keep the step.

    With no draft at all (lost), the flow ends instead of waiting for a step that
    cannot be completed."""
    await _stale(update, context)
    if not _draft(context):
        return END
    return None  # the conversation stays where it is


async def _lost(update: Update, context: Context) -> bool:
    """True (and the user told to start again) when the flow's draft is missing."""
    draft = _draft(context)
    if draft.get("nonce") and (draft.get("agency") or draft.get("choices")):
        return False
    _clear(context)
    await send_html(
        update,
        context,
        t(user_lang(context), "This step has expired. Please start again with /capnhat."),
    )
    return True


async def on_unexpected_text(update: Update, context: Context) -> int | None:
    lang = user_lang(context)
    if await _lost(update, context):
        return END
    await send_html(
        update,
        context,
        t(lang, "Please use the buttons above, or send /huy to cancel."),
    )
    return None


# -- correction: the ✏ button under a saved update --------------------------------------


async def on_fix_button(update: Update, context: Context) -> str | int:
    query = update.callback_query
    lang = user_lang(context)
    user = update.effective_user
    data = query.data if query and isinstance(query.data, str) else ""
    m = re.fullmatch(r"pgfix:(\d{1,18})", data)
    if query is None or user is None or m is None:
        if query is not None:
            await query.answer(tb(lang, "This button is no longer valid."))
        return END
    await query.answer()
    try:
        async with unit(context, update) as work:
            row = await PROGRESS.open_correction(work, int(m.group(1)))
    except NotFound:
        await send_html(update, context, t(lang, "This button is no longer valid."))
        return END
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return END
    draft = _new_draft(context, agency=row.agency_id, task=row.task_id, correct=row.id)
    return await _ask_status(update, context, draft, edit=False)


# -- entry from a reminder's "Cập nhật tiến độ" button (handlers/reminders.py) ---------------


async def start_update_for_task(update: Update, context: Context, task_id: str) -> None:
    """Open the guided flow at the status step for ``task_id`` (the reminder area has
    already checked that the reminder was sent to this user). The status buttons of
    this message are an entry point of the conversation."""
    lang = user_lang(context)
    user = update.effective_user
    if user is None:
        return
    try:
        async with unit(context, update) as work:
            entry = await PROGRESS.reminder_entry(work, task_id)
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return
    draft = _new_draft(context, agency=entry.agency_id, task=task_id, from_reminder=True)
    hint = t(
        lang, "Or in one line: <code>/capnhat {code} 60% what was done</code>", code=entry.code
    )
    await _ask_status(update, context, draft, edit=False, action="r", hint=hint)


# -- the one-line form ----------------------------------------------------------------------


async def _one_line(update: Update, context: Context, text: str) -> str | int:
    lang = user_lang(context)
    try:
        async with unit(context, update, write=True) as work:
            outcome = await PROGRESS.post_one_line(work, text)
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return END
    if outcome.kind == "invalid":
        await send_html(update, context, parse_error_text(lang, outcome.reason, outcome.info))
        return END
    if outcome.kind == "no_agency":
        await send_html(update, context, texts.not_member_text(lang))
        return END
    if outcome.kind == "saved" and outcome.update is not None:
        saved = outcome.update
        await send_html(update, context, _saved_text(context, saved), _fix_markup(lang, saved.id))
        return END
    # Suggestions: keep what was typed (status, percent, note), ask which task it was.
    parsed = parse_one_line(text)
    options = list(outcome.suggestions)
    draft = _new_draft(
        context,
        status=parsed.status.value,
        percent=parsed.percent,
        note=parsed.note,
        choices=[[c.agency_id, c.task_id] for c in options],
    )
    rows = [[_button(draft, texts.candidate_label(c), "g", i)] for i, c in enumerate(options)]
    rows.append(_cancel_row(draft, lang))
    if options:
        message = t(
            lang,
            "I did not find task “{typed}” among your agency's tasks. Did you mean one of these? "
            "Your update is kept.",
            typed=outcome.typed[:100],
        )
    else:
        message = t(
            lang,
            "I did not find task “{typed}” among your agency's tasks. Send /capnhat without "
            "anything else to choose from the list.",
            typed=outcome.typed[:100],
        )
        _clear(context)
        await send_html(update, context, message)
        return END
    await send_html(update, context, message, InlineKeyboardMarkup(rows))
    return CONFIRM


async def on_suggestion(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    draft = _draft(context)
    choices = draft.get("choices") or []
    if pressed is None or pressed[0] != "g" or not pressed[1].isdigit():
        return await _other_button(update, context, CONFIRM)
    index = int(pressed[1])
    if index >= len(choices):
        await _stale(update, context)
        return CONFIRM
    await _answer(update)
    draft["agency"], draft["task"] = choices[index]
    return await _ask_confirm(update, context, draft, edit=True)


# -- /tiendo --------------------------------------------------------------------------------


async def _entitled(update: Update, context: Context, user_id: int) -> bool:
    if services(context).settings.is_admin(user_id):
        return True
    async with unit(context, update) as work:
        return await PROGRESS.may_view(work)


async def show_progress(
    update: Update, context: Context, text: str, *, question: str | None = None
) -> None:
    """/tiendo. With ``question`` (plain text that starts like "tiến độ …"), whatever is
    not a progress lookup for this user goes to the question answering instead."""
    lang = user_lang(context)
    user = update.effective_user
    if user is None:
        return
    entitled = await _entitled(update, context, user.id)
    if question is not None and (not entitled or not await _names_something(context, text)):
        from handlers import qa

        await qa.answer_question(update, context, question)
        return
    if not entitled:
        await send_html(
            update,
            context,
            t(
                lang,
                "Progress is visible to officers of assigned agencies and coordinators. "
                "Ask your coordinator for a join code (/thamgia).",
            ),
        )
        return
    svc = services(context)
    today = svc.clock.now().astimezone(svc.settings.tz).date()
    query = text.strip()[:200]
    kb, tz = svc.kb, svc.settings.timezone
    found = resolve(query, texts.all_tasks(kb)) if query else None
    agencies = find_agency_ids(context, query) if found and not found.matches else []
    admin = svc.settings.is_admin(user.id)
    async with unit(context, update) as work:
        if found is None:
            mine = await PROGRESS.my_progress(work, today)
            blocks = [texts.agency_block(lang, tz, kb, a, rows) for a, rows in mine]
        elif found.matches:
            blocks = [
                texts.task_block(
                    lang,
                    tz,
                    kb,
                    c.task_id,
                    await PROGRESS.task_progress(work, c.task_id, today, admin=admin),
                )
                for c in found.matches[:3]
            ]
        elif agencies:
            rows = await PROGRESS.agency_progress(work, agencies[0], today, admin=admin)
            blocks = [texts.agency_block(lang, tz, kb, agencies[0], rows)]
        else:
            blocks = []
    if blocks:
        await send_html(update, context, "\n\n".join(blocks))
        return
    if found is None:  # an officer of no agency (a coordinator) asked for "mine"
        await send_html(
            update, context, t(lang, "Usage: /tiendo &lt;task or agency&gt;, e.g. /tiendo II.2")
        )
        return
    options = found.suggestions[:4]
    if options:
        buttons = [
            [InlineKeyboardButton(texts.candidate_label(c), callback_data=f"pgs:{c.task_id}")]
            for c in options
        ]
        await send_html(
            update,
            context,
            t(lang, "I did not find “{text}”. Did you mean:", text=query),
            InlineKeyboardMarkup(buttons),
        )
        return
    await send_html(
        update,
        context,
        t(
            lang,
            "I did not find a task or agency “{text}”. "
            "Try a task number such as II.2 or an agency name.",
            text=query,
        ),
    )


async def _names_something(context: Context, text: str) -> bool:
    """Empty (the user's own agencies), an exact task reference, or an agency."""
    query = text.strip()[:200]
    if not query:
        return True
    if resolve(query, texts.all_tasks(services(context).kb)).matches:
        return True
    return bool(find_agency_ids(context, query))


async def cmd_progress(update: Update, context: Context) -> None:
    await show_progress(update, context, command_argument(update))


_ASKED = re.compile(
    r"^\s*(?:cho\s+(?:tôi|toi)\s+(?:biết|biet)\s+)?(?:ti[eếệ]n\s+[dđ][oộô]|progress)"
    r"(?:\s+(?:của|cua|of))?(?:\s+(?:nhiệm\s+vụ|nhiem\s+vu|nv|task|cơ\s+quan|co\s+quan))?"
    r"\s*(?P<what>.*?)\s*[?？.!]*\s*$",
    re.IGNORECASE | re.DOTALL,
)


_ASKED_START = re.compile(
    r"^\s*(?:cho\s+(?:tôi|toi)\s+(?:biết|biet)\s+)?(?:ti[eếệ]n\s+[dđ][oộô]|progress)\b",
    re.IGNORECASE,
)


async def on_progress_question(update: Update, context: Context) -> None:
    """Plain text such as “tiến độ nhiệm vụ II.2?” → /tiendo II.2."""
    text = (update.effective_message.text or "") if update.effective_message else ""
    m = _ASKED.match(text[:300])
    await show_progress(update, context, m.group("what") if m else "", question=text)


async def on_progress_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    task_id = (query.data or "")[4:]
    if task_id not in services(context).kb.tasks:
        await query.answer(tb(user_lang(context), "This button is no longer valid."))
        return
    await query.answer()
    await show_progress(update, context, task_id)


async def on_finished_flow_button(update: Update, context: Context) -> None:
    query = update.callback_query
    lang = user_lang(context)
    text = t(lang, "This button is no longer valid. Start again with /capnhat.")
    if query is not None:
        with contextlib.suppress(TelegramError):
            await query.answer(tb(lang, "This button is no longer valid."))
    await send_html(update, context, text)


# -- wiring -------------------------------------------------------------------------------------


def _step(
    name: str,
    on_button: Callable[[Update, Context], Awaitable[Transition | None]],
    on_text: Callable[[Update, Context], Awaitable[Transition | None]] | None = None,
) -> Step:
    """A row of the form: what a press and what typed text does at step ``name`` (a
    handler returning ``None`` keeps the step open). Buttons are checked by the
    handlers themselves (nonce, action), the draft too (``_lost``)."""

    def stay_on(
        handler: Callable[[Update, Context], Awaitable[Transition | None]],
    ) -> Callable[[Turn, Any], Awaitable[Transition]]:
        async def run(turn: Turn, _input: Any) -> Transition:
            target = await handler(turn.update, turn.context)
            return name if target is None else target

        return run

    return Step(
        name,
        buttons=BUTTON,
        on_button=stay_on(on_button),
        on_text=stay_on(on_text) if on_text is not None else None,
        guarded=False,
    )


async def on_confirm_button(update: Update, context: Context) -> str | int | None:
    """At the last step: a suggested task (the one-line form) or ✔ Save."""
    pressed = _pressed(update, context)
    if pressed is not None and pressed[0] == "g":
        return await on_suggestion(update, context)
    return await on_confirm(update, context)


#: Every button of the flow reads ``pg:<nonce>:<action>:<value>``; each step checks the
#: nonce and the action itself, so an old or forged button is refused with a word.
BUTTON = r"^pg:"

#: /capnhat, declared: one row per step (what a press does, what typed text does).
FORM = Form(
    name="capnhat",
    draft_key=DRAFT,
    prefix="pg",
    cancel_text=N_("Cancelled. Nothing was saved."),
    use_buttons_text=N_("Please use the buttons above, or send /huy to cancel."),
    steps=[
        _step(AGENCY, on_agency),
        _step(TASK, on_task_button, on_task_text),
        _step(STATUS, on_status, on_status_text),
        _step(PERCENT, on_percent_button, on_percent_text),
        _step(NOTE, on_note_button, on_note_text),
        _step(CONFIRM, on_confirm_button, on_unexpected_text),
    ],
)


def conversation(persistent: bool) -> ConversationHandler[Any]:
    cancel = r"^pg:[0-9a-f]+:x:"  # the flow's ✖ (its nonce is checked by on_cancel_button)
    return FORM.handler(
        [
            CommandHandler(["capnhat", "update"], cmd_update),
            CallbackQueryHandler(on_fix_button, pattern=r"^pgfix:"),
            # the status buttons of a flow opened from a reminder, and its ✖
            CallbackQueryHandler(on_status, pattern=r"^pg:[0-9a-f]+:r:"),
            CallbackQueryHandler(on_cancel_button, pattern=cancel),
        ],
        persistent=persistent,
        extra={
            step.name: [CallbackQueryHandler(on_cancel_button, pattern=cancel)]
            for step in FORM.steps
        },
    )


COMMANDS = [
    CommandSpec("capnhat", N_("Post a progress update for your agency")),
    CommandSpec("tiendo", N_("Progress of a task or an agency")),
    CommandSpec("huy", N_("Cancel what you are doing")),
]


def register(application: BotApplication) -> None:
    application.services.progress_entry = start_update_for_task
    persistent = application.persistence is not None
    application.add_handler(conversation(persistent))
    application.add_handler(CommandHandler(["tiendo", "progress"], cmd_progress))
    # A /huy with nothing open is answered by the core catch-all (handlers/common.py), after
    # every area's flows had their chance: registered here it would hide theirs.
    application.add_handler(CallbackQueryHandler(on_progress_button, pattern=r"^pgs:"))
    # a button of a finished or cancelled /capnhat (the flow no longer claims it)
    application.add_handler(CallbackQueryHandler(on_finished_flow_button, pattern=r"^pg:"))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & filters.TEXT
            & ~filters.COMMAND
            & filters.Regex(_ASKED_START),
            on_progress_question,
        )
    )
    application.services.commands.extend(COMMANDS)
