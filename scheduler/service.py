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
from bot.db.models import User
from bot.db.models_scheduler import DigestRun
from bot.i18n import t, tn
from scheduler import store
from scheduler.chart import ChartRenderer
from scheduler.delivery import Deliverer, DeliveryReport, FloodLimiter, Sender, mark_chat
from scheduler.digest import (
    Digest,
    DigestInputs,
    RegistrationsHook,
    build_digest,
    read_inputs,
    render_digest,
    week_start,
)
from scheduler.leader import LeaderLock
from scheduler.outbox import Outgoing, enqueue, insert_ignore
from scheduler.rules import RuleConfig
from scheduler.scan import ReminderScanner, ScanResult, read_snapshot
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


def scope_label(
    lang: str, coordinator: store.Coordinator, agencies: Mapping[str, store.AgencyInfo]
) -> str:
    parts = []
    for scope in coordinator.scopes:
        if scope.all:
            return t(lang, "all agencies")
        if scope.level:
            parts.append(
                t(lang, "level {level}", level=scope.level)
                + (f" ({scope.place})" if scope.place else "")
            )
        names = sorted(agencies[a].name for a in scope.agencies if a in agencies)
        if len(names) > 3:
            parts.append(tn(lang, "{n} agency", "{n} agencies", len(names)))
        else:
            parts.extend(names)
    return ", ".join(parts) or t(lang, "your scope")


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
        self.charts = charts or ChartRenderer()
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
            self.inactive_chats = await store.inactive_chat_ids(s)
        return report

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

    async def close(self) -> None:
        self.charts.close()
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

    async def digest_inputs(self) -> DigestInputs:
        """What every digest of this moment reads (read once for all coordinators)."""
        today = self.clock.now().astimezone(self.calendar.tz).date()
        snap = await read_snapshot(self.db.session_factory)
        async with read_session(self.db.session_factory) as s:
            since = self.calendar.at(week_start(today), dt.time(0))
            return await read_inputs(s, snap, since, today)

    async def digest_for(
        self,
        coordinator: store.Coordinator,
        lang: str | None = None,
        inputs: DigestInputs | None = None,
    ) -> tuple[Digest, str, bytes | None]:
        """The digest of one coordinator's scope now: data, message text, chart PNG."""
        lang = lang or coordinator.lang
        now = self.clock.now()
        inputs = inputs or await self.digest_inputs()
        snap = inputs.snapshot
        digest = build_digest(inputs, coordinator.covers, now, self.calendar)
        if self.registrations is not None:
            scope_ids = frozenset(
                a for a, info in snap.agencies.items() if coordinator.covers(info)
            )
            try:
                async with read_session(self.db.session_factory) as s:
                    digest.registrations = list(await self.registrations(s, scope_ids, now))
            except Exception:
                log.exception("registrations hook failed; digest sent without it")
        label = scope_label(lang, coordinator, snap.agencies)
        text = render_digest(lang, digest, label)
        if coordinator.user_id in self.admin_ids:
            text += await self._curation_section(lang, now)
        chart = None
        if self.digest_config.chart and digest.by_group:
            try:
                chart = await self.charts.render(
                    lang, digest.by_group, t(lang, "Task status: {scope}", scope=label)
                )
            except Exception:
                log.exception("drawing the digest chart failed; the digest goes without it")
        return digest, text, chart

    async def _curation_section(self, lang: str, now: dt.datetime) -> str:
        """Admins' part: questions asked, share answered, top unanswered (curation area)."""
        try:
            from bot.curation.figures import admin_figures, figures_text

            async with read_session(self.db.session_factory) as s:
                figures = await admin_figures(s, now=now)
            return "\n\n" + figures_text(figures, lang)
        except Exception:
            log.exception("curation figures failed; admin digest sent without them")
            return ""

    async def admin(self, user_id: int) -> store.Coordinator:
        """An admin as a coordinator of every agency, in their language."""
        async with read_session(self.db.session_factory) as s:
            user = await s.get(User, user_id)
        return store.Coordinator(user_id, user.language if user else "vi", (store.Scope(all=True),))

    async def send_weekly_digests(self) -> int:
        now = self.clock.now()
        period = self.digest_period(now)
        if period is None:
            return 0
        async with read_session(self.db.session_factory) as s:
            coordinators = [
                c for c in await store.coordinators(s) if c.user_id not in self.admin_ids
            ]
            away = await store.away_user_ids(s, now.astimezone(self.calendar.tz).date())
            inactive = await store.inactive_chat_ids(s)
            done = {
                r[0]
                for r in await s.execute(
                    DigestRun.__table__.select()
                    .with_only_columns(DigestRun.user_id)
                    .where(DigestRun.period == period.isoformat())
                )
            }
        coordinators += [await self.admin(user_id) for user_id in sorted(self.admin_ids)]
        sent = 0
        inputs: DigestInputs | None = None
        for c in coordinators:
            if c.user_id in done or c.user_id in away or c.user_id in inactive:
                continue
            inputs = inputs or await self.digest_inputs()
            _digest, text, chart = await self.digest_for(c, inputs=inputs)
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
