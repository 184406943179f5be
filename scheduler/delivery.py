"""The one delivery path for bulk sends: a persisted queue drained under flood limits.

Telegram's limits (https://core.telegram.org/bots/faq#broadcasting-to-users): about 30
messages per second overall, 1 per second per private chat, 20 per minute per group.
``FloodLimiter`` keeps a little under each (sliding windows on the monotonic clock);
a 429 pauses everything for the server's ``retry_after`` and the message is retried;
a 403 (blocked) marks the chat inactive and the batch goes on; a 400 fails only that
message. Messages are leased in the database while being sent, so nothing queued is
lost on a restart (a lease that expires is taken again: at-least-once delivery).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import and_, or_, select, update

from bot.clock import Clock
from bot.db.engine import SessionFactory, read_session, write_session
from bot.db.models_scheduler import ChatState, OutboxMessage, OutboxStatus
from scheduler.outbox import insert_ignore
from scheduler.workdays import WorkCalendar, default_calendar

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
MAX_IN_PLACE_RETRIES = 3


# -- what a sender may report -----------------------------------------------------------


class SendError(Exception):
    pass


class RetryLater(SendError):
    """429 Too Many Requests: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class ChatGone(SendError):
    """403: the user blocked the bot, or the chat no longer exists."""


class Rejected(SendError):
    """400: this message can never be sent as it is."""


class Transient(SendError):
    """Network trouble: try again later."""


@dataclass(frozen=True)
class QueuedMessage:
    id: int
    chat_id: int
    kind: str
    text: str
    reply_markup: dict[str, Any] | None
    attachment: bytes | None
    attachment_name: str | None


class Sender(Protocol):
    async def send(self, message: QueuedMessage) -> int:
        """Send one message; return its message_id or raise a ``SendError``."""
        ...


# -- flood limits ------------------------------------------------------------------------


class SlidingWindow:
    """At most ``count`` messages in any window of ``per`` seconds, *as the server sees it*.

    The server counts arrival times, which lie somewhere between our request and its
    answer. So a message holds its slot from ``acquire`` (request) until ``per`` seconds
    after ``release`` (answer): then whatever the network delays, no window of ``per``
    seconds at the server can hold more than ``count`` of them.
    """

    def __init__(self, count: int, per: float, now: Callable[[], float] = time.monotonic) -> None:
        self.count = count
        self.per = per
        self._now = now
        self._released: deque[float] = deque()
        self._in_flight = 0
        self._lock = asyncio.Lock()

    def _wait(self, now: float) -> float:
        while self._released and self._released[0] <= now - self.per:
            self._released.popleft()
        if self._in_flight + len(self._released) < self.count:
            return 0.0
        if self._released:
            return max(0.001, self._released[0] + self.per - now)
        return 0.005  # every slot is in flight: wait for an answer

    async def acquire(self) -> None:
        async with self._lock:
            while (wait := self._wait(self._now())) > 0:
                await asyncio.sleep(wait)
            self._in_flight += 1

    def release(self) -> None:
        self._in_flight = max(0, self._in_flight - 1)
        self._released.append(self._now())


@dataclass
class FloodLimits:
    """What the limiter allows (Telegram: 30/s overall, 1/s per chat, 20/min per group).

    One below the overall limit as a margin; the windows are counted conservatively
    (see ``SlidingWindow``), so the per-chat and group limits need none.
    """

    overall: tuple[int, float] = (29, 1.0)
    private_chat: tuple[int, float] = (1, 1.0)
    group_chat: tuple[int, float] = (20, 60.0)


class FloodLimiter:
    def __init__(self, limits: FloodLimits | None = None) -> None:
        self.limits = limits or FloodLimits()
        self.overall = SlidingWindow(*self.limits.overall)
        self._chats: dict[int, SlidingWindow] = {}
        self._paused_until = 0.0

    def _chat(self, chat_id: int) -> SlidingWindow:
        window = self._chats.get(chat_id)
        if window is None:
            rate = self.limits.group_chat if chat_id < 0 else self.limits.private_chat
            window = self._chats[chat_id] = SlidingWindow(*rate)
        return window

    def pause(self, seconds: float) -> None:
        """Stop every send for ``seconds`` (after a 429)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self, chat_id: int) -> None:
        """Wait until one more message to ``chat_id`` keeps every limit.

        Every ``acquire`` must be followed by exactly one :meth:`done` once the request
        is answered (or failed).
        """
        await self._chat(chat_id).acquire()
        while (wait := self._paused_until - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        await self.overall.acquire()

    def done(self, chat_id: int) -> None:
        """The message to ``chat_id`` was answered (or failed): its slots start to expire."""
        self._chat(chat_id).release()
        self.overall.release()


# -- the queue ---------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    inactive: int = 0
    failed: int = 0
    deferred: int = 0
    ids_sent: list[int] = field(default_factory=list)


class Deliverer:
    """Drains the outbox. Several deliverers (replicas) may run: each message is leased
    by exactly one of them with a conditional UPDATE."""

    def __init__(
        self,
        session_factory: SessionFactory,
        sender: Sender,
        clock: Clock,
        *,
        limiter: FloodLimiter | None = None,
        calendar: WorkCalendar | None = None,
        batch_size: int = 200,
        lease: dt.timedelta = dt.timedelta(minutes=10),
        respect_quiet_hours: bool = True,
    ) -> None:
        self.session_factory = session_factory
        self.sender = sender
        self.clock = clock
        self.limiter = limiter or FloodLimiter()
        self.calendar = calendar or default_calendar()
        self.batch_size = batch_size
        self.lease = lease
        self.respect_quiet_hours = respect_quiet_hours
        self._lock = asyncio.Lock()
        self._chat_locks: dict[int, asyncio.Lock] = {}

    async def drain(self, max_batches: int = 1000) -> DeliveryReport:
        """Send everything that is due now; return what happened.

        Batches are pipelined: the next batch is claimed and starts queueing on the
        limiter while the current one is still being sent, so the flood budget is not
        left unused at batch boundaries. Messages to one chat keep their order.
        """
        total = DeliveryReport()
        async with self._lock:
            running: asyncio.Task[DeliveryReport] | None = None
            for _ in range(max_batches):
                now = self.clock.now()
                if self.respect_quiet_hours and self.calendar.in_quiet_hours(now):
                    break
                batch = await self._claim(now)
                if not batch:
                    break
                started = asyncio.create_task(self._deliver(batch))
                if running is not None:
                    _add(total, await running)
                running = started
            if running is not None:
                _add(total, await running)
            self._chat_locks.clear()
        return total

    async def pending_count(self) -> int:
        async with read_session(self.session_factory) as s:
            rows = await s.execute(
                select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.pending.value)
            )
            return len(rows.all())

    async def _claim(self, now: dt.datetime) -> list[QueuedMessage]:
        due = or_(
            and_(
                OutboxMessage.status == OutboxStatus.pending.value,
                OutboxMessage.not_before <= now,
            ),
            and_(
                OutboxMessage.status == OutboxStatus.sending.value,
                OutboxMessage.lease_until < now,
            ),
        )
        async with write_session(self.session_factory) as s:
            query = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id)
            if s.bind.dialect.name == "postgresql":
                # Another replica's claim in progress: take other rows instead of waiting.
                query = query.with_for_update(skip_locked=True)
            ids = [r[0] for r in await s.execute(query.limit(self.batch_size))]
            if not ids:
                return []
            inactive = {
                r[0]
                for r in await s.execute(
                    select(ChatState.chat_id).where(ChatState.inactive.is_(True))
                )
            }
            claimed: list[QueuedMessage] = []
            for message_id in ids:
                result = await s.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == message_id, due)
                    .values(
                        status=OutboxStatus.sending.value,
                        lease_until=now + self.lease,
                        attempts=OutboxMessage.attempts + 1,
                    )
                    .returning(
                        OutboxMessage.id,
                        OutboxMessage.chat_id,
                        OutboxMessage.kind,
                        OutboxMessage.text,
                        OutboxMessage.reply_markup,
                        OutboxMessage.attachment,
                        OutboxMessage.attachment_name,
                    )
                )
                row = result.first()
                if row is None:
                    continue  # another deliverer leased it first
                if row.chat_id in inactive:
                    await s.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id == row.id)
                        .values(status=OutboxStatus.inactive.value, lease_until=None)
                    )
                    continue
                claimed.append(QueuedMessage(*row))
            return claimed

    async def _deliver(self, batch: list[QueuedMessage]) -> DeliveryReport:
        report = DeliveryReport()
        by_chat: dict[int, list[QueuedMessage]] = defaultdict(list)
        for m in batch:
            by_chat[m.chat_id].append(m)
        outcomes: dict[int, tuple[str, Any]] = {}

        async def one_chat(chat_id: int, messages: list[QueuedMessage]) -> None:
            lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
            async with lock:  # a later batch's messages to this chat wait their turn
                for i, m in enumerate(messages):
                    outcomes[m.id] = await self._send(m)
                    if outcomes[m.id][0] == "inactive":
                        for rest in messages[i + 1 :]:
                            outcomes[rest.id] = ("inactive", "chat inactive")
                        return

        await asyncio.gather(*(one_chat(c, ms) for c, ms in by_chat.items()))
        await self._record(batch, outcomes, report)
        return report

    async def _send(self, m: QueuedMessage) -> tuple[str, Any]:
        for _ in range(MAX_IN_PLACE_RETRIES + 1):
            await self.limiter.acquire(m.chat_id)
            try:
                return "sent", await self.sender.send(m)
            except RetryLater as exc:
                log.warning("429 from Telegram: pausing sends for %.1fs", exc.retry_after)
                self.limiter.pause(exc.retry_after)
                continue
            except ChatGone:
                return "inactive", "blocked"
            except Rejected as exc:
                return "failed", str(exc)[:200]
            except Transient as exc:
                return "retry", str(exc)[:200]
            except Exception as exc:  # a bug in a sender must not lose the batch
                log.exception("unexpected error sending outbox message %s", m.id)
                return "retry", type(exc).__name__
            finally:
                self.limiter.done(m.chat_id)
        return "retry", "rate limited"

    async def _record(
        self,
        batch: list[QueuedMessage],
        outcomes: dict[int, tuple[str, Any]],
        report: DeliveryReport,
    ) -> None:
        now = self.clock.now()
        async with write_session(self.session_factory) as s:
            for m in batch:
                outcome, value = outcomes.get(m.id, ("retry", "not attempted"))
                row = OutboxMessage.id == m.id
                if outcome == "sent":
                    report.sent += 1
                    report.ids_sent.append(m.id)
                    await s.execute(
                        update(OutboxMessage)
                        .where(row)
                        .values(
                            status=OutboxStatus.sent.value,
                            sent_at=now,
                            message_id=int(value),
                            lease_until=None,
                        )
                    )
                elif outcome == "inactive":
                    report.inactive += 1
                    await s.execute(
                        update(OutboxMessage)
                        .where(row)
                        .values(status=OutboxStatus.inactive.value, lease_until=None)
                    )
                    await mark_chat(s, m.chat_id, inactive=True, reason=str(value), now=now)
                elif outcome == "failed":
                    report.failed += 1
                    await s.execute(
                        update(OutboxMessage)
                        .where(row)
                        .values(
                            status=OutboxStatus.failed.value, last_error=value, lease_until=None
                        )
                    )
                else:
                    report.retried += 1
                    attempts = (
                        await s.execute(select(OutboxMessage.attempts).where(row))
                    ).scalar_one()
                    give_up = attempts >= MAX_ATTEMPTS
                    await s.execute(
                        update(OutboxMessage)
                        .where(row)
                        .values(
                            status=(OutboxStatus.failed if give_up else OutboxStatus.pending).value,
                            not_before=now + dt.timedelta(seconds=30 * 2**attempts),
                            last_error=str(value)[:200],
                            lease_until=None,
                        )
                    )


def _add(total: DeliveryReport, report: DeliveryReport) -> None:
    for name in ("sent", "retried", "inactive", "failed", "deferred"):
        setattr(total, name, getattr(total, name) + getattr(report, name))
    total.ids_sent += report.ids_sent


async def mark_chat(
    session: Any, chat_id: int, *, inactive: bool, reason: str, now: dt.datetime
) -> None:
    """Record that a chat blocked the bot (or came back)."""
    await session.execute(
        insert_ignore(session, ChatState).values(
            chat_id=chat_id, inactive=inactive, reason=reason[:64], updated_at=now
        )
    )
    await session.execute(
        update(ChatState)
        .where(ChatState.chat_id == chat_id)
        .values(inactive=inactive, reason=reason[:64], updated_at=now)
    )
