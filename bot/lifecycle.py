"""The core's start-up and shut-down hooks: the database is opened once, by the core.

:func:`open_database` runs first in ``post_init`` (``bot.app.build`` puts it there), so
every feature's start-up hook finds ``services.db`` open. It reuses the persistence's
database when the bot has the database persistence (one pool for both), else opens
``DATABASE_URL`` itself; a database handed in beforehand (tests) is kept as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.context import BotApplication


async def open_database(application: BotApplication) -> None:
    """Open (and upgrade) the database unless someone already has."""
    from bot.db.engine import open_database as open_url
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
