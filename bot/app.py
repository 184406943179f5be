"""Builds the python-telegram-bot Application: settings → services → handlers → run.

This module only wires: Defaults, the handlers in order, the error handler, the menu
commands and the start-up/shut-down hooks. What the bot *does* lives in ``handlers/``.

How another area plugs in (one line here, the rest in its own module)
------------------------------------------------------------------------
1. In ``handlers/<area>.py`` write ``def register(application: BotApplication) -> None``
   that calls ``application.add_handler(...)`` for its commands, callback queries
   (use a callback-data prefix of its own, not ``t: a: b: l: m:``) and conversations;
   it may also append to

   - ``application.services.startup`` / ``.shutdown``: ``async def hook(application)``,
     run in ``post_init`` / ``post_shutdown`` (the core opens the database before every
     area's start-up hook: ``application.services.db``; ``bot/lifecycle.py``);
   - ``application.services.commands``: ``CommandSpec("tiendo", N_("Report progress"))``
     to show a command in the Telegram menu (Vietnamese and English descriptions come
     from the catalogs).

2. Import the module below and add its ``register`` to :data:`AREAS`.

Areas are registered *after* the core commands and *before* the catch-alls (plain
text as a question, unknown commands, unknown buttons, stickers and photos), so an
area's handlers always see their updates first. An area that needs to run before
the core (e.g. an access check) can use handler group -1.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot import lifecycle, metrics
from bot.clock import SYSTEM_CLOCK, Clock
from bot.context import CONTEXT_TYPES, BotApplication, CommandSpec, Services
from bot.db.persistence import DatabasePersistence
from bot.i18n import N_, compile_catalogs, tb
from bot.metrics import Metrics
from bot.replica import Lease, SoloLease, install_stop_signals, serve_replicated
from bot.settings import Settings
from bot.updates import PerChatUpdateProcessor
from handlers import admin as admin_area
from handlers import agency, browse, common, qa
from handlers import campaigns as campaigns_area
from handlers import curation as curation_area
from handlers import digest as digest_area
from handlers import membership as membership_area
from handlers import progress as progress_area
from handlers import reminders as reminders_area
from handlers import volunteers as volunteers_area

log = logging.getLogger(__name__)

Register = Callable[[BotApplication], None]

#: Other areas' ``register`` functions, in order. Add one line per area, e.g.
#:     from handlers import progress        (at the top of this module)
#:     progress.register,                   (in this list)
AREAS: list[Register] = [
    membership_area.register,  # opens the database first (post_init), /thamgia…
    admin_area.register,
    progress_area.register,
    reminders_area.register,
    digest_area.register,
    volunteers_area.register,
    campaigns_area.register,
    curation_area.register,  # after membership: needs services.db in its start-up hook
]

#: The core commands, in menu order (Vietnamese names; descriptions are msgids).
CORE_COMMANDS: list[CommandSpec] = [
    CommandSpec("hoi", N_("Ask a question about the documents")),
    CommandSpec("vanban", N_("Browse the documents, sections and tasks")),
    CommandSpec("coquan", N_("Everything an agency must do")),
    CommandSpec("lang", N_("Language: Tiếng Việt / English")),
    CommandSpec("help", N_("How to use the bot")),
    CommandSpec("start", N_("Introduction")),
]
#: Unlisted aliases that also work: English names people may try.
ALIASES: dict[str, tuple[str, ...]] = {
    "hoi": ("ask",),
    "vanban": ("documents", "docs"),
    "coquan": ("agency",),
    "help": ("trogiup",),
    "lang": ("ngonngu", "language"),
}
MENU_LANGUAGES = ("vi", "en")


def load_services(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> Services:
    """The knowledge base and the answer engine, loaded once."""
    from knowledge.engine import Engine
    from knowledge.loader import load_knowledge

    kb = load_knowledge()
    return Services(settings=settings, engine=Engine(kb), kb=kb, clock=clock)


def build_application(
    settings: Settings,
    *,
    services: Services | None = None,
    clock: Clock = SYSTEM_CLOCK,
    areas: list[Register] | None = None,
    replica: bool = False,
) -> BotApplication:
    """The Application, fully wired; nothing is started. ``settings.token`` is required.

    ``replica``: updates come through the inbox (bot/inbox.py), whose save round writes
    the conversation state, so PTB's own once-a-second persistence loop is off."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    compile_catalogs()
    services = services or load_services(settings, clock)
    builder = (
        ApplicationBuilder()
        .application_class(BotApplication, kwargs={"services": services})
        .token(settings.token)
        .context_types(CONTEXT_TYPES)  # every callback gets a BotContext
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # user_data and conversation states survive restarts (table bot_state)
        .persistence(
            DatabasePersistence(
                settings.database_url,
                clock=services.clock,
                update_interval=REPLICA_SAVE_OFF if replica else 1.0,
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        # chats are served concurrently, each chat's updates strictly in order
        .concurrent_updates(PerChatUpdateProcessor(settings.concurrent_updates))
    )
    if replica:
        builder = builder.updater(None)  # the inbox fetches the updates
    if settings.base_url:
        builder = builder.base_url(settings.base_url)
    if settings.base_file_url:
        builder = builder.base_file_url(settings.base_file_url)
    if settings.rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application: BotApplication = builder.build()  # type: ignore[assignment]
    processor = application.update_processor
    if isinstance(processor, PerChatUpdateProcessor):  # per-handler counts and latency
        processor.observers.append(services.metrics.observe_update)
    wire(application, AREAS if areas is None else areas)
    return application


def wire(application: BotApplication, areas: list[Register]) -> None:
    """Register every handler, in order. The first matching handler of a group wins."""
    add = application.add_handler
    private = filters.ChatType.PRIVATE

    # The database is opened once, by the core, before any feature's start-up hook
    # (a database handed in by a test's start-up hook, inserted before this one, is kept),
    # and closed after every feature's shut-down hook.
    application.services.startup.insert(0, lifecycle.open_database)
    application.services.shutdown.insert(0, lifecycle.close_database)
    # Then /metrics and /healthz (bot/metrics.py), which read the outbox at each scrape.
    application.services.startup.insert(1, metrics.start_metrics)
    application.services.shutdown.insert(1, metrics.stop_metrics)

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
    application.services.commands[:0] = CORE_COMMANDS

    # 2. Other areas (progress, admin, volunteers, digest…): see the module docstring.
    for register in areas:
        register(application)

    # 3. Core buttons, by callback-data prefix (handlers/callbacks.py documents them).
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
    add(CallbackQueryHandler(common.invalid_button))
    add(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, common.on_other_message)
    )

    # Errors: logged with secrets redacted; the user gets an apology, never a traceback;
    # each is counted for /metrics.
    application.add_error_handler(common.on_error)
    application.add_error_handler(metrics.count_error)


async def _post_init(application: BotApplication) -> None:  # type: ignore[override]
    for hook in application.services.startup:
        await hook(application)
    await set_menu_commands(application)


async def _post_shutdown(application: BotApplication) -> None:  # type: ignore[override]
    for hook in reversed(application.services.shutdown):
        try:
            await hook(application)
        except Exception:
            log.exception("shutdown hook %r failed", hook)


def menu_commands(specs: list[CommandSpec], lang: str) -> list[BotCommand]:
    seen: set[str] = set()
    out = []
    for spec in specs:
        if spec.command not in seen:
            seen.add(spec.command)
            out.append(BotCommand(spec.command, tb(lang, spec.description)))
    return out


async def set_menu_commands(application: BotApplication) -> None:
    """setMyCommands: Vietnamese for everyone, English for English-language clients."""
    specs = application.services.commands
    default = application.services.settings.default_language
    bot = application.bot
    await bot.set_my_commands(menu_commands(specs, default), scope=BotCommandScopeDefault())
    for lang in MENU_LANGUAGES:
        await bot.set_my_commands(menu_commands(specs, lang), language_code=lang)


# -- running ------------------------------------------------------------------------------

#: PTB's own persistence loop interval in replica mode: never (the inbox saves instead).
REPLICA_SAVE_OFF = 10.0**9


async def run_polling(settings: Settings) -> None:
    """Long polling through the inbox (bot/inbox.py): a crash mid-step loses nothing. With
    several replicas on one PostgreSQL, stand by until this one holds the lease."""
    stop = asyncio.Event()
    install_stop_signals(stop)
    lease = Lease(settings.database_url) if settings.replicated else SoloLease()
    # One /metrics and /healthz for the process: a standby answers too ("standby").
    process_metrics = Metrics(process_level=True)
    process_metrics.set_role("standby")
    await process_metrics.serve(settings.metrics_listen, settings.metrics_port)

    def build() -> BotApplication:  # on each takeover: the knowledge base as it is now
        services = load_services(settings)
        services.metrics = process_metrics
        return build_application(settings, services=services, replica=True)

    def on_active(active: bool) -> None:
        process_metrics.set_role("active" if active else "standby")

    if settings.replicated:
        log.info("replica mode: one active replica, the others on standby")
    try:
        await serve_replicated(lease, build, stop, on_active=on_active)
    finally:
        await process_metrics.close()


async def start_polling(application: BotApplication, *, poll_timeout: int = 10) -> None:
    """Initialise, start and poll without blocking (tests, the demo, benchmarks)."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
    )


async def start_webhook(application: BotApplication, settings: Settings) -> None:
    """Like :func:`start_polling`, but Telegram POSTs updates to WEBHOOK_URL."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=settings.webhook_path,
        webhook_url=settings.webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )


async def stop_polling(application: BotApplication) -> None:
    """The reverse of :func:`start_polling` (and of :func:`start_webhook`)."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


def run(settings: Settings) -> None:
    """Run until interrupted: long polling through the inbox (with replicas on PostgreSQL,
    standing by until this replica is the active one), or a webhook server when
    WEBHOOK_URL is set."""
    if not settings.webhook_url:
        asyncio.run(run_polling(settings))
        return
    application = build_application(settings)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    log.info("starting webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
    application.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=settings.webhook_path,
        webhook_url=settings.webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )

