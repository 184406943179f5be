"""/loigui (admins): messages the bot gave up delivering in the last 7 days, per kind.

Reminders and digests that Telegram did not take for RETRY_FOR (6 hours of retries) are
marked failed (scheduler/delivery.py); this shows how many, of which kind, and the last
error. Counts and errors only: no recipient, no text.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.access import is_admin
from bot.context import BotApplication, CommandSpec
from bot.context import BotContext as Context
from bot.i18n import N_, format_datetime, t
from handlers.context import send_html
from scheduler.delivery import failed_deliveries
from scheduler.jobs import scheduler_service

COMMANDS = [CommandSpec("loigui", N_("Messages that could not be delivered (administrators)"))]


async def cmd_failed_deliveries(update: Update, context: Context) -> None:
    lang = context.lang
    svc = context.services
    user = update.effective_user
    if user is None or not is_admin(svc.settings, user.id):
        await send_html(update, context, t(lang, "Only an administrator can do this."))
        return
    scheduler = scheduler_service(context.bot_application)
    if scheduler is None:
        return
    failed = await failed_deliveries(scheduler.db.session_factory, svc.clock.now())
    if not failed:
        await send_html(update, context, t(lang, "No failed deliveries in the last 7 days."))
        return
    lines = [t(lang, "Failed deliveries in the last 7 days:")]
    for f in failed:
        lines.append(
            t(
                lang,
                "• {kind}: {count}, latest queued {when} ({error})",
                kind=f.kind,
                count=f.count,
                when=format_datetime(f.latest, lang, svc.settings.timezone, fmt="short"),
                error=f.last_error[:80],
            )
        )
    await send_html(update, context, "\n".join(lines))


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler(["loigui", "failed"], cmd_failed_deliveries))
    application.services.commands.extend(COMMANDS)
