"""What every handler needs: the services, the user's language, sending split HTML.

The services (settings, engine, knowledge base, clock, and whatever other areas open
at start-up, such as the database) hang on the Application itself
(:class:`BotApplication`), not in ``bot_data``, so a persistence that restores
``bot_data`` can never drop them.

Hooks for other areas (see also the top of ``bot/app.py``):

- ``services.startup`` / ``services.shutdown``: ``async def hook(application)``, run in
  ``post_init`` (before the bot takes updates) / ``post_shutdown``, in list order.
  Open the database there and keep it in ``services.db``.
- ``services.commands``: :class:`CommandSpec` entries shown in the Telegram menu
  (setMyCommands, Vietnamese default and English).
- ``services.extras``: a dict for any other long-lived object of an area.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot.clock import SYSTEM_CLOCK, Clock
from bot.i18n import normalize_lang
from handlers.callbacks import Resolver
from handlers.render import split_message

if TYPE_CHECKING:
    from bot.settings import Settings
    from knowledge.base import KnowledgeBase
    from knowledge.engine import Engine

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

LANG_KEY = "lang"  # context.user_data key of the chosen language
PENDING_KEY = "pending"  # what the next plain text answers: "agency" after a bare /coquan


Hook = Callable[["BotApplication"], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    """A command for the Telegram menu; ``description`` is an English msgid (N_)."""

    command: str
    description: str


@dataclass
class Services:
    settings: Settings
    engine: Engine
    kb: KnowledgeBase
    clock: Clock = SYSTEM_CLOCK
    #: the database handle, opened by the persistence area in a startup hook
    db: Any = None
    startup: list[Hook] = field(default_factory=list)
    shutdown: list[Hook] = field(default_factory=list)
    commands: list[CommandSpec] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    resolver: Resolver = field(init=False)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.kb)


class BotApplication(Application):  # type: ignore[type-arg]
    """PTB Application carrying the bot's services."""

    __slots__ = ("services",)

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services


def services(context: Context) -> Services:
    app = context.application
    if not isinstance(app, BotApplication):
        raise TypeError("the application was not built by bot.app.build_application")
    return app.services


# -- language -------------------------------------------------------------------------
# For now the chosen language lives in context.user_data (in memory, or in whatever
# persistence build_application() is given: the database layer plugs in there).


def chosen_lang(context: Context) -> str | None:
    """The language the user picked with /lang, if any."""
    data = context.user_data
    return normalize_lang(data.get(LANG_KEY)) if data is not None else None


def user_lang(context: Context) -> str:
    """The language to talk to this user in."""
    return chosen_lang(context) or services(context).settings.default_language


def set_user_lang(context: Context, lang: str) -> None:
    if context.user_data is not None:
        context.user_data[LANG_KEY] = lang


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
