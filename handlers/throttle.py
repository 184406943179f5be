"""Per-user throttle, before every other handler (group -2): over THROTTLE_MESSAGES
updates in THROTTLE_SECONDS, one polite "slow down", then silence until the window
passes. The logic is bot/throttle.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotApplication
from bot.context import BotContext as Context
from bot.i18n import t
from bot.throttle import Throttle, Verdict
from handlers.context import send_html

GROUP = -2


async def check(update: Update, context: Context) -> None:
    user = update.effective_user
    throttle = context.services.get(Throttle)
    if user is None or throttle is None:
        return
    verdict = throttle.check(user.id)
    if verdict is Verdict.ok:
        return
    if verdict is Verdict.warn and update.effective_chat is not None:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await send_html(
            update,
            context,
            t(context.lang, "You are sending messages very fast: please slow down a little."),
        )
    raise ApplicationHandlerStop


def register(application: BotApplication) -> None:
    settings = application.services.settings
    if settings.throttle_messages <= 0:
        return
    application.services.put(Throttle(settings.throttle_messages, settings.throttle_seconds))
    application.add_handler(TypeHandler(Update, check), group=GROUP)
