"""Replica mode's update intake: no update lost, none handled twice, across a crash.

PTB's own long polling acknowledges an update to Telegram (the next ``getUpdates``
offset) as soon as it is fetched, so a replica killed mid-update loses it. Here:

1. :class:`InboxPoller` fetches a batch with ``getUpdates``, writes it to the table
   ``inbound_updates`` (one transaction), and only then moves the offset on (which
   acknowledges the batch) and queues the updates for the Application.
2. When an update's handling ends, its id is noted (:meth:`Inbox.complete`).
3. Once a second :meth:`InboxPoller.save_round` writes the conversation state, user and
   chat data (PTB's persistence round) *and deletes the rows of the updates finished
   before the round, in the same transaction* (see
   :meth:`bot.db.persistence.DatabasePersistence.attach_done`).
4. A replica that becomes active first queues the rows left behind, in order.

So a crash replays exactly the updates whose effects on the conversation were not
saved: the step is taken again from the saved state (the user may see that one reply
twice), and nothing is lost. The table holds an update for about a second, so the
message text in it is kept no longer than its handling needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from telegram import Bot, Update
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.clock import SYSTEM_CLOCK, Clock
from bot.db.engine import Database, write_session
from bot.db.models import InboundUpdate
from bot.db.persistence import DatabasePersistence

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger(__name__)

ROUND_SECONDS = 1.0
POLL_TIMEOUT = 10
MAX_BACKOFF = 30.0


class Inbox:
    """The table of fetched, unfinished updates, and the ids finished since the last round."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock
        self._completed: list[int] = []

    async def store(self, updates: Sequence[Update]) -> None:
        if not updates:
            return
        dialect = postgresql if self.db.backend == "postgresql" else sqlite
        now = self.clock.now()
        rows = [
            {"update_id": u.update_id, "data": u.to_dict(), "received_at": now} for u in updates
        ]
        stmt = dialect.insert(InboundUpdate).values(rows).on_conflict_do_nothing()
        async with write_session(self.db.session_factory) as session:
            await session.execute(stmt)

    async def pending(self, bot: Bot) -> list[Update]:
        """Updates fetched by an earlier active replica and never finished, oldest first."""
        async with self.db.session_factory() as session:
            rows = await session.execute(
                select(InboundUpdate.data).order_by(InboundUpdate.update_id)
            )
            out = []
            for (data,) in rows.all():
                update = Update.de_json(data, bot)
                if update is not None:
                    out.append(update)
            return out

    async def last_id(self) -> int | None:
        async with self.db.session_factory() as session:
            value = await session.scalar(select(func.max(InboundUpdate.update_id)))
            return int(value) if value is not None else None

    def complete(self, update: object) -> None:
        if isinstance(update, Update):
            self._completed.append(update.update_id)

    def take_completed(self) -> list[int]:
        done, self._completed = self._completed, []
        return done

    @staticmethod
    def delete_statement(ids: Sequence[int]) -> Any:
        return delete(InboundUpdate).where(InboundUpdate.update_id.in_(list(ids)))

    async def delete(self, ids: Sequence[int]) -> None:
        if ids:
            async with write_session(self.db.session_factory) as session:
                await session.execute(self.delete_statement(ids))


class InboxPoller:
    """Long polling through the inbox, and the once-a-second save round."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        inbox: Inbox,
        *,
        poll_timeout: int = POLL_TIMEOUT,
        round_seconds: float = ROUND_SECONDS,
    ) -> None:
        self.application = application
        self.inbox = inbox
        self.poll_timeout = poll_timeout
        self.round_seconds = round_seconds
        self._tasks: list[asyncio.Task[None]] = []
        self._offset: int | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> int:
        """Queue what an earlier replica left unfinished, then poll; returns how many."""
        left = await self.inbox.pending(self.application.bot)
        for update in left:
            await self.application.update_queue.put(update)
        last = await self.inbox.last_id()
        self._offset = last + 1 if last is not None else None
        if left:
            log.warning("replaying %d update(s) left unfinished by the previous replica", len(left))
        self._tasks = [
            asyncio.create_task(self._poll(), name="inbox:poll"),
            asyncio.create_task(self._rounds(), name="inbox:rounds"),
        ]
        return len(left)

    async def stop(self) -> None:
        """Stop fetching; the last save round is the caller's (after the Application stops)."""
        self._stopping.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def finish(self) -> None:
        """After the Application has stopped (and saved its state): drop finished rows."""
        await self.inbox.delete(self.inbox.take_completed())

    async def save_round(self) -> None:
        persistence = self.application.persistence
        done = self.inbox.take_completed()
        if not isinstance(persistence, DatabasePersistence):
            await self.application.update_persistence()
            await self.inbox.delete(done)
            return
        persistence.attach_done(done, self.inbox.delete_statement)
        try:
            await self.application.update_persistence()
        finally:
            leftover = persistence.detach_done()
        await self.inbox.delete(leftover)  # nothing changed: no state transaction ran

    async def _rounds(self) -> None:
        while not self._stopping.is_set():
            await asyncio.sleep(self.round_seconds)
            try:
                await self.save_round()
            except Exception:
                log.warning("saving the conversation state failed; retrying", exc_info=True)

    async def _poll(self) -> None:
        bot = self.application.bot
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                updates = await bot.get_updates(
                    offset=self._offset,
                    timeout=self.poll_timeout,
                    read_timeout=self.poll_timeout + 10,
                    allowed_updates=Update.ALL_TYPES,
                )
            except RetryAfter as exc:
                wait = exc.retry_after
                await asyncio.sleep(
                    wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                )
                continue
            except (TimedOut, NetworkError) as exc:
                name = type(exc).__name__
                log.warning("getUpdates failed (%s); retrying in %.0f s", name, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            if not updates:
                backoff = 1.0
                continue
            try:
                await self.inbox.store(updates)
            except Exception:  # not stored: not acknowledged, fetched again
                log.warning("storing %d update(s) failed; fetching again", len(updates))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            self._offset = updates[-1].update_id + 1
            for update in updates:
                await self.application.update_queue.put(update)
