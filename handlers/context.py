"""What every handler needs: the typed context, the user's language, sending split HTML.

The services, the typed context and the Application are in :mod:`bot.context`.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext, Services
from bot.i18n import t, tb
from handlers.render import split_message

__all__ = [
    "PENDING_KEY",
    "Context",
    "chosen_lang",
    "command_argument",
    "edit_html",
    "invalid_button",
    "pop_pending",
    "send_html",
    "services",
    "set_pending",
    "set_user_lang",
    "user_lang",
]

log = logging.getLogger(__name__)

#: The context every handler receives (PTB builds it: ``ContextTypes(context=BotContext)``).
Context = BotContext

PENDING_KEY = "pending"  # what the next plain text answers: "agency" after a bare /coquan


def services(context: Context) -> Services:
    return context.services


def chosen_lang(context: Context) -> str | None:
    """The language the user picked with /lang, if any."""
    return context.chosen_lang


def user_lang(context: Context) -> str:
    """The language to talk to this user in."""
    return context.lang


def set_user_lang(context: Context, lang: str) -> None:
    context.lang = lang


def set_pending(context: Context, what: str | None) -> None:
    if context.user_data is None:
        return
    if what is None:
        context.user_data.pop(PENDING_KEY, None)
    else:
        context.user_data[PENDING_KEY] = what


def pop_pending(context: Context) -> str | None:
    if context.user_data is None:
        return None
    value = context.user_data.pop(PENDING_KEY, None)
    return value if isinstance(value, str) else None


# -- sending ----------------------------------------------------------------------------


def command_argument(update: Update) -> str:
    """The text after ``/command`` (or ``/command@bot``), newlines kept."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    if not parts or not parts[0].startswith("/"):
        return text.strip()
    return parts[1].strip() if len(parts) > 1 else ""


async def send_html(
    update: Update,
    context: Context,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send HTML to the update's chat, split to fit; the keyboard goes on the last part."""
    chat = update.effective_chat
    if chat is None:
        return []
    chunks = split_message(text) or [text]
    sent = []
    for i, chunk in enumerate(chunks):
        markup = reply_markup if i == len(chunks) - 1 else None
        sent.append(await context.bot.send_message(chat.id, chunk, reply_markup=markup))
    return sent


async def edit_html(
    update: Update,
    context: Context,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace the pressed message's text in place (the rest, if any, follows as new messages)."""
    query = update.callback_query
    if query is None or query.message is None or not isinstance(query.message, Message):
        await send_html(update, context, text, reply_markup)
        return
    chunks = split_message(text) or [text]
    first_markup = reply_markup if len(chunks) == 1 else None
    try:
        await query.edit_message_text(chunks[0], reply_markup=first_markup)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return
        if "can't be edited" in str(exc).lower() or "not found" in str(exc).lower():
            await send_html(update, context, text, reply_markup)
            return
        raise
    chat_id = query.message.chat_id
    for i, chunk in enumerate(chunks[1:], start=1):
        markup = reply_markup if i == len(chunks) - 1 else None
        await context.bot.send_message(chat_id, chunk, reply_markup=markup)


async def invalid_button(update: Update, context: Context) -> None:
    """A button the bot no longer knows (old message, changed data or forged): say so."""
    query = update.callback_query
    lang = user_lang(context)
    log.info("invalid callback data %r", (query.data or "")[:80] if query else None)
    if query is not None:
        await query.answer(
            tb(lang, "This button is no longer valid. Please ask again."), show_alert=False
        )
    await send_html(
        update,
        context,
        t(lang, "This button is no longer valid. Please type your question again or use /start."),
    )
