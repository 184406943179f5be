"""The scheduler as one object the bot holds: reminder scan, weekly digest, delivery.

``tick()`` is what the JobQueue calls every few minutes (and what tests call after
moving the clock): if this replica leads, scan reminders, send the weekly digests
that are due, then drain the outbox. ``deliver()`` only drains the outbox (a shorter
interval, so snoozed reminders and on-demand sends go out promptly).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.db.engine import Database, read_session, write_session
from bot.db.models_scheduler import DigestRun
from bot.digest.build import DigestInputs
from bot.digest.chart import ChartRenderer
from bot.digest.service import DigestService, RegistrationsHook
from bot.progress import queries
from bot.progress.queries import away_user_ids
from scheduler.actions import ReminderActions
from scheduler.delivery import Deliverer, DeliveryReport, FloodLimiter, Sender, mark_chat
from scheduler.leader import LeaderLock
from scheduler.outbox import Outgoing, enqueue, insert_ignore
from scheduler.rules import RuleConfig
from scheduler.scan import ReminderScanner, ScanResult, inactive_chat_ids
from scheduler.workdays import WorkCalendar, default_calendar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestConfig:
    weekday: int = 0  # Monday
    time: dt.time = dt.time(8, 0)
    chart: bool = True


@dataclass
class TickReport:
    leader: bool = False
    scan: ScanResult | None = None
    digests: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


class SchedulerService:
    def __init__(
        self,
        db: Database,
        sender: Sender,
        clock: Clock,
        *,
        calendar: WorkCalendar | None = None,
        rules: RuleConfig | None = None,
        digest: DigestConfig | None = None,
        doc_labels: Mapping[str, str] | None = None,
        limiter: FloodLimiter | None = None,
        registrations: RegistrationsHook | None = None,
        admin_ids: frozenset[int] = frozenset(),
        charts: ChartRenderer | None = None,
    ) -> None:
        self.db = db
        #: admins (ADMIN_USER_IDS) get the digest of every agency plus the curation figures
        self.admin_ids = frozenset(admin_ids)
        self.clock = clock
        self.calendar = calendar or default_calendar()
        self.rules = rules or RuleConfig()
        self.digest_config = digest or DigestConfig()
        self.doc_labels = dict(doc_labels or {})
        self.registrations = registrations
        self.scanner = ReminderScanner(
            db.session_factory,
            clock,
            calendar=self.calendar,
            rules=self.rules,
            doc_labels=self.doc_labels,
        )
        self.deliverer = Deliverer(
            db.session_factory, sender, clock, limiter=limiter, calendar=self.calendar
        )
        self.leader = LeaderLock(db.engine)
        #: what officers and coordinators do to reminders (/vang, buttons, /hanchot)
        self.actions = ReminderActions(
            db.session_factory, self.calendar, self.rules, self.doc_labels
        )
        #: the digest itself (what it reads, computes and says); this object says when
        self.digests = DigestService(
            db,
            clock,
            calendar=self.calendar,
            registrations=registrations,
            admin_ids=self.admin_ids,
            charts=charts or ChartRenderer(),
            chart=self.digest_config.chart,
        )
        #: chats that blocked the bot, refreshed each tick (see ``reactivate``)
        self.inactive_chats: set[int] = set()

    # -- jobs ---------------------------------------------------------------------------

    async def tick(self) -> TickReport:
        report = TickReport()
        report.leader = await self.leader.acquire()
        if not report.leader:
            return report
        report.scan = await self.scanner.scan()
        report.digests = await self.send_weekly_digests()
        report.delivery = await self.deliverer.drain()
        async with read_session(self.db.session_factory) as s:
            self.inactive_chats = await inactive_chat_ids(s)
        return report

    async def joined(self, user_id: int, agency_id: str) -> int:
        """A new member of ``agency_id``: queue what its tasks still have due for them
        (the next delivery run sends it, within the flood limits)."""
        return await self.scanner.catch_up(user_id, agency_id)

    async def reactivate(self, chat_id: int) -> bool:
        """The user wrote to the bot again after blocking it: deliver to them again."""
        if chat_id not in self.inactive_chats:
            return False
        async with write_session(self.db.session_factory) as s:
            await mark_chat(s, chat_id, inactive=False, reason="", now=self.clock.now())
        self.inactive_chats.discard(chat_id)
        return True

    async def deliver(self) -> DeliveryReport:
        if not await self.leader.acquire():
            return DeliveryReport()
        return await self.deliverer.drain()

    @property
    def charts(self) -> ChartRenderer:
        return self.digests.charts

    async def close(self) -> None:
        self.digests.close()
        await self.leader.release()

    # -- digest -------------------------------------------------------------------------

    def digest_period(self, now: dt.datetime) -> dt.date | None:
        """The nominal digest day (e.g. Monday) whose digest is due at ``now``, if any.

        On a day off the digest goes out the working day before; never in the quiet
        hours; a digest not sent by the end of its week is skipped.
        """
        local = now.astimezone(self.calendar.tz)
        if not self.calendar.is_working_day(local.date()) or self.calendar.in_quiet_hours(local):
            return None
        cfg = self.digest_config
        this_week = local.date() - dt.timedelta(days=(local.weekday() - cfg.weekday) % 7)
        for nominal in (this_week + dt.timedelta(days=7), this_week):
            send_at = self.calendar.send_time_before(nominal, cfg.time)
            if send_at <= now and local.date() < nominal + dt.timedelta(days=7):
                return nominal
        return None

    async def send_weekly_digests(self) -> int:
        now = self.clock.now()
        period = self.digest_period(now)
        if period is None:
            return 0
        async with read_session(self.db.session_factory) as s:
            coordinators = [
                c for c in await queries.coordinators(s) if c.user_id not in self.admin_ids
            ]
            away = await away_user_ids(s, now.astimezone(self.calendar.tz).date())
            inactive = await inactive_chat_ids(s)
            done = {
                r[0]
                for r in await s.execute(
                    DigestRun.__table__.select()
                    .with_only_columns(DigestRun.user_id)
                    .where(DigestRun.period == period.isoformat())
                )
            }
        coordinators += [await self.digests.admin(user_id) for user_id in sorted(self.admin_ids)]
        sent = 0
        inputs: DigestInputs | None = None
        for c in coordinators:
            if c.user_id in done or c.user_id in away or c.user_id in inactive:
                continue
            inputs = inputs or await self.digests.digest_inputs()
            _digest, text, chart = await self.digests.digest_for(c, inputs=inputs)
            async with write_session(self.db.session_factory) as s:
                claimed = (
                    await s.execute(
                        insert_ignore(s, DigestRun)
                        .values(user_id=c.user_id, period=period.isoformat(), created_at=now)
                        .returning(DigestRun.id)
                    )
                ).first()
                if claimed is None:
                    continue  # another replica sent it
                key = f"digest:{c.user_id}:{period.isoformat()}"
                messages = [
                    Outgoing(f"{key}:text", c.user_id, "digest", text, now, user_id=c.user_id)
                ]
                if chart is not None:
                    messages.append(
                        Outgoing(
                            f"{key}:chart",
                            c.user_id,
                            "digest_chart",
                            "",
                            now,
                            attachment=chart,
                            attachment_name="digest.png",
                            user_id=c.user_id,
                        )
                    )
                await enqueue(s, messages, now)
                sent += 1
        if sent:
            log.info("weekly digest queued for %d coordinators", sent)
        return sent
