"""Reusable guards for handlers: conditions checked before a command runs at all."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.i18n import N_, t
from handlers.context import send_html

Callback = Callable[[Update, BotContext], Awaitable[None]]

PRIVATE_ONLY = N_("Please use this command in a private chat with the bot.")


def private_only(callback: Callback) -> Callback:
    """Run ``callback`` in a private chat only. In a group it answers that the command is
    for a private chat and shows nothing else (member lists, codes, questions and personal
    data never reach a group)."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: BotContext) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            await send_html(update, context, t(context.lang, PRIVATE_ONLY))
            return
        await callback(update, context)

    return guarded
