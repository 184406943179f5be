"""The core's start-up and shut-down hooks: the database (opened once, by the core), then
/metrics and /healthz; and the error handler that counts errors for /metrics.

:func:`open_database` runs first in ``post_init`` (``bot.app.build`` puts it there), so
every feature's start-up hook finds ``services.db`` open. It reuses the persistence's
database when the bot has the database persistence (one pool for both), else opens
``DATABASE_URL`` itself; a database handed in beforehand (tests) is kept as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.context import BotApplication, BotContext


async def open_database(application: BotApplication) -> None:
    """Open (and upgrade) the database unless someone already has."""
    from bot.db.migrate import open_database as open_url
    from bot.db.persistence import DatabasePersistence

    svc = application.services
    if svc.db is not None:
        return
    persistence = application.persistence
    if isinstance(persistence, DatabasePersistence):
        svc.db = await persistence.open()  # the persistence closes it
    else:
        svc.db = await open_url(svc.settings.database_url)
        svc.owns_db = True


async def close_database(application: BotApplication) -> None:
    """The reverse of :func:`open_database` (runs last in ``post_shutdown``)."""
    from bot.db.persistence import DatabasePersistence

    svc = application.services
    if svc.owns_db and svc.db is not None:
        await svc.db.dispose()
    if isinstance(application.persistence, DatabasePersistence):
        await application.persistence.close()
    svc.db, svc.owns_db = None, False


# -- /metrics and /healthz (bot/metrics.py) ---------------------------------------------------


async def start_metrics(application: BotApplication) -> None:
    """Start-up hook: measure this bot's outbox, know its commands, serve the endpoints."""
    services = application.services
    metrics = services.metrics
    metrics.db = services.db
    metrics.known_commands = {spec.command for spec in services.commands} | {
        handler_command
        for group in application.handlers.values()
        for handler in group
        for handler_command in getattr(handler, "commands", ())
    }
    settings = services.settings
    await metrics.serve(settings.metrics_listen, settings.metrics_port)
    if metrics.role == "starting":
        metrics.set_role("active")


async def stop_metrics(application: BotApplication) -> None:
    """Shut-down hook: a server this bot started stops with it (a process-level one,
    shared by the replicas' successive bots, is the process's to stop)."""
    metrics = application.services.metrics
    if metrics.role == "active" and not metrics.process_level:
        metrics.set_role("stopping")
        await metrics.close()


async def count_error(_update: object, context: BotContext) -> None:
    """Error handler beside the one that apologises: counts every error."""
    context.services.metrics.errors.inc()
