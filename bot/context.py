"""The one typed context every handler and job receives, and the services behind it.

PTB builds a :class:`BotContext` for every update and job (``ContextTypes(context=…)``,
as in PTB's ``contexttypesbot`` example), so a handler writes ``context.services``,
``context.db`` and ``context.lang`` instead of looking them up.

The services (settings, engine, knowledge base, clock, database, and each feature's
long-lived objects) hang on the Application itself (:class:`BotApplication`), not in
``bot_data``, so a persistence that restores ``bot_data`` can never drop them. Each
feature's object is a typed attribute of :class:`Services`; objects of the layers above
``bot/`` (the scheduler), which ``bot/`` must not name, are kept by their class with
:meth:`Services.put` / :meth:`Services.get`.

Hooks: ``services.startup`` / ``services.shutdown`` hold ``async def hook(application)``
run in ``post_init`` (before the bot takes updates, in list order) / ``post_shutdown``
(in reverse order). The core's first start-up hook opens the database
(:func:`bot.lifecycle.open_database`), so every feature finds ``services.db`` open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.callbacks import Resolver
from bot.clock import SYSTEM_CLOCK, Clock
from bot.i18n import normalize_lang
from bot.metrics import Metrics

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.curation.service import CurationService
    from bot.db.engine import Database
    from bot.settings import Settings
    from knowledge.base import KnowledgeBase
    from knowledge.engine import Engine

T = TypeVar("T")

LANG_KEY = "lang"  # context.user_data key of the chosen language

Hook = Callable[["BotApplication"], Awaitable[None]]

#: The progress feature's guided update for one task, started from elsewhere (a reminder's
#: "update" button): ``await entry(update, context, task_id)``.
ProgressEntry = Callable[[Update, "BotContext", str], Awaitable[object]]

#: The volunteers feature's "registrations per campaign" for the weekly digest:
#: ``await hook(session, scope_agency_ids, now)`` → ``[(campaign name, count), …]``.
RegistrationsHook = Callable[
    ["AsyncSession", frozenset[str], "dt.datetime"], Awaitable[list[tuple[str, int]]]
]


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
    #: the database, opened by the core's first start-up hook (None until then, and in
    #: a bot built without one)
    db: Database | None = None
    startup: list[Hook] = field(default_factory=list)
    shutdown: list[Hook] = field(default_factory=list)
    commands: list[CommandSpec] = field(default_factory=list)
    #: features' entry points and state (typed; set by the feature's registration)
    progress_entry: ProgressEntry | None = None
    digest_registrations: RegistrationsHook | None = None
    #: the curation loop (question queue, ratings, engine swaps, pseudonym key)
    curation: CurationService = field(init=False, repr=False)
    #: counters and gauges for /metrics (one per process in production: bot.app)
    metrics: Metrics = field(default_factory=Metrics)
    #: True when the core opened ``db`` itself (then it also disposes of it)
    owns_db: bool = False
    _resolver: Resolver | None = field(default=None, init=False, repr=False)
    _by_class: dict[type, object] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        from bot.curation.service import CurationService  # the database layer, on first use

        self.curation = CurationService(self)

    @property
    def resolver(self) -> Resolver:
        """Callback-data ids of the knowledge base in service (rebuilt when it is swapped)."""
        if self._resolver is None or self._resolver.kb is not self.kb:
            self._resolver = Resolver(self.kb)
        return self._resolver

    @resolver.setter
    def resolver(self, resolver: Resolver) -> None:
        self._resolver = resolver

    def put(self, value: object) -> None:
        """Keep a long-lived object of a layer above ``bot/`` (e.g. the scheduler service),
        found again by its class with :meth:`get`."""
        self._by_class[type(value)] = value

    def get(self, kind: type[T]) -> T | None:
        value = self._by_class.get(kind)
        return value if isinstance(value, kind) else None

    def pop(self, kind: type[T]) -> T | None:
        value = self._by_class.pop(kind, None)
        return value if isinstance(value, kind) else None


class BotApplication(
    Application[
        ExtBot[None],
        "BotContext",
        dict[Any, Any],
        dict[Any, Any],
        dict[Any, Any],
        JobQueue["BotContext"],
    ]
):
    """PTB Application carrying the bot's services."""

    __slots__ = ("services",)

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context of every handler, error handler and job of this bot."""

    @property
    def services(self) -> Services:
        return self.bot_application.services

    @property
    def bot_application(self) -> BotApplication:
        """``application``, typed as this bot's."""
        app = self.application
        if not isinstance(app, BotApplication):
            raise TypeError("the application was not built by bot.app.build")
        return app

    @property
    def db(self) -> Database:
        """The open database; raises when there is none (a bot built without one)."""
        db = self.services.db
        if db is None:
            raise RuntimeError("the database is not open")
        return db

    @property
    def chosen_lang(self) -> str | None:
        """The language the user picked with /lang, if any."""
        data = self.user_data
        return normalize_lang(data.get(LANG_KEY)) if data is not None else None

    @property
    def lang(self) -> str:
        """The language to talk to this user in."""
        return self.chosen_lang or self.services.settings.default_language

    @lang.setter
    def lang(self, lang: str) -> None:
        if self.user_data is not None:
            self.user_data[LANG_KEY] = lang


CONTEXT_TYPES = ContextTypes(context=BotContext)
