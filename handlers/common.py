"""/start, /help, /lang, plain-text routing, polite fallbacks and the error handler."""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden, TelegramError

from bot import callbacks as cb
from bot.ask import smalltalk
from bot.context import CommandSpec
from bot.i18n import LANGUAGES, language_named, normalize_lang, t, tb
from handlers import agency, browse, first_steps, qa
from handlers.context import (
    Context,
    command_argument,
    edit_html,
    invalid_button,
    pop_pending,
    send_html,
    set_pending,
)

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"vi": "🇻🇳 Tiếng Việt", "en": "🇬🇧 English"}


# -- /start and /help ---------------------------------------------------------------------


def main_menu(lang: str) -> InlineKeyboardMarkup:
    def button(label: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=cb.menu_data(action))

    return InlineKeyboardMarkup(
        [
            [button(tb(lang, "❓ Ask a question"), "ask")],
            [
                button(tb(lang, "📚 Browse documents"), "browse"),
                button(tb(lang, "🏛 Tasks of an agency"), "agency"),
            ],
            [button(tb(lang, "ℹ️ Help"), "help"), button("🌐 Tiếng Việt / English", "lang")],
        ]
    )


def welcome_text(lang: str, first_name: str | None) -> str:
    greeting = t(lang, "Hello, {name}!", name=first_name) if first_name else t(lang, "Hello!")
    body = t(
        lang,
        "I help officers carry out <b>Conclusion 44-KL/TW</b> of the Party Secretariat, "
        "<b>Decision 895/QĐ-TTg</b> of the Prime Minister and the local plans under them.\n\n"
        "Ask me who leads or coordinates a task, when it is due, what it must produce, or "
        "what an agency must do. I answer from the documents and cite the source.\n\n"
        "Type a question (with or without diacritics) or choose below.",
    )
    return f"{greeting}\n{body}"


def help_text(lang: str) -> str:
    return t(
        lang,
        "<b>How to use the bot</b>\n"
        "Type a question as a message, for example:\n"
        "• <i>Who leads the review of the Law on Red Cross activities?</i>\n"
        "• <i>When is the review of Conclusion 44 due?</i>\n"
        "• <i>What must the Ministry of Home Affairs do?</i>\n\n"
        "<b>Commands</b>\n"
        "/hoi &lt;question&gt; — ask a question\n"
        "/vanban — browse the documents, their sections and tasks\n"
        "/coquan &lt;agency&gt; — everything an agency must do, by level\n"
        "/lang — Tiếng Việt / English\n"
        "/start — introduction\n\n"
        "Abbreviations such as UBND, MTTQ, BNV, KL44 or QĐ 895 are understood. "
        "Under an answer, buttons show the coordinating agencies, the deadline, the output "
        "and the source.",
    )


async def cmd_start(update: Update, context: Context) -> None:
    lang = context.lang
    user = update.effective_user
    await send_html(
        update, context, welcome_text(lang, user.first_name if user else None), main_menu(lang)
    )
    await first_steps.show_next_steps(update, context)


#: commands the fixed part of the help text already explains
_HELP_CORE = frozenset({"hoi", "vanban", "coquan", "lang", "help", "start"})


def more_commands_text(lang: str, commands: list[CommandSpec]) -> str:
    """The other areas' commands (progress, volunteers, digest…), one line each."""
    lines = [
        f"/{spec.command} — {t(lang, spec.description)}"
        for spec in dict((c.command, c) for c in commands).values()
        if spec.command not in _HELP_CORE
    ]
    return t(lang, "<b>More commands</b>") + "\n" + "\n".join(lines) if lines else ""


async def cmd_help(update: Update, context: Context) -> None:
    lang = context.lang
    more = more_commands_text(lang, context.services.commands)
    await send_html(update, context, help_text(lang) + (f"\n\n{more}" if more else ""))


# -- /lang -------------------------------------------------------------------------------------


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=cb.lang_data(code))
                for code in LANGUAGES
            ]
        ]
    )


def switched_text(lang: str) -> str:
    # Translators: said in the language just chosen: name this catalog's own language.
    return t(lang, "From now on I will answer in English.")


async def cmd_lang(update: Update, context: Context) -> None:
    """/lang: buttons; ``/lang en`` / ``/lang vi`` switches at once."""
    wanted = normalize_lang(command_argument(update)) or language_named(command_argument(update))
    if wanted:
        context.lang = wanted
        await send_html(update, context, switched_text(wanted))
        return
    await send_html(update, context, t(context.lang, "Choose your language:"), language_keyboard())


async def on_lang_button(update: Update, context: Context) -> None:
    query = update.callback_query
    parsed = cb.parse(query.data if query else None)
    if parsed is None or parsed.kind != "lang":
        await invalid_button(update, context)
        return
    lang = parsed.args[0]
    context.lang = lang
    if query is not None:
        await query.answer()
    await edit_html(update, context, switched_text(lang))


# -- main menu buttons -------------------------------------------------------------------------


async def on_menu_button(update: Update, context: Context) -> None:
    query = update.callback_query
    parsed = cb.parse(query.data if query else None)
    if parsed is None or parsed.kind != "menu":
        await invalid_button(update, context)
        return
    if query is not None:
        await query.answer()
    action = parsed.args[0]
    if action == "ask":
        await qa.prompt_question(update, context)
    elif action == "browse":
        await browse.cmd_browse(update, context)
    elif action == "agency":
        await agency.ask_which_agency(update, context)
    elif action == "help":
        await cmd_help(update, context)
    elif action in ("grant", "codes"):
        await first_steps.on_step(update, context, action)
    else:
        await send_html(
            update, context, t(context.lang, "Choose your language:"), language_keyboard()
        )


# -- plain text and everything else ------------------------------------------------------------


async def clear_pending(update: Update, context: Context) -> None:
    """Runs before every command (handler group -1): a command ends any pending prompt."""
    set_pending(context, None)


async def on_text(update: Update, context: Context) -> None:
    """Plain text in a private chat: an agency name after a bare /coquan, else a question."""
    message = update.effective_message
    text = message.text if message and message.text else ""
    if pop_pending(context) == "agency":
        await agency.find_and_show(update, context, text)
        return
    chat = smalltalk.kind_of(text)
    if chat is not None:
        await send_html(update, context, smalltalk.reply(chat, context.lang))
        return
    await qa.answer_question(update, context, text)


def _what(message: Message | None) -> str:
    if message is None:
        return "unknown"
    for kind in (
        "sticker",
        "photo",
        "voice",
        "audio",
        "video",
        "video_note",
        "animation",
        "document",
        "location",
        "venue",
        "contact",
        "poll",
        "dice",
    ):
        if getattr(message, kind, None):
            return kind
    return "other"


async def on_other_message(update: Update, context: Context) -> None:
    """Stickers, photos, voice, files, locations…: a polite pointer to what works."""
    lang = context.lang
    kind = _what(update.effective_message)
    if kind in {"voice", "audio", "video_note"}:
        text = t(lang, "I cannot listen to voice messages yet. Please type your question.")
    elif kind in {"photo", "document", "video", "animation"}:
        text = t(
            lang,
            "Thank you! I can only read text, not files or pictures. Please type your "
            "question, for example: <i>Who leads the review of the Law on Red Cross "
            "activities?</i>",
        )
    elif kind == "sticker":
        text = t(lang, "Nice sticker! 🙂 Type a question when you are ready, or send /help.")
    else:
        text = t(lang, "I can only read text messages. Please type your question, or send /help.")
    await send_html(update, context, text)


_CANCEL_COMMANDS = {"huy", "cancel"}


async def on_unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    command = (message.text or "").split(maxsplit=1)[0] if message else ""
    if command[1:].split("@", 1)[0].casefold() in _CANCEL_COMMANDS:
        # /huy reaches this catch-all only when no flow (of any area) is open.
        await send_html(update, context, t(context.lang, "There is nothing to cancel."))
        return
    await send_html(
        update,
        context,
        t(
            context.lang,
            "I do not know the command {command}. Send /help to see what I can do.",
            command=command[:64],
        ),
    )


# -- errors --------------------------------------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the exception (with the update id, never the token) and apologise in chat."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    try:
        lang = context.lang
    except Exception:  # the services themselves may be what failed
        lang = "vi"
    text = t(lang, "Sorry, something went wrong on my side. Please try again in a moment.")
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # the handler may have answered it
            await update.callback_query.answer()
    try:
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as exc:
        log.warning("could not tell chat about the error of update %s: %s", update_id, exc)
