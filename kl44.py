"""The entry point and the wiring: every handler of the bot, registered in one place.

This module is the top layer of the house, above ``handlers/``, ``scheduler/``, ``bot/``
and ``knowledge/`` (``docs/architecture.md``). It is the one module that imports the
handlers of every feature, so it cannot live in ``bot/``: ``handlers → bot`` is the
direction of every other import, and a wiring module inside ``bot/`` would run back up.
``bot/app.py`` builds the Application (Defaults, typed context, persistence, hooks) and
runs it; this module decides which handlers it has and in which order (as rules-bot's
``rules_bot.py`` does), and starts it: ``python -m bot`` (kept for habit, the
Dockerfile and the systemd unit) hands ``run`` and ``demo`` over to :func:`main_run` and
:func:`main_demo` here.

Order matters: PTB tries the handlers of a group in order and the first that matches
wins. So: the command that ends a pending prompt (group -1, runs first and lets
processing go on); the core commands; each feature's handlers (its conversations,
commands and buttons, by callback-data prefix: see ``bot/callbacks.py``); the core
buttons; the catch-alls (plain text is a question, unknown commands and buttons, stickers
and photos); the error handler.
"""

from __future__ import annotations

import sys
from typing import TextIO

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import app as core
from bot import demo, lifecycle
from bot.clock import SYSTEM_CLOCK, Clock
from bot.context import BotApplication, Services
from bot.settings import Settings
from handlers import (
    admin,
    agency,
    browse,
    campaigns,
    common,
    curation,
    deliveries,
    digest,
    membership,
    progress,
    qa,
    reminders,
    throttle,
    volunteers,
)
from handlers.context import invalid_button
from scheduler import campaign_reminders, jobs, retention

Register = core.Register

#: Each feature's ``register(application)``, in order: its conversations, commands,
#: buttons, start-up hooks and menu entries.
AREAS: list[Register] = [
    throttle.register,  # group -2: per-user throttle before everything else
    membership.register,  # /thamgia, /macode, /roikhoi; syncs the knowledge base to the database
    admin.register,  # /dieuphoi (admins only)
    progress.register,  # /capnhat conversation, /tiendo
    reminders.register,  # reminder buttons, /vang, /trolai, /hanchot; scheduler jobs
    digest.register,  # /baocao, /xuat
    volunteers.register,  # /dangky conversation, /cuatoi, /xoadulieu
    campaigns.register,  # /chiendich conversation
    campaign_reminders.register,  # the tick that queues volunteers' day-before reminders
    curation.register,  # /chuatraloi, /taiknowledge; 👍/👎 under answers
    deliveries.register,  # /loigui (admins): failed deliveries
    retention.register,  # daily purge of stale state, old questions, ended campaigns' data
]

#: Unlisted aliases that also work: English names people may try.
ALIASES: dict[str, tuple[str, ...]] = {
    "hoi": ("ask",),
    "vanban": ("documents", "docs"),
    "coquan": ("agency",),
    "help": ("trogiup",),
    "lang": ("ngonngu", "language"),
}


def wire(application: BotApplication, areas: list[Register] | None = None) -> None:
    """Register every handler, in order (``areas``: the features; default :data:`AREAS`)."""
    add = application.add_handler
    private = filters.ChatType.PRIVATE

    # Group -1 (runs first, then processing goes on): any command ends a pending prompt
    # (a bare /coquan waits for an agency name; /hoi afterwards must not be taken as one).
    add(MessageHandler(filters.COMMAND, common.clear_pending), group=-1)

    # 1. Core commands, with their unlisted English aliases.
    commands = {
        "start": common.cmd_start,
        "help": common.cmd_help,
        "hoi": qa.cmd_ask,
        "vanban": browse.cmd_browse,
        "coquan": agency.cmd_agency,
        "lang": common.cmd_lang,
    }
    for name, callback in commands.items():
        add(CommandHandler([name, *ALIASES.get(name, ())], callback))
    application.services.commands[:0] = core.CORE_COMMANDS

    # 2. The features, after the core commands and before the catch-alls, so a feature's
    #    handlers always see their updates first.
    for register in AREAS if areas is None else areas:
        register(application)

    # 3. Core buttons, by callback-data prefix (bot/callbacks.py documents them).
    add(CallbackQueryHandler(qa.on_task_button, pattern=r"^t:"))
    add(CallbackQueryHandler(qa.on_page_button, pattern=r"^p:"))
    add(CallbackQueryHandler(agency.on_agency_button, pattern=r"^a:"))
    add(CallbackQueryHandler(browse.on_browse_button, pattern=r"^b:"))
    add(CallbackQueryHandler(common.on_lang_button, pattern=r"^l:"))
    add(CallbackQueryHandler(common.on_menu_button, pattern=r"^m:"))

    # 4. Catch-alls, last: plain text in a private chat is a question; an unknown
    #    command, an unknown (old or forged) button, or anything that is not text
    #    (sticker, photo, voice, file…) gets a polite answer.
    add(MessageHandler(private & filters.TEXT & ~filters.COMMAND, common.on_text))
    add(MessageHandler(filters.COMMAND, common.on_unknown_command))
    add(CallbackQueryHandler(invalid_button))
    add(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, common.on_other_message)
    )

    # Errors: logged with secrets redacted; the user gets an apology, never a traceback;
    # each is counted for /metrics.
    application.add_error_handler(common.on_error)
    application.add_error_handler(lifecycle.count_error)


def build_application(
    settings: Settings,
    *,
    services: Services | None = None,
    clock: Clock = SYSTEM_CLOCK,
    areas: list[Register] | None = None,
    replica: bool = False,
) -> BotApplication:
    """The whole bot (or the core and ``areas`` only), fully wired; nothing is started.

    ``replica``: updates come through the inbox (bot/inbox.py), see :func:`bot.app.build`."""
    return core.build(
        settings,
        lambda application: wire(application, areas),
        services=services,
        clock=clock,
        replica=replica,
    )


async def run_demo(
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    *,
    database_url: str = demo.DEMO_DATABASE,
    settings: Settings | None = None,
) -> int:
    """The whole bot against the local emulator, chatted with from a terminal."""
    return await demo.run_demo(
        build_application,
        stdin,
        stdout,
        database_url=database_url,
        settings=settings,
        scheduler_of=jobs.scheduler_service,
    )


def main_demo(argv: list[str]) -> int:
    return demo.main_demo(argv, build_application, jobs.scheduler_service)


def main_run() -> int:
    """``python -m bot`` / ``python -m bot run``: the bot on Telegram (the demo without a
    token)."""
    from pydantic import ValidationError

    from bot.i18n import tb
    from bot.logs import configure_logging
    from bot.settings import describe_invalid, load_settings
    from knowledge.loader import KnowledgeError
    from scheduler.config import SchedulerSettings

    try:
        settings = load_settings()
        SchedulerSettings()  # read again when the scheduler starts; checked here first
    except ValidationError as exc:
        print(describe_invalid(exc), file=sys.stderr)
        return 2
    if not settings.token:
        lang = settings.default_language
        print(tb(lang, "No TELEGRAM_BOT_TOKEN is set, so the bot cannot connect to Telegram."))
        print(
            tb(
                lang,
                "To get a token: open https://t.me/BotFather in Telegram, send /newbot, follow "
                "the steps, and put the token in .env as TELEGRAM_BOT_TOKEN=… (see .env.example).",
            )
        )
        print(tb(lang, "Starting the local demo instead."), flush=True)
        return main_demo([])
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    configure_logging(settings.log_level, secrets=[settings.token, secret], fmt=settings.log_format)
    try:
        core.run(settings, build_application)
    except KnowledgeError as exc:
        print(f"knowledge base is invalid ({len(exc.problems)} problems):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    return 0
