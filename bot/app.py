"""Builds the python-telegram-bot Application: settings → services → Application → run.

The core's half of the wiring, with no handler in it: Defaults, the typed context, the
persistence, the per-chat update processor and its metrics, the rate limiter, the
start-up and shut-down hooks (the database is opened first: ``bot/lifecycle.py``; then
/metrics), the menu commands, and starting, running (replicas, inbox) and stopping.
Which handlers the bot has, in which order, is decided one layer up, by the entry module
``kl44.py`` (it imports ``handlers/``, which ``bot/`` must not): it hands :func:`build` a
``wire(application)`` function that registers them, and :func:`run` its
``build_application``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    Defaults,
)

from bot import lifecycle
from bot.clock import SYSTEM_CLOCK, Clock
from bot.context import CONTEXT_TYPES, BotApplication, CommandSpec, Services
from bot.db.persistence import DatabasePersistence
from bot.i18n import N_, compile_catalogs, tb
from bot.metrics import Metrics
from bot.ratelimit import PerChatRateLimiter
from bot.replica import Lease, SoloLease, install_stop_signals, serve_replicated
from bot.settings import Settings
from bot.updates import PerChatUpdateProcessor

log = logging.getLogger(__name__)

#: ``wire(application)``: registers every handler (``kl44.wire``).
Register = Callable[[BotApplication], None]


class BuildBot(Protocol):
    """``kl44.build_application``: the whole bot, built anew (on each replica takeover)."""

    def __call__(
        self, settings: Settings, *, services: Services | None = ..., replica: bool = ...
    ) -> BotApplication: ...


#: The core commands, in menu order (Vietnamese names; descriptions are msgids); the
#: entry module ``kl44.py`` registers their handlers.
CORE_COMMANDS: list[CommandSpec] = [
    CommandSpec("hoi", N_("Ask a question about the documents")),
    CommandSpec("vanban", N_("Browse the documents, sections and tasks")),
    CommandSpec("coquan", N_("Everything an agency must do")),
    CommandSpec("lang", N_("Language: Tiếng Việt / English")),
    CommandSpec("help", N_("How to use the bot")),
    CommandSpec("start", N_("Introduction")),
]
MENU_LANGUAGES = ("vi", "en")


def load_services(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> Services:
    """The knowledge base and the answer engine, loaded once."""
    from knowledge.engine import Engine
    from knowledge.loader import load_knowledge

    kb = load_knowledge()
    return Services(settings=settings, engine=Engine(kb), kb=kb, clock=clock)


def build(
    settings: Settings,
    wire: Register,
    *,
    services: Services | None = None,
    clock: Clock = SYSTEM_CLOCK,
    replica: bool = False,
) -> BotApplication:
    """The Application with ``wire``'s handlers; nothing is started. ``settings.token`` is
    required.

    ``replica``: updates come through the inbox (bot/inbox.py), whose save round writes
    the conversation state, so PTB's own once-a-second persistence loop is off."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    compile_catalogs()
    services = services or load_services(settings, clock)
    # Any: PTB's builder changes its own type parameters at each step (context types,
    # rate limiter); what it builds is checked below.
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
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
        # one chat's 429 pauses that chat only (PTB's AIORateLimiter pauses every chat)
        builder = builder.rate_limiter(PerChatRateLimiter(max_retries=3))
    application = builder.build()
    if not isinstance(application, BotApplication):  # pragma: no cover - application_class
        raise TypeError("ApplicationBuilder did not build a BotApplication")
    processor = application.update_processor
    if isinstance(processor, PerChatUpdateProcessor):  # per-handler counts and latency
        processor.observers.append(services.metrics.observe_update)
    # The database is opened once, by the core, before any feature's start-up hook (a
    # database handed in by a test's start-up hook, inserted before this one, is kept),
    # and closed after every feature's shut-down hook.
    services.startup.insert(0, lifecycle.open_database)
    services.shutdown.insert(0, lifecycle.close_database)
    # Then /metrics and /healthz (bot/metrics.py), which read the outbox at each scrape.
    services.startup.insert(1, lifecycle.start_metrics)
    services.shutdown.insert(1, lifecycle.stop_metrics)
    wire(application)
    return application


def _bot_application(application: Application[Any, Any, Any, Any, Any, Any]) -> BotApplication:
    if not isinstance(application, BotApplication):  # pragma: no cover - built by build()
        raise TypeError("not built by bot.app.build")
    return application


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application = _bot_application(app)
    for hook in application.services.startup:
        await hook(application)
    await set_menu_commands(application)


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application = _bot_application(app)
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


async def run_polling(settings: Settings, build_application: BuildBot) -> None:
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


def run(settings: Settings, build_application: BuildBot) -> None:
    """Run until interrupted: long polling through the inbox (with replicas on PostgreSQL,
    standing by until this replica is the active one), or a webhook server when
    WEBHOOK_URL is set."""
    if not settings.webhook_url:
        asyncio.run(run_polling(settings, build_application))
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
