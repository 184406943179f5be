"""Reminders in chat: the scheduler's jobs, the reminder buttons, /vang, /trolai, /hanchot.

Callback data of the reminder buttons: ``rem:<u|a|s>:<reminder id>`` (update progress,
got it, remind me later). A press is honoured only if that reminder was sent to the
person pressing (checked in the database on every press).

Jobs (PTB JobQueue): ``scheduler tick`` every ``SCHEDULER_SCAN_SECONDS`` (reminder scan,
weekly digests, delivery) and ``scheduler delivery`` every ``SCHEDULER_DELIVERY_SECONDS``.
Tests move the clock and call :func:`scheduler_service` ``(application).tick()``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, TypeHandler

from bot.db.engine import Database
from bot.db.models import Task
from bot.i18n import N_, format_date, t, tb
from bot.progress.refs import short_code
from handlers.context import CommandSpec, Context, command_argument, send_html, services, user_lang
from scheduler import actions
from scheduler.config import SchedulerSettings
from scheduler.delivery import ChatGone, QueuedMessage, Rejected, RetryLater, Transient
from scheduler.service import SchedulerService
from scheduler.texts import ACTION_ACK, ACTION_SNOOZE, ACTION_UPDATE, parse_callback
from scheduler.workdays import default_calendar

if TYPE_CHECKING:
    from telegram import Bot

    from handlers.context import BotApplication

log = logging.getLogger(__name__)

SERVICE_KEY = "scheduler"
REACTIVATE_GROUP = -7
#: Another area (progress) may put here ``async def start(update, context, task_id)``
#: to open its update flow for a task; the "Update progress" button then calls it.
PROGRESS_ENTRY_KEY = "progress.start_update"

COMMANDS = [
    CommandSpec("vang", N_("I am away until a date: no reminders meanwhile")),
    CommandSpec("trolai", N_("I am back: reminders again")),
    CommandSpec("hanchot", N_("Set a task's deadline for your scope (coordinators)")),
]


# -- sending through the Bot API ----------------------------------------------------------


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramSender:
    """The delivery path's sender: one Bot API call per queued message."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, message: QueuedMessage) -> int:
        markup = (
            InlineKeyboardMarkup.de_json(message.reply_markup, self.bot)
            if message.reply_markup
            else None
        )
        try:
            if message.attachment is not None:
                name = message.attachment_name or "file"
                file = InputFile(message.attachment, filename=name)
                if name.endswith(".png"):
                    sent = await self.bot.send_photo(
                        message.chat_id, file, caption=message.text or None, reply_markup=markup
                    )
                else:
                    sent = await self.bot.send_document(
                        message.chat_id, file, caption=message.text or None, reply_markup=markup
                    )
            else:
                sent = await self.bot.send_message(
                    message.chat_id, message.text, reply_markup=markup
                )
        except RetryAfter as exc:
            raise RetryLater(_seconds(exc.retry_after)) from exc
        except Forbidden as exc:
            raise ChatGone(exc.message) from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise ChatGone(exc.message) from exc
            raise Rejected(exc.message) from exc
        except (TimedOut, NetworkError) as exc:
            raise Transient(str(exc)) from exc
        return sent.message_id


# -- the service and its jobs --------------------------------------------------------------


def _db(application: BotApplication) -> Database | None:
    db = application.services.db
    return db if isinstance(db, Database) else None


def scheduler_service(application: BotApplication) -> SchedulerService | None:
    """The application's scheduler, created on first use once the database is open."""
    svc = application.services.extras.get(SERVICE_KEY)
    if svc is not None:
        return svc
    db = _db(application)
    if db is None:
        return None
    config: SchedulerSettings = (
        application.services.extras.get("scheduler.settings") or SchedulerSettings()
    )
    kb = application.services.kb
    labels = {d.id: d.label for d in getattr(kb, "documents", {}).values()} if kb else {}
    svc = SchedulerService(
        db,
        TelegramSender(application.bot),
        application.services.clock,
        # TIMEZONE: send times, quiet hours and the digest day are the users' local time
        calendar=dataclasses.replace(default_calendar(), tz=application.services.settings.tz),
        rules=config.rules(),
        digest=config.digest(),
        doc_labels=labels,
        registrations=application.services.extras.get("digest.registrations"),
        admin_ids=application.services.settings.admin_user_ids,
    )
    application.services.extras[SERVICE_KEY] = svc
    return svc


async def _tick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = scheduler_service(context.application)  # type: ignore[arg-type]
    if svc is not None:
        try:
            await svc.tick()
        except Exception:
            log.exception("scheduler tick failed; the next tick tries again")


async def _delivery_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = scheduler_service(context.application)  # type: ignore[arg-type]
    if svc is not None:
        try:
            await svc.deliver()
        except Exception:
            log.exception("delivery failed; the next run tries again")


async def _open_database(application: BotApplication) -> None:
    """Open the database if no other area has (the persistence area normally does)."""
    if application.services.db is None:
        from bot.db.engine import open_database

        db = await open_database(application.services.settings.database_url)
        application.services.db = db
        application.services.extras["scheduler_opened_db"] = db


async def _start_jobs(application: BotApplication) -> None:
    config: SchedulerSettings = application.services.extras["scheduler.settings"]
    if not config.scheduler_enabled or application.job_queue is None:
        return
    application.job_queue.run_repeating(
        _tick_job,
        interval=config.scheduler_scan_seconds,
        first=config.scheduler_scan_seconds,
        name="scheduler tick",
    )
    application.job_queue.run_repeating(
        _delivery_job,
        interval=config.scheduler_delivery_seconds,
        first=config.scheduler_delivery_seconds,
        name="scheduler delivery",
    )


async def _shutdown(application: BotApplication) -> None:
    svc = application.services.extras.pop(SERVICE_KEY, None)
    if svc is not None:
        await svc.close()
    db = application.services.extras.pop("scheduler_opened_db", None)
    if db is not None:
        await db.dispose()
        if application.services.db is db:
            application.services.db = None


async def on_any_update(update: Update, context: Context) -> None:
    """A chat marked inactive (it had blocked the bot) that writes again is active again."""
    chat = update.effective_chat
    svc = context.application.services.extras.get(SERVICE_KEY)  # type: ignore[attr-defined]
    if chat is not None and svc is not None and chat.id in svc.inactive_chats:
        await svc.reactivate(chat.id)


# -- buttons ------------------------------------------------------------------------------


async def on_reminder_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    lang = user_lang(context)
    parsed = parse_callback(query.data)
    svc = scheduler_service(context.application)  # type: ignore[arg-type]
    if parsed is None or svc is None:
        await query.answer(tb(lang, "This button no longer works."), show_alert=False)
        return
    action, reminder_id = parsed
    user_id = query.from_user.id
    sf = svc.db.session_factory
    now = services(context).clock.now()
    if action == ACTION_ACK:
        press = await actions.acknowledge(sf, reminder_id, user_id, now)
        if not press.ok:
            await query.answer(tb(lang, "This reminder was not sent to you."), show_alert=True)
            return
        await query.answer(tb(lang, "Noted. Thank you!"))
        await _keep_only_update_button(query, lang, reminder_id)
    elif action == ACTION_SNOOZE:
        press = await actions.snooze(
            sf, reminder_id, user_id, now, svc.calendar, svc.rules, svc.doc_labels
        )
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
        task_id = await actions.reminder_task(sf, reminder_id, user_id)
        if task_id is None:
            await query.answer(tb(lang, "This reminder was not sent to you."), show_alert=True)
            return
        await query.answer()
        entry = services(context).extras.get(PROGRESS_ENTRY_KEY)
        if entry is not None:
            await entry(update, context, task_id)
            return
        async with svc.db.session_factory() as s:
            task = await s.get(Task, task_id)
        code = short_code(task.ref) if task is not None else task_id
        await send_html(
            update,
            context,
            t(
                lang,
                "To report progress on this task, send for example "
                "<code>/capnhat {code} 60% what was done</code>, "
                "or just /capnhat to go step by step.",
                code=code,
            ),
        )


async def _keep_only_update_button(query: Any, lang: str, reminder_id: int) -> None:
    from telegram import InlineKeyboardButton

    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(tb(lang, "Update progress"), callback_data=f"rem:u:{reminder_id}")]]
    )
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except BadRequest:
        log.debug("could not edit the reminder's buttons", exc_info=True)


# -- /vang, /trolai ---------------------------------------------------------------------------


async def cmd_away(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    db = _db(context.application)  # type: ignore[arg-type]
    if user is None or db is None:
        await send_html(
            update, context, t(lang, "This is not available right now. Please try again later.")
        )
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
    ok = await actions.set_away(db.session_factory, user.id, until, services(context).clock.now())
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
    db = _db(context.application)  # type: ignore[arg-type]
    if user is None or db is None:
        await send_html(
            update, context, t(lang, "This is not available right now. Please try again later.")
        )
        return
    had = await actions.clear_away(db.session_factory, user.id)
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
    db = _db(context.application)  # type: ignore[arg-type]
    if user is None or db is None:
        await send_html(
            update, context, t(lang, "This is not available right now. Please try again later.")
        )
        return
    svc = services(context)
    now = svc.clock.now()
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
    matches = await actions.find_task(db.session_factory, token)
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
    is_admin = user.id in svc.settings.admin_user_ids
    change = await actions.set_deadline(
        db.session_factory, user.id, task_id, due, now, is_admin=is_admin
    )
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
    application.services.extras.setdefault("scheduler.settings", SchedulerSettings())
    application.services.startup.append(_open_database)
    application.services.startup.append(_start_jobs)
    application.services.shutdown.append(_shutdown)
    # Its own group, so it runs alongside every other handler and blocks none.
    application.add_handler(TypeHandler(Update, on_any_update), group=REACTIVATE_GROUP)
    application.add_handler(CommandHandler(["vang", "away"], cmd_away))
    application.add_handler(CommandHandler(["trolai", "back"], cmd_back))
    application.add_handler(CommandHandler(["hanchot", "deadline"], cmd_deadline))
    application.add_handler(CallbackQueryHandler(on_reminder_button, pattern=r"^rem:"))
    application.services.commands.extend(COMMANDS)
