"""Reminders in chat: the reminder buttons, /vang, /trolai, /hanchot.

Callback data of the reminder buttons: ``rem:<u|a|s>:<reminder id>`` (update progress,
got it, remind me later). A press is honoured only if that reminder was sent to the
person pressing (checked in the database on every press, by ``scheduler.actions``).

The scheduler's jobs and service are wired by ``scheduler.jobs.install`` (here, with the
Telegram sender of ``handlers.sender``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler

from bot.context import CommandSpec
from bot.i18n import N_, format_date, t, tb
from handlers.context import Context, command_argument, send_html, services, user_lang
from handlers.sender import TelegramSender
from scheduler import actions, jobs
from scheduler.jobs import scheduler_service
from scheduler.service import SchedulerService
from scheduler.texts import ACTION_ACK, ACTION_SNOOZE, ACTION_UPDATE, parse_callback

if TYPE_CHECKING:
    from bot.context import BotApplication

log = logging.getLogger(__name__)

REACTIVATE_GROUP = -7

COMMANDS = [
    CommandSpec("vang", N_("I am away until a date: no reminders meanwhile")),
    CommandSpec("trolai", N_("I am back: reminders again")),
    CommandSpec("hanchot", N_("Set a task's deadline for your scope (coordinators)")),
]


async def on_any_update(update: Update, context: Context) -> None:
    """A chat marked inactive (it had blocked the bot) that writes again is active again."""
    chat = update.effective_chat
    svc = context.services.get(SchedulerService)  # only once the scheduler exists
    if chat is not None and svc is not None and chat.id in svc.inactive_chats:
        await svc.reactivate(chat.id)


# -- buttons ------------------------------------------------------------------------------


async def on_reminder_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    lang = user_lang(context)
    parsed = parse_callback(query.data)
    svc = scheduler_service(context.application)
    if parsed is None or svc is None:
        await query.answer(tb(lang, "This button no longer works."), show_alert=False)
        return
    action, reminder_id = parsed
    user_id = query.from_user.id
    now = services(context).clock.now()
    if action == ACTION_ACK:
        press = await svc.actions.acknowledge(reminder_id, user_id, now)
        if not press.ok:
            await query.answer(tb(lang, "This reminder was not sent to you."), show_alert=True)
            return
        await query.answer(tb(lang, "Noted. Thank you!"))
        await _keep_only_update_button(query, lang, reminder_id)
    elif action == ACTION_SNOOZE:
        press = await svc.actions.snooze(reminder_id, user_id, now)
        if not press.ok or press.until is None:
            await query.answer(tb(lang, "This reminder was not sent to you."), show_alert=True)
            return
        await query.answer()
        await send_html(
            update,
            context,
            t(
                lang,
                "🔔 OK, I will remind you again on {date} at {time}.",
                date=format_date(press.until.date(), lang),
                time=press.until.strftime("%H:%M"),
            ),
        )
    elif action == ACTION_UPDATE:
        task_id = await svc.actions.reminder_task(reminder_id, user_id)
        if task_id is None:
            await query.answer(tb(lang, "This reminder was not sent to you."), show_alert=True)
            return
        await query.answer()
        entry = services(context).progress_entry
        if entry is not None:  # the progress area is registered (always, in bot/app.py)
            await entry(update, context, task_id)


async def _keep_only_update_button(query: Any, lang: str, reminder_id: int) -> None:
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(tb(lang, "Update progress"), callback_data=f"rem:u:{reminder_id}")]]
    )
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except BadRequest:
        log.debug("could not edit the reminder's buttons", exc_info=True)


# -- /vang, /trolai ---------------------------------------------------------------------------


async def _available(update: Update, context: Context) -> SchedulerService | None:
    """The scheduler, or a polite "not now" when it is not running (no database)."""
    svc = scheduler_service(context.application)
    if svc is None:
        text = t(user_lang(context), "This is not available right now. Please try again later.")
        await send_html(update, context, text)
    return svc


async def cmd_away(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    svc = await _available(update, context)
    if user is None or svc is None:
        return
    today = services(context).clock.now().date()
    arg = command_argument(update)
    until = actions.parse_away(arg, today) if arg else None
    if until is not None and until < today:
        await send_html(
            update,
            context,
            t(
                lang,
                "{date} is already past. Tell me the last day you will be away, "
                "e.g. <code>/vang {example}</code> or <code>/vang 2 tuan</code>.",
                date=format_date(until, lang),
                example=(today + dt.timedelta(days=7)).strftime("%d/%m/%Y"),
            ),
        )
        return
    if until is None or (until - today).days > actions.MAX_AWAY_DAYS:
        await send_html(
            update,
            context,
            t(
                lang,
                "Tell me until when you are away, e.g. <code>/vang {example}</code> "
                "(a date from today up to one year ahead).",
                example=(today + dt.timedelta(days=7)).strftime("%d/%m/%Y"),
            ),
        )
        return
    ok = await svc.actions.set_away(user.id, until, services(context).clock.now())
    if not ok:
        await send_html(
            update,
            context,
            t(lang, "Only officers and coordinators get reminders, so there is nothing to pause."),
        )
        return
    await send_html(
        update,
        context,
        t(
            lang,
            "🌴 Noted: no reminders for you until {date} (inclusive). "
            "Your colleagues still get theirs. Send /trolai when you are back earlier.",
            date=format_date(until, lang),
        ),
    )


async def cmd_back(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    svc = await _available(update, context)
    if user is None or svc is None:
        return
    had = await svc.actions.clear_away(user.id)
    text = (
        t(lang, "👋 Welcome back! Reminders are on again.")
        if had
        else t(lang, "You were not marked away; reminders are on.")
    )
    await send_html(update, context, text)


# -- /hanchot ------------------------------------------------------------------------------


async def cmd_deadline(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    svc = await _available(update, context)
    if user is None or svc is None:
        return
    now = services(context).clock.now()
    usage = t(
        lang,
        "Usage: <code>/hanchot &lt;task&gt; &lt;date&gt;</code>, e.g. "
        "<code>/hanchot kh_lai_chau_iii_1_1 31/12/2027</code>; "
        "<code>/hanchot &lt;task&gt; xoa</code> removes the date you set.",
    )
    parts = command_argument(update).split()
    if len(parts) != 2:
        await send_html(update, context, usage)
        return
    token, when = parts
    clear = when.casefold() in ("xoa", "xoá", "xóa", "clear", "-")
    due = None if clear else actions.parse_date(when, now.date())
    if not clear and (due is None or due < now.date()):
        await send_html(
            update,
            context,
            t(lang, "“{text}” is not a date from today on.", text=when) + "\n" + usage,
        )
        return
    matches = await svc.actions.find_task(token)
    if len(matches) != 1:
        if not matches:
            text = t(
                lang, "No task “{text}” found. Use the task id shown under /vanban.", text=token
            )
        else:
            text = t(lang, "“{text}” matches several tasks; use one of these ids:", text=token)
            text += "\n" + "\n".join(f"• <code>{m[0]}</code> {m[2]}" for m in matches[:10])
        await send_html(update, context, text)
        return
    task_id = matches[0][0]
    is_admin = user.id in services(context).settings.admin_user_ids
    change = await svc.actions.set_deadline(user.id, task_id, due, now, is_admin=is_admin)
    if change.status == "not_coordinator":
        text = t(lang, "Sorry, only coordinators can set deadlines.")
    elif change.status == "out_of_scope":
        text = t(lang, "None of the agencies responsible for this task is in your scope.")
    elif change.status == "no_task":
        text = t(lang, "No task “{text}” found. Use the task id shown under /vanban.", text=token)
    elif due is None:
        text = t(
            lang,
            "✅ The date you set for {task} was removed ({agencies}).",
            task=task_id,
            agencies=", ".join(change.agencies),
        )
    else:
        text = t(
            lang,
            "✅ Deadline of {task} set to {date} for: {agencies}. Reminders follow this date.",
            task=task_id,
            date=format_date(due, lang),
            agencies=", ".join(change.agencies),
        )
    await send_html(update, context, text)


# -- wiring -----------------------------------------------------------------------------------


def register(application: BotApplication) -> None:
    """Add the reminder handlers and jobs (see ``bot/app.py`` for where areas plug in)."""
    jobs.install(application, TelegramSender)
    # Its own group, so it runs alongside every other handler and blocks none.
    application.add_handler(TypeHandler(Update, on_any_update), group=REACTIVATE_GROUP)
    application.add_handler(CommandHandler(["vang", "away"], cmd_away))
    application.add_handler(CommandHandler(["trolai", "back"], cmd_back))
    application.add_handler(CommandHandler(["hanchot", "deadline"], cmd_deadline))
    application.add_handler(CallbackQueryHandler(on_reminder_button, pattern=r"^rem:"))
    application.services.commands.extend(COMMANDS)
