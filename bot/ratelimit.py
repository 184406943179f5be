"""Outgoing Bot API requests kept within Telegram's limits, one chat's 429 never
delaying another chat.

PTB's ``AIORateLimiter`` answers a 429 (``retry_after``) by pausing *every* request of
the bot, getUpdates included: one user flooding their own chat stalled everyone (a
second user waited 43 s). Telegram's per-chat flood limit concerns that chat only, so
:class:`PerChatRateLimiter` pauses just the chat the 429 was about; the overall limit
(~30/s) and the group limit (20/min) are kept with ``aiolimiter`` as PTB does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]


class PerChatRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        overall_per_second: float = 30,
        group_per_minute: float = 20,
        max_retries: int = 3,
        max_chats: int = 4096,
    ) -> None:
        self.overall = AsyncLimiter(overall_per_second, 1)
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self.max_chats = max_chats
        self._groups: dict[int | str, AsyncLimiter] = {}
        #: chat id → monotonic time before which that chat must not be sent to
        self._paused: dict[int | str, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _group(self, chat_id: int | str) -> AsyncLimiter:
        limiter = self._groups.get(chat_id)
        if limiter is None:
            if len(self._groups) >= self.max_chats:
                self._groups.clear()  # idle limiters are full again anyway
            limiter = self._groups[chat_id] = AsyncLimiter(self.group_per_minute, 60)
        return limiter

    def pause(self, chat_id: int | str, seconds: float) -> None:
        """No request to ``chat_id`` for ``seconds`` (its 429); other chats go on."""
        if len(self._paused) >= self.max_chats:
            now = time.monotonic()
            self._paused = {c: t for c, t in self._paused.items() if t > now}
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), time.monotonic() + seconds)

    async def _wait_for_chat(self, chat_id: int | str) -> None:
        while (wait := self._paused.get(chat_id, 0.0) - time.monotonic()) > 0:
            await asyncio.sleep(wait)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        chat_id: int | str | None = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]  # None and "@name" fail: kept
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            try:
                if chat_id is None:  # getUpdates, getMe, answerCallbackQuery…: never held
                    return await callback(*args, **kwargs)
                await self._wait_for_chat(chat_id)
                is_group = isinstance(chat_id, str) or chat_id < 0
                group = self._group(chat_id) if is_group else contextlib.nullcontext()
                async with group, self.overall:
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                seconds = exc._retry_after.total_seconds() + 0.1
                log.info("429 for one chat: that chat waits %.1f s, the others go on", seconds)
                if chat_id is None:
                    await asyncio.sleep(seconds)
                else:
                    self.pause(chat_id, seconds)
        raise AssertionError("unreachable")
