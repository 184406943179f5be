"""The one delivery path for bulk sends: a persisted queue drained under flood limits.

Telegram's limits (https://core.telegram.org/bots/faq#broadcasting-to-users): about 30
messages per second overall, 1 per second per private chat, 20 per minute per group.
``FloodLimiter`` keeps a little under each (sliding windows on the monotonic clock);
a 429 pauses everything for the server's ``retry_after`` and the message is retried;
a 403 (blocked) marks the chat inactive and the batch goes on; a 400 fails only that
message. Messages are leased in the database while being sent, so nothing queued is
lost on a restart (a lease that expires is taken again: at-least-once delivery).

Each send's outcome is stored as soon as it completes (outcomes that complete together
share one transaction), so a crash or a database cut mid-batch repeats only the sends
in flight at that moment; when an outcome cannot be stored the batch stops sending.

Telegram unreachable (network errors, 5xx): the batch stops at the first such error
and its messages are retried with exponential backoff (1 min, 2, 4 … capped at 30 min)
for up to :data:`RETRY_FOR` (6 hours) after they were queued, with a WARNING each time;
then they are marked failed, logged, and listed to admins (:func:`failed_deliveries`).
"""

from __future__ import annotations

import asyncio
import contextlib
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

MAX_IN_PLACE_RETRIES = 3
#: Sends in flight or sent but not yet recorded, at most (what a cut may repeat).
MAX_UNSTORED = 16
#: How long a message Telegram could not take is retried before it is marked failed.
RETRY_FOR = dt.timedelta(hours=6)
#: Backoff between retries: 30 s × 2^attempts, at most this.
MAX_BACKOFF = dt.timedelta(minutes=30)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try of a message tried ``attempts`` times."""
    return min(dt.timedelta(seconds=30 * 2 ** min(attempts, 16)), MAX_BACKOFF)


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
    #: the batch stopped early: Telegram unreachable, or an outcome could not be stored
    halted: bool = False


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
                if total.halted:
                    break
            if running is not None:
                _add(total, await running)
            self._chat_locks.clear()
        return total

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
            if s.get_bind().dialect.name == "postgresql":
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
        recorder = _Recorder(self, report)
        problem: list[str] = []  # why the batch stopped, if it did

        async def one_chat(chat_id: int, messages: list[QueuedMessage]) -> None:
            lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
            async with lock:  # a later batch's messages to this chat wait their turn
                for i, m in enumerate(messages):
                    # at most MAX_UNSTORED sends whose outcome is not stored yet: all a
                    # database cut or a crash can make us send twice
                    async with recorder.unstored:
                        outcome, value = await self._send(m, lambda: report.halted)
                        if outcome == "held":
                            with contextlib.suppress(Exception):
                                await recorder.record(m, "retry", problem[0], held=True)
                            continue
                        if outcome == "retry" and not report.halted:
                            report.halted = True  # Telegram is unreachable: stop this batch
                            problem.append(str(value))
                        try:
                            await recorder.record(m, outcome, value)
                        except Exception as exc:
                            if not report.halted:
                                report.halted = True
                                problem.append(f"database: {type(exc).__name__}")
                                log.warning(
                                    "could not store a delivery outcome (%s): this batch "
                                    "stops, its unsent messages go out when their lease expires",
                                    type(exc).__name__,
                                )
                            return
                    if outcome == "inactive":
                        for rest in messages[i + 1 :]:
                            await recorder.record(rest, "inactive", "chat inactive")
                        return

        # an outcome not stored: that message is retried when its lease expires
        await asyncio.gather(
            *(one_chat(c, ms) for c, ms in by_chat.items()), return_exceptions=True
        )
        if report.retried:
            log.warning(
                "Telegram did not take %d message(s) (%s); retrying with backoff",
                report.retried,
                problem[0] if problem else "error",
            )
        if report.failed:
            log.warning("%d message(s) could not be delivered and are marked failed", report.failed)
        return report

    async def _send(self, m: QueuedMessage, halted: Callable[[], bool]) -> tuple[str, Any]:
        """Send ``m``; ("held", None) when the batch stopped while it waited its turn."""
        for _ in range(MAX_IN_PLACE_RETRIES + 1):
            await self.limiter.acquire(m.chat_id)
            try:
                if halted():
                    return "held", None
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

    async def _write(
        self, items: list[tuple[QueuedMessage, str, Any, bool]], report: DeliveryReport
    ) -> None:
        """Store the outcomes of ``items`` in one transaction; count them once stored."""
        now = self.clock.now()
        counts = DeliveryReport()
        async with write_session(self.session_factory) as s:
            for m, outcome, value, held in items:
                row = OutboxMessage.id == m.id
                if outcome == "sent":
                    counts.sent += 1
                    counts.ids_sent.append(m.id)
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
                    counts.inactive += 1
                    await s.execute(
                        update(OutboxMessage)
                        .where(row)
                        .values(status=OutboxStatus.inactive.value, lease_until=None)
                    )
                    await mark_chat(s, m.chat_id, inactive=True, reason=str(value), now=now)
                elif outcome == "failed":
                    counts.failed += 1
                    await s.execute(
                        update(OutboxMessage)
                        .where(row)
                        .values(
                            status=OutboxStatus.failed.value, last_error=value, lease_until=None
                        )
                    )
                else:
                    attempts, created = (
                        await s.execute(
                            select(OutboxMessage.attempts, OutboxMessage.created_at).where(row)
                        )
                    ).one()
                    give_up = now - created >= RETRY_FOR
                    if give_up:
                        counts.failed += 1
                    else:
                        counts.retried += 1
                    await s.execute(
                        update(OutboxMessage)
                        .where(row)
                        .values(
                            status=(OutboxStatus.failed if give_up else OutboxStatus.pending).value,
                            not_before=now + backoff(attempts),
                            # a message held back (not even tried) keeps its try count
                            attempts=attempts - 1 if held else attempts,
                            last_error=str(value)[:200],
                            lease_until=None,
                        )
                    )
        _add(report, counts)


class _Recorder:
    """Stores outcomes as sends complete. Outcomes that complete while a write is under
    way go into the next write together (group commit); a sender waits until its
    outcome is stored, so nothing is sent whose predecessor could not be recorded."""

    def __init__(self, deliverer: Deliverer, report: DeliveryReport) -> None:
        self.deliverer = deliverer
        self.report = report
        self._pending: list[tuple[QueuedMessage, str, Any, bool, asyncio.Future[None]]] = []
        self.unstored = asyncio.Semaphore(MAX_UNSTORED)
        self._writer: asyncio.Task[None] | None = None

    async def record(self, m: QueuedMessage, outcome: str, value: Any, held: bool = False) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((m, outcome, value, held, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await done

    async def _write_all(self) -> None:
        while self._pending:
            items, self._pending = self._pending, []
            try:
                await self.deliverer._write([i[:4] for i in items], self.report)
            except Exception as exc:
                for *_, done in items:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for *_, done in items:
                    if not done.done():
                        done.set_result(None)


def _add(total: DeliveryReport, report: DeliveryReport) -> None:
    for name in ("sent", "retried", "inactive", "failed", "deferred"):
        setattr(total, name, getattr(total, name) + getattr(report, name))
    total.ids_sent += report.ids_sent
    total.halted = total.halted or report.halted


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


@dataclass(frozen=True)
class FailedKind:
    """Failed deliveries of one kind (reminder, digest…): how many, the latest error."""

    kind: str
    count: int
    latest: dt.datetime
    last_error: str


async def failed_deliveries(
    session_factory: SessionFactory, now: dt.datetime, days: int = 7
) -> list[FailedKind]:
    """Messages marked failed that were queued in the last ``days`` days, per kind
    (counts and errors only: no recipient, no text)."""
    since = now - dt.timedelta(days=days)
    async with read_session(session_factory) as s:
        rows = (
            await s.execute(
                select(OutboxMessage.kind, OutboxMessage.created_at, OutboxMessage.last_error)
                .where(
                    OutboxMessage.status == OutboxStatus.failed.value,
                    OutboxMessage.created_at >= since,
                )
                .order_by(OutboxMessage.created_at)
            )
        ).all()
    out: dict[str, FailedKind] = {}
    for kind, created, error in rows:
        seen = out.get(kind)
        out[kind] = FailedKind(kind, (seen.count if seen else 0) + 1, created, error or "")
    return sorted(out.values(), key=lambda f: (-f.count, f.kind))
