"""/capnhat (post progress: guided flow or one line), /tiendo (where tasks stand), /huy.

Guided flow, one handler per state, each step editable and cancellable (/huy or ✖):
agency (only when the officer belongs to several) → task (paged, only tasks the
agency leads or coordinates) → status → percent (optional) → note (optional, ≤ 500
characters) → confirm. The draft lives in ``user_data["capnhat"]`` and the state in
the ConversationHandler, both kept by the database persistence: a restarted bot
picks up at the same step.

Buttons carry ``pg:<nonce>:<action>:<value>``; the nonce is drawn per flow, so an
old or forged button is refused, and every value is checked again against the
database at the moment of writing (membership, responsibility, author, 24 h).
"""

from __future__ import annotations

import contextlib
import html
import re
import secrets
import warnings
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.access import AccessDenied, NotFound, is_coordinator, member_agencies
from bot.access.texts import denied_text
from bot.db.models import NOTE_MAX_CHARS, ProgressUpdate, Status
from bot.i18n import N_, format_date, format_datetime, format_number, t, tb
from bot.membership import agencies
from bot.progress.parse import ParseError, check_note, status_in_text
from bot.progress.refs import Candidate, resolve, short_code
from bot.progress.service import (
    agency_tasks,
    correct_update,
    post_one_line,
    record_update,
)
from bot.progress.status import AgencyProgress, agency_progress, task_progress
from bot.session import unit
from handlers.context import (
    BotApplication,
    CommandSpec,
    Context,
    command_argument,
    edit_html,
    send_html,
    services,
    user_lang,
)

# -- shared lookups (were imported from handlers.membership; their rules live in bot/) --


def agency_name(context: Context, agency_id: str) -> str:
    return agencies.agency_name(services(context).kb, agency_id)


def find_agency_ids(context: Context, text: str) -> list[str]:
    svc = services(context)
    return agencies.find_agency_ids(svc.kb, svc.engine, text)


@contextlib.asynccontextmanager
async def writing(update: Update, context: Context) -> AsyncIterator[AsyncSession]:
    """One write transaction, with the acting user's row ensured first."""
    async with unit(context, update, write=True) as work:
        yield work.session


@contextlib.asynccontextmanager
async def reading(context: Context) -> AsyncIterator[AsyncSession]:
    async with unit(context) as work:
        yield work.session


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
END = ConversationHandler.END

STATUS_LABELS = {
    Status.not_started.value: N_("Not started"),
    Status.in_progress.value: N_("In progress"),
    Status.done.value: N_("Done"),
    Status.blocked.value: N_("Blocked"),
}
STATUS_ICONS = {"not_started": "⚪", "in_progress": "🔵", "done": "✅", "blocked": "🟠"}
PERCENTS = (0, 25, 50, 75, 100)
PARSE_ERRORS = {
    "empty": N_(
        "Please write the task and the update, for example: /capnhat II.2 60% sent the draft"
    ),
    "percent_range": N_("The percentage must be between 0 and 100."),
    "too_long": N_("This message is too long. Please keep the note under 500 characters."),
    "bad_status": N_("Please choose a status with the buttons."),
}


# An agency's part in a task, as its document prints it (knowledge/model.py TaskRole).
_ROLE_WORDS = {
    "lead": N_("lead"),
    "coordinate": N_("coordinating"),
    "participate": N_("taking part"),
    "addressee": N_("addressee, no lead printed"),
}


def _note_too_long(lang: str, info: dict[str, int] | None) -> str:
    length = (info or {}).get("length", 0)
    return t(
        lang,
        "The note has {length} characters; the limit is {limit}. "
        "Please shorten it and send it again.",
        length=format_number(length, lang),
        limit=format_number(NOTE_MAX_CHARS, lang),
    )


def parse_error_text(lang: str, reason: str, info: dict[str, int] | None = None) -> str:
    if reason == "note_too_long":
        return _note_too_long(lang, info)
    return t(lang, PARSE_ERRORS.get(reason, PARSE_ERRORS["empty"]))


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
    async with reading(context) as session:
        mine = await member_agencies(session, user.id)
    if not mine:
        await send_html(update, context, _not_member_text(lang))
        _clear(context)
        return END
    if len(mine) == 1:
        draft = _new_draft(context, agency=mine[0], page=0)
        return await _show_tasks(update, context, draft, edit=False)
    draft = _new_draft(context, agencies=mine, page=0)
    rows = [[_button(draft, agency_name(context, a)[:60], "a", i)] for i, a in enumerate(mine)]
    rows.append(_cancel_row(draft, lang))
    await send_html(
        update,
        context,
        t(lang, "For which of your agencies?"),
        InlineKeyboardMarkup(rows),
    )
    return AGENCY


def _not_member_text(lang: str) -> str:
    return t(
        lang,
        "Only officers of an assigned agency can post progress. "
        "Ask your coordinator for a join code, then send /thamgia &lt;code&gt;.",
    )


async def on_agency(update: Update, context: Context) -> str | int:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] != "a" or not pressed[1].isdigit():
        return await _other_button(update, context, AGENCY)
    draft = _draft(context)
    agencies = draft.get("agencies") or []
    index = int(pressed[1])
    if index >= len(agencies):
        await _stale(update, context)
        return AGENCY
    await update.callback_query.answer()  # type: ignore[union-attr]
    draft["agency"] = agencies[index]
    draft["page"] = 0
    return await _show_tasks(update, context, draft, edit=True)


async def _tasks_of(context: Context, agency_id: str) -> list[Candidate]:
    async with reading(context) as session:
        return await agency_tasks(session, agency_id)


async def _show_tasks(
    update: Update, context: Context, draft: dict[str, Any], *, edit: bool
) -> str | int:
    lang = user_lang(context)
    tasks = await _tasks_of(context, draft["agency"])
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
        label = f"{task.code} · {task.title}"
        rows.append([_button(draft, label[:60], "t", i)])
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
        agency=agency_name(context, draft["agency"]),
        page=format_number(page + 1, lang),
        pages=format_number(pages, lang),
    )
    if edit:
        await edit_html(update, context, text, InlineKeyboardMarkup(rows))
    else:
        await send_html(update, context, text, InlineKeyboardMarkup(rows))
    return TASK


async def on_task_button(update: Update, context: Context) -> str | int:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] not in {"t", "p"} or not pressed[1].isdigit():
        return await _other_button(update, context, TASK)
    draft = _draft(context)
    await update.callback_query.answer()  # type: ignore[union-attr]
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
    tasks = await _tasks_of(context, draft.get("agency", ""))
    found = resolve(text[:200], tasks)
    if found.unique is not None:
        draft["task"] = found.unique.task_id
        return await _ask_status(update, context, draft, edit=False)
    options = found.matches or found.suggestions
    index = {c.task_id: i for i, c in enumerate(tasks)}
    draft["tasks"] = [c.task_id for c in tasks]
    rows = [[_button(draft, f"{c.code} · {c.title}"[:60], "t", index[c.task_id])] for c in options]
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
    task = services(context).kb.tasks.get(task_id)
    if task is None:
        return html.escape(task_id)
    return f"<b>{html.escape(short_code(task.ref))}</b> · {html.escape(task.title[:200])}"


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
        [
            _button(draft, f"{STATUS_ICONS[s]} {tb(lang, STATUS_LABELS[s])}", action, s)
            for s in ("not_started", "in_progress")
        ],
        [
            _button(draft, f"{STATUS_ICONS[s]} {tb(lang, STATUS_LABELS[s])}", action, s)
            for s in ("done", "blocked")
        ],
        _cancel_row(draft, lang),
    ]
    text = _task_line(context, draft["task"]) + "\n" + t(lang, "What is the status?")
    if hint:
        text += "\n" + hint
    if edit:
        await edit_html(update, context, text, InlineKeyboardMarkup(rows))
    else:
        await send_html(update, context, text, InlineKeyboardMarkup(rows))
    return STATUS


async def on_status(update: Update, context: Context) -> str | int | None:
    pressed = _pressed(update, context)
    draft = _draft(context)
    if pressed is None or pressed[0] not in {"s", "r"} or pressed[1] not in STATUS_LABELS:
        return await _other_button(update, context, STATUS)
    if pressed[0] == "r" and not (draft.get("from_reminder") and draft.get("task")):
        return await _other_button(update, context, STATUS)
    await update.callback_query.answer()  # type: ignore[union-attr]
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
    if edit:
        await edit_html(update, context, text, InlineKeyboardMarkup(rows))
    else:
        await send_html(update, context, text, InlineKeyboardMarkup(rows))
    return PERCENT


async def on_percent_button(update: Update, context: Context) -> str | int:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] != "n":
        return await _other_button(update, context, PERCENT)
    value = pressed[1]
    if value != "-" and not (value.isdigit() and 0 <= int(value) <= 100):
        await _stale(update, context)
        return PERCENT
    await update.callback_query.answer()  # type: ignore[union-attr]
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
    if edit:
        await edit_html(update, context, text, InlineKeyboardMarkup(rows))
    else:
        await send_html(update, context, text, InlineKeyboardMarkup(rows))
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


async def on_note_button(update: Update, context: Context) -> str | int:
    pressed = _pressed(update, context)
    if pressed is None or pressed[0] != "o":
        return await _other_button(update, context, NOTE)
    await update.callback_query.answer()  # type: ignore[union-attr]
    draft = _draft(context)
    draft["note"] = ""
    return await _ask_confirm(update, context, draft, edit=True)


def _summary(context: Context, draft: dict[str, Any]) -> str:
    lang = user_lang(context)
    status = draft.get("status", "in_progress")
    lines = [
        _task_line(context, draft["task"]),
        t(lang, "Agency: {agency}", agency=agency_name(context, draft["agency"])),
        t(
            lang,
            "Status: {status}",
            status=f"{STATUS_ICONS.get(status, '')} {tb(lang, STATUS_LABELS.get(status, status))}",
        ),
    ]
    if draft.get("percent") is not None:
        lines.append(t(lang, "Done: {percent}%", percent=format_number(draft["percent"], lang)))
    if draft.get("note"):
        lines.append(t(lang, "Note: {note}", note=draft["note"]))
    return "\n".join(lines)


async def _ask_confirm(
    update: Update, context: Context, draft: dict[str, Any], *, edit: bool
) -> str:
    lang = user_lang(context)
    rows = [
        [_button(draft, tb(lang, "✔ Save"), "c", "y"), _button(draft, tb(lang, "✖ Cancel"), "x")]
    ]
    title = (
        t(lang, "<b>Correct your update?</b>")
        if draft.get("correct")
        else t(lang, "<b>Save this update?</b>")
    )
    text = title + "\n" + _summary(context, draft)
    if edit:
        await edit_html(update, context, text, InlineKeyboardMarkup(rows))
    else:
        await send_html(update, context, text, InlineKeyboardMarkup(rows))
    return CONFIRM


async def on_confirm(update: Update, context: Context) -> str | int:
    pressed = _pressed(update, context)
    if pressed is None or pressed != ("c", "y"):
        return await _other_button(update, context, CONFIRM)
    query = update.callback_query
    assert query is not None
    await query.answer()
    lang = user_lang(context)
    draft = _draft(context)
    user = update.effective_user
    assert user is not None
    svc = services(context)
    try:
        async with writing(update, context) as session:
            if draft.get("correct"):
                row = await correct_update(
                    session,
                    svc.clock,
                    user_id=user.id,
                    update_id=int(draft["correct"]),
                    status=str(draft.get("status")),
                    percent=draft.get("percent"),
                    note=str(draft.get("note", "")),
                )
            else:
                row = await record_update(
                    session,
                    svc.clock,
                    user_id=user.id,
                    agency_id=str(draft.get("agency")),
                    task_id=str(draft.get("task")),
                    status=str(draft.get("status")),
                    percent=draft.get("percent"),
                    note=str(draft.get("note", "")),
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
    await edit_html(update, context, _saved_text(context, row), _fix_markup(lang, row))
    return END


def _saved_text(context: Context, row: ProgressUpdate) -> str:
    lang = user_lang(context)
    head = t(lang, "✅ Correction saved.") if row.corrects_id else t(lang, "✅ Update saved.")
    draft = {
        "task": row.task_id,
        "agency": row.agency_id,
        "status": row.status,
        "percent": row.percent,
        "note": row.note,
    }
    return head + "\n" + _summary(context, draft)


def _fix_markup(lang: str, row: ProgressUpdate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tb(lang, "✏ Correct (within 24 hours)"), callback_data=f"pgfix:{row.id}"
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


async def on_cancel_button(update: Update, context: Context) -> str | int:
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
    update_id = int(m.group(1))
    async with reading(context) as session:
        row = await session.get(ProgressUpdate, update_id)
        agencies = await member_agencies(session, user.id)
    if row is None:
        await send_html(update, context, t(lang, "This button is no longer valid."))
        return END
    if row.author_id != user.id:
        await send_html(update, context, denied_text(lang, AccessDenied("not_author")))
        return END
    if row.agency_id not in agencies:
        await send_html(update, context, denied_text(lang, AccessDenied("not_member")))
        return END
    root = row
    async with reading(context) as session:
        from bot.progress.service import CORRECTION_WINDOW, is_superseded

        while root.corrects_id is not None:
            parent = await session.get(ProgressUpdate, root.corrects_id)
            if parent is None:
                break
            root = parent
        superseded = await is_superseded(session, row.id)
    if services(context).clock.now() - root.created_at > CORRECTION_WINDOW:
        await send_html(update, context, denied_text(lang, AccessDenied("too_late")))
        return END
    if superseded:
        await send_html(update, context, denied_text(lang, AccessDenied("already_corrected")))
        return END
    draft = _new_draft(context, agency=row.agency_id, task=row.task_id, correct=row.id)
    return await _ask_status(update, context, draft, edit=False)


# -- entry from a reminder's "Cập nhật tiến độ" button (handlers/reminders.py) ---------------

#: services.extras key under which the reminders area looks for this entry
PROGRESS_ENTRY_KEY = "progress.start_update"


async def start_update_for_task(update: Update, context: Context, task_id: str) -> None:
    """Open the guided flow at the status step for ``task_id`` (the reminder area has
    already checked that the reminder was sent to this user). The status buttons of
    this message are an entry point of the conversation."""
    from bot.db.models import Task
    from bot.progress.service import responsible

    lang = user_lang(context)
    user = update.effective_user
    if user is None:
        return
    async with reading(context) as session:
        mine = await member_agencies(session, user.id)
        agencies = [a for a in mine if await responsible(session, task_id, a)]
        task = await session.get(Task, task_id)
    if not agencies or task is None:
        reason = "not_responsible" if mine else "not_member"
        await send_html(update, context, denied_text(lang, AccessDenied(reason)))
        return
    draft = _new_draft(context, agency=agencies[0], task=task_id, from_reminder=True)
    hint = t(
        lang,
        "Or in one line: <code>/capnhat {code} 60% what was done</code>",
        code=short_code(task.ref),
    )
    await _ask_status(update, context, draft, edit=False, action="r", hint=hint)


# -- the one-line form ----------------------------------------------------------------------


async def _one_line(update: Update, context: Context, text: str) -> str | int:
    lang = user_lang(context)
    user = update.effective_user
    assert user is not None
    try:
        async with writing(update, context) as session:
            outcome = await post_one_line(
                session, services(context).clock, user_id=user.id, text=text
            )
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return END
    if outcome.kind == "invalid":
        await send_html(update, context, parse_error_text(lang, outcome.reason, outcome.info))
        return END
    if outcome.kind == "no_agency":
        await send_html(update, context, _not_member_text(lang))
        return END
    if outcome.kind == "saved" and outcome.update is not None:
        await send_html(
            update, context, _saved_text(context, outcome.update), _fix_markup(lang, outcome.update)
        )
        return END
    # Suggestions: keep what was typed (status, percent, note), ask which task it was.
    from bot.progress.parse import parse_one_line

    parsed = parse_one_line(text)
    options = list(outcome.suggestions)
    draft = _new_draft(
        context,
        status=parsed.status.value,
        percent=parsed.percent,
        note=parsed.note,
        choices=[[c.agency_id, c.task_id] for c in options],
    )
    rows = [[_button(draft, f"{c.code} · {c.title}"[:60], "g", i)] for i, c in enumerate(options)]
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


async def on_suggestion(update: Update, context: Context) -> str | int:
    pressed = _pressed(update, context)
    draft = _draft(context)
    choices = draft.get("choices") or []
    if pressed is None or pressed[0] != "g" or not pressed[1].isdigit():
        return await _other_button(update, context, CONFIRM)
    index = int(pressed[1])
    if index >= len(choices):
        await _stale(update, context)
        return CONFIRM
    await update.callback_query.answer()  # type: ignore[union-attr]
    draft["agency"], draft["task"] = choices[index]
    return await _ask_confirm(update, context, draft, edit=True)


# -- /tiendo --------------------------------------------------------------------------------


def _progress_lines(context: Context, rows: list[AgencyProgress], *, by: str) -> list[str]:
    lang = user_lang(context)
    tz = services(context).settings.timezone
    out = []
    for row in rows:
        who = row.agency_name if by == "agency" else f"{row.task_code} · {row.task_title[:80]}"
        role = tb(lang, _ROLE_WORDS.get(row.role, "coordinating"))
        if row.status is None:
            state = t(lang, "no update yet")
        else:
            state = f"{STATUS_ICONS.get(row.status, '')} {t(lang, STATUS_LABELS[row.status])}"
            if row.percent is not None:
                state += f" {format_number(row.percent, lang)}%"
            assert row.updated_at is not None
            state += " — " + t(
                lang,
                "{date} by {author}",
                date=format_datetime(row.updated_at, lang, tz, "short"),
                author=row.author_name or "?",
            )
        line = f"• <b>{html.escape(who)}</b> ({html.escape(role)}): {state}"
        if row.overdue and row.due_date is not None:
            line += " " + t(
                lang, "⚠️ overdue (due {date})", date=format_date(row.due_date, lang, "short")
            )
        out.append(line)
    return out


async def _entitled(context: Context, user_id: int) -> bool:
    svc = services(context)
    if svc.settings.is_admin(user_id):
        return True
    async with reading(context) as session:
        return bool(await member_agencies(session, user_id)) or await is_coordinator(
            session, user_id
        )


async def show_progress(
    update: Update, context: Context, text: str, *, question: str | None = None
) -> None:
    """/tiendo. With ``question`` (plain text that starts like "tiến độ …"), whatever is
    not a progress lookup for this user goes to the question answering instead."""
    lang = user_lang(context)
    user = update.effective_user
    if user is None:
        return
    entitled = await _entitled(context, user.id)
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
    async with reading(context) as session:
        if not query:
            mine = await member_agencies(session, user.id)
            if not mine:
                await send_html(
                    update,
                    context,
                    t(lang, "Usage: /tiendo &lt;task or agency&gt;, e.g. /tiendo II.2"),
                )
                return
            blocks = []
            for agency_id in mine:
                rows = await agency_progress(session, agency_id, today)
                blocks.append(_agency_block(context, agency_id, rows))
            await send_html(update, context, "\n\n".join(blocks))
            return
        candidates = _all_tasks(context)
        found = resolve(query, candidates)
        if found.matches:
            blocks = []
            for cand in found.matches[:3]:
                rows = await task_progress(session, cand.task_id, today)
                blocks.append(_task_block(context, cand.task_id, rows))
            await send_html(update, context, "\n\n".join(blocks))
            return
        agencies = find_agency_ids(context, query)
        if agencies:
            rows = await agency_progress(session, agencies[0], today)
            await send_html(update, context, _agency_block(context, agencies[0], rows))
            return
    options = found.suggestions[:4]
    if options:
        buttons = [
            [InlineKeyboardButton(f"{c.code} · {c.title}"[:60], callback_data=f"pgs:{c.task_id}")]
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
    if resolve(query, _all_tasks(context)).matches:
        return True
    return bool(find_agency_ids(context, query))


def _all_tasks(context: Context) -> list[Candidate]:
    kb = services(context).kb
    return [
        Candidate(task.id, short_code(task.ref), task.ref, task.title) for task in kb.tasks.values()
    ]


def _task_block(context: Context, task_id: str, rows: list[AgencyProgress]) -> str:
    lang = user_lang(context)
    kb = services(context).kb
    task = kb.tasks.get(task_id)
    doc = kb.documents.get(task.document).title if task and task.document in kb.documents else ""
    head = _task_line(context, task_id)
    if doc:
        head += f"\n<i>{html.escape(doc)}</i>"
    if task and task.deadline:
        head += "\n" + t(lang, "Deadline: {deadline}", deadline=task.deadline)
    lines = _progress_lines(context, rows, by="agency") or [t(lang, "No responsible agency.")]
    return head + "\n" + "\n".join(lines)


def _agency_block(context: Context, agency_id: str, rows: list[AgencyProgress]) -> str:
    lang = user_lang(context)
    head = t(lang, "<b>Progress of {agency}</b>", agency=agency_name(context, agency_id))
    lines = _progress_lines(context, rows, by="task") or [t(lang, "No tasks.")]
    return head + "\n" + "\n".join(lines)


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


async def on_not_text(update: Update, context: Context) -> None:
    """A sticker or photo mid-flow: the step stays, the draft is kept."""
    await send_html(
        update,
        context,
        t(user_lang(context), "Please answer the question above with text, or /huy to stop."),
    )


async def on_finished_flow_button(update: Update, context: Context) -> None:
    query = update.callback_query
    lang = user_lang(context)
    text = t(lang, "This button is no longer valid. Start again with /capnhat.")
    if query is not None:
        with contextlib.suppress(TelegramError):
            await query.answer(tb(lang, "This button is no longer valid."))
    await send_html(update, context, text)


# -- wiring -------------------------------------------------------------------------------------


def conversation(persistent: bool) -> ConversationHandler:  # type: ignore[type-arg]
    cancel = [
        CommandHandler(["huy", "cancel"], on_cancel),
        CallbackQueryHandler(on_cancel_button, pattern=r"^pg:[0-9a-f]+:x:"),
    ]
    text = filters.TEXT & ~filters.COMMAND
    # Buttons are tracked per user and chat (the nonce ties them to one flow), not per
    # message: PTB's warning about per_message=False is expected here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return _conversation(persistent, cancel, text)


def _conversation(persistent: bool, cancel: list[Any], text: Any) -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        entry_points=[
            CommandHandler(["capnhat", "update"], cmd_update),
            CallbackQueryHandler(on_fix_button, pattern=r"^pgfix:"),
            # the status buttons of a flow opened from a reminder, and its ✖
            CallbackQueryHandler(on_status, pattern=r"^pg:[0-9a-f]+:r:"),
            CallbackQueryHandler(on_cancel_button, pattern=r"^pg:[0-9a-f]+:x:"),
        ],
        states={
            AGENCY: [*cancel, CallbackQueryHandler(on_agency, pattern=r"^pg:")],
            TASK: [
                *cancel,
                CallbackQueryHandler(on_task_button, pattern=r"^pg:"),
                MessageHandler(text, on_task_text),
            ],
            STATUS: [
                *cancel,
                CallbackQueryHandler(on_status, pattern=r"^pg:"),
                MessageHandler(text, on_status_text),
            ],
            PERCENT: [
                *cancel,
                CallbackQueryHandler(on_percent_button, pattern=r"^pg:"),
                MessageHandler(text, on_percent_text),
            ],
            NOTE: [
                *cancel,
                CallbackQueryHandler(on_note_button, pattern=r"^pg:"),
                MessageHandler(text, on_note_text),
            ],
            CONFIRM: [
                *cancel,
                CallbackQueryHandler(on_suggestion, pattern=r"^pg:[0-9a-f]+:g:"),
                CallbackQueryHandler(on_confirm, pattern=r"^pg:"),
                MessageHandler(text, on_unexpected_text),
            ],
        },
        fallbacks=[
            *cancel,
            CommandHandler(["capnhat", "update"], cmd_update),
            MessageHandler(
                filters.ChatType.PRIVATE
                & ~filters.TEXT
                & ~filters.COMMAND
                & ~filters.StatusUpdate.ALL,
                on_not_text,
            ),
        ],
        name="capnhat",
        persistent=persistent,
        allow_reentry=True,
    )


COMMANDS = [
    CommandSpec("capnhat", N_("Post a progress update for your agency")),
    CommandSpec("tiendo", N_("Progress of a task or an agency")),
    CommandSpec("huy", N_("Cancel what you are doing")),
]


def register(application: BotApplication) -> None:
    application.services.extras[PROGRESS_ENTRY_KEY] = start_update_for_task
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
