"""Reusable guards for handlers: conditions checked before a command or a button acts."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.i18n import N_, t
from handlers.context import send_html

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]

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


def button_on_message(query: CallbackQuery) -> bool:
    """True when the pressed data is a button of the message it came from, as that message
    stands now: the bot sent it to this chat and has not taken it away (a forged or
    replayed press carries data the message does not have)."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    return any(
        button.callback_data == query.data
        for row in message.reply_markup.inline_keyboard
        for button in row
    )
