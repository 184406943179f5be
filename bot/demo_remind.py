"""``/demo_nhac`` in the demo: the reminders that would be due, sent now, with the clock moved.

The scheduler's own scan and delivery run with a :class:`~bot.clock.ManualClock` set to
the first working morning (from today on) when a reminder is due for one of the demo
officers' agencies; the messages go through the outbox and the real sender, so the
officer's chat shows exactly what a reminder looks like. The bot's own clock is not
touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from bot.clock import Clock, ManualClock
from bot.progress.queries import read_snapshot
from scheduler.delivery import Deliverer
from scheduler.scan import ReminderScanner
from scheduler.service import SchedulerService

SEND_AT = dt.time(9, 0)  # a working morning, outside the quiet hours
HORIZON_DAYS = 800  # how far ahead to look for a due reminder
MAX_SCANS = 40  # moments scanned in full (each claims what is due then)


@dataclass(frozen=True)
class DemoReminders:
    moment: dt.datetime | None  # the clock the reminders were sent with
    sent: int  # messages delivered


async def send_due_reminders(
    svc: SchedulerService, agency_ids: Collection[str], clock: Clock
) -> DemoReminders:
    """Scan and deliver at the first moment a reminder for ``agency_ids`` is due."""
    factory = svc.db.session_factory
    snap = await read_snapshot(factory)
    today = clock.now().astimezone(svc.calendar.tz).date()
    scans = 0
    for offset in range(HORIZON_DAYS):
        day = today + dt.timedelta(days=offset)
        if not svc.calendar.is_working_day(day):
            continue
        moment = svc.calendar.at(day, SEND_AT)
        moved = ManualClock(moment, tz=svc.calendar.tz)
        scanner = ReminderScanner(
            factory, moved, calendar=svc.calendar, rules=svc.rules, doc_labels=svc.doc_labels
        )
        if not [r for r in scanner.due_now(snap, moment) if r.agency_id in agency_ids]:
            continue
        scans += 1
        result = await scanner.scan()
        if result.queued:
            deliverer = Deliverer(factory, svc.deliverer.sender, moved, calendar=svc.calendar)
            report = await deliverer.drain()
            return DemoReminders(moment, report.sent)
        if scans >= MAX_SCANS:
            break
    return DemoReminders(None, 0)
