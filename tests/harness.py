"""The end-to-end harness: the real bot, unmodified, polling the local Bot API emulator.

Use it from any test (the ``bot`` fixture in ``tests/e2e/conftest.py`` wraps it)::

    from tests.harness import BotHarness

    async with BotHarness.start(admin_ids={42}, database_url=url, clock=clock) as bot:
        lan = bot.chat(first_name="Lan")              # a new user in a private chat
        admin = bot.chat(user_id=42)                   # a chat with a given user id
        await lan.send("ai chu tri ra soat luat?")     # text, or "/hoi …" (a command)
        reply = await lan.reply()                      # next message the bot sent here
        assert "Bộ Nội vụ" in reply.text and "Thời hạn" in reply.labels[0]
        await lan.press("Thời hạn")                    # press a button by (part of) its label
        answer = await lan.callback_answer()           # answerCallbackQuery of that press
        edited = await lan.edit()                      # the next edit of a bot message
        await lan.send_sticker(); await lan.send_photo()
        lan.press_data("t:forged:x")                   # a forged button press

What it gives you:

- ``bot.emulator``: the :class:`~emulator.Emulator` (``stats``, ``flood``,
  ``commands()``, ``file_bytes()``, ``group_chat()``, ``block()``);
- ``bot.application``: the running PTB Application (``application.services`` holds
  settings, engine, clock, db…);
- ``bot.settings``: the :class:`~bot.settings.Settings` it runs with.

Options of :meth:`BotHarness.start`: ``admin_ids``, ``database_url`` (default: a fresh
SQLite file in a temporary directory, removed afterwards), ``clock`` (e.g. a
``ManualClock``), ``areas`` (register functions; default: ``kl44.AREAS``, i.e. the
whole bot), ``enforce_flood`` (429s from the emulator), ``rate_limit`` (PTB's limiter;
off by default so tests are fast), ``settings`` (extra Settings fields), ``knowledge``
(a ``(KnowledgeBase, Engine)`` pair instead of the curated one), ``webhook`` (the bot
runs its webhook server and the emulator POSTs updates to it, instead of long polling). Everything
waits on conditions with timeouts; stopping is clean (no task left running).
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import tempfile
from collections.abc import AsyncIterator, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.app import Register, start_polling, start_webhook, stop_polling
from bot.clock import SYSTEM_CLOCK, Clock
from bot.context import BotApplication, Services
from bot.settings import Settings
from emulator import ChatHandle, Emulator
from kl44 import build_application


@lru_cache(maxsize=1)
def shared_knowledge() -> tuple[Any, Any]:
    """(knowledge base, engine), loaded once per test session: they are immutable."""
    from knowledge.engine import Engine
    from knowledge.loader import load_knowledge

    kb = load_knowledge()
    return kb, Engine(kb)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_database(database: Any) -> Register:
    """An area that hands a test's :class:`~bot.db.engine.Database` to the bot at start-up
    (the persistence area's job in production), for tests that wire only some areas."""

    def register(application: BotApplication) -> None:
        async def attach(app: BotApplication) -> None:
            app.services.db = database

        application.services.startup.insert(0, attach)

    return register


class BotHarness:
    def __init__(self, emulator: Emulator, application: BotApplication, settings: Settings) -> None:
        self.emulator = emulator
        self.application = application
        self.settings = settings

    @property
    def services(self) -> Services:
        return self.application.services

    def chat(
        self,
        user_id: int | None = None,
        first_name: str = "Lan",
        *,
        language_code: str | None = "vi",
        username: str | None = None,
    ) -> ChatHandle:
        """A user's private chat with the bot (a fresh user unless ``user_id`` is given)."""
        return self.emulator.private_chat(
            user_id, first_name, language_code=language_code, username=username
        )

    @classmethod
    @contextlib.asynccontextmanager
    async def start(
        cls,
        *,
        admin_ids: Iterable[int] = (),
        database_url: str | None = None,
        clock: Clock = SYSTEM_CLOCK,
        areas: list[Register] | None = None,
        enforce_flood: bool = False,
        rate_limit: bool = False,
        settings: dict[str, Any] | None = None,
        knowledge: tuple[Any, Any] | None = None,
        webhook: bool = False,
    ) -> AsyncIterator[BotHarness]:
        scratch = None
        if database_url is None:  # a fresh embedded database per run, removed afterwards
            scratch = tempfile.TemporaryDirectory(prefix="kl44-e2e-")
            database_url = f"sqlite+aiosqlite:///{Path(scratch.name) / 'bot.db'}"
        emulator = Emulator(enforce_flood=enforce_flood)
        application: BotApplication | None = None
        try:
            await emulator.start()
            fields: dict[str, Any] = {
                "telegram_bot_token": emulator.token,
                "telegram_base_url": emulator.base_url,
                "admin_user_ids": ",".join(str(i) for i in admin_ids),
                "rate_limit": rate_limit,
                "throttle_messages": 0,  # tests type fast; tests/e2e/core/test_flood.py turns it on
                "metrics_port": 0,  # no /metrics server unless a test asks for one
                **(settings or {}),
                "database_url": database_url,
            }
            if webhook:  # the emulator POSTs updates to the bot's own web server
                port = free_port()
                fields.update(
                    webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
                    webhook_listen="127.0.0.1",
                    webhook_port=port,
                    webhook_secret=secrets.token_urlsafe(24),
                )
            config = Settings(_env_file=None, **fields)  # type: ignore[call-arg]
            kb, engine = knowledge or shared_knowledge()
            services = Services(settings=config, engine=engine, kb=kb, clock=clock)
            application = build_application(config, services=services, areas=areas)
            if webhook:
                await start_webhook(application, config)
            else:
                await start_polling(application, poll_timeout=5)
                await emulator.wait_polling()
            yield cls(emulator, application, config)
        finally:
            try:
                if application is not None:
                    await stop_polling(application)
            finally:
                await emulator.stop()
                if scratch is not None:
                    scratch.cleanup()
