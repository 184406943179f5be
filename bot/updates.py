"""Update processing: different chats concurrently, each chat strictly in order.

PTB processes updates one at a time by default, so one chat's database wait holds up
every other chat. :class:`PerChatUpdateProcessor` lets up to ``max_concurrent_updates``
updates run at once while keeping each chat's (or, without a chat, each user's)
updates in arrival order: a bare ``/coquan`` followed by the agency name, or a
conversation step followed by the next, never overtake each other.

Order holds because PTB starts update tasks in arrival order, ``asyncio.Lock`` wakes
waiters first-in first-out, and nothing is awaited between entering
:meth:`process_update` and queueing on the chat's lock. The chat's lock is taken before
a processing slot, so one chat's backlog never queues ahead of the other chats.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def update_key(update: object) -> int | None:
    """The chat id of an update, else its user id, else None (processed unordered)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


#: Told of every handled update and how long it took (metrics, the replica inbox).
Observer = Callable[[object, float], None]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    __slots__ = ("_locks", "observers")

    def __init__(self, max_concurrent_updates: int = 32) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self.observers: list[Observer] = []

    async def process_update(  # type: ignore[misc]  # final in PTB; see the docstring
        self, update: object, coroutine: Awaitable[Any]
    ) -> None:
        """The chat's turn first, then a slot: a chat's backlog (one user sending 40
        messages) waits on its own lock, not in the shared queue ahead of other chats."""
        key = update_key(update)
        if key is None:
            async with self._semaphore:
                await self.do_process_update(update, coroutine)
            return
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        try:
            async with lock, self._semaphore:
                await self.do_process_update(update, coroutine)
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self._locks.pop(key, None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            elapsed = time.perf_counter() - started
            for observer in self.observers:
                observer(update, elapsed)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
