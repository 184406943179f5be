"""The scheduler inside the running bot: its service and the two repeating jobs.

Jobs (PTB JobQueue): ``scheduler tick`` every ``SCHEDULER_SCAN_SECONDS`` (reminder scan,
weekly digests, delivery) and ``scheduler delivery`` every ``SCHEDULER_DELIVERY_SECONDS``.
Tests move the clock and call :func:`scheduler_service` ``(application).tick()``.

The scheduler's objects are kept on the services by their class (``Services.put``); the
Telegram side only hands in how to send (``make_sender``, a thin adapter in ``handlers/``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.context import BotApplication, BotContext
from scheduler.config import SchedulerSettings
from scheduler.delivery import Sender
from scheduler.service import SchedulerService
from scheduler.workdays import default_calendar

log = logging.getLogger(__name__)

MakeSender = Callable[[Any], Sender]


@dataclass(frozen=True)
class Wiring:
    """How this bot's scheduler is made: its settings and its Telegram sender."""

    settings: SchedulerSettings
    make_sender: MakeSender


def install(application: BotApplication, make_sender: MakeSender) -> None:
    """Wire the scheduler: settings, the sender, start/stop hooks of the jobs."""
    services = application.services
    settings = services.get(SchedulerSettings) or SchedulerSettings()
    services.put(Wiring(settings, make_sender))
    services.startup.append(start_jobs)
    services.shutdown.append(shutdown)


def scheduler_service(application: object) -> SchedulerService | None:
    """The application's scheduler, created on first use once the database is open
    (None before that, and for an application not built by ``bot.app``)."""
    if not isinstance(application, BotApplication):
        return None
    services = application.services
    svc = services.get(SchedulerService)
    if svc is not None:
        return svc
    wiring = services.get(Wiring)
    if services.db is None or wiring is None:
        return None
    config = wiring.settings
    labels = {d.id: d.label for d in services.kb.documents.values()}
    svc = SchedulerService(
        services.db,
        wiring.make_sender(application.bot),
        services.clock,
        # TIMEZONE: send times, quiet hours and the digest day are the users' local time
        calendar=dataclasses.replace(default_calendar(), tz=services.settings.tz),
        rules=config.rules(),
        digest=config.digest(),
        doc_labels=labels,
        registrations=services.digest_registrations,
        admin_ids=services.settings.admin_user_ids,
    )
    services.put(svc)
    return svc


async def tick_job(context: BotContext) -> None:
    await _run(context, "tick")


async def delivery_job(context: BotContext) -> None:
    await _run(context, "deliver")


async def _run(context: BotContext, job: str) -> None:
    """One run of a job; a failure is logged and the next run tries again."""
    svc = scheduler_service(context.application)
    if svc is None:
        return
    try:
        await (svc.tick() if job == "tick" else svc.deliver())
    except Exception:
        log.exception("scheduler %s failed; the next run tries again", job)


async def start_jobs(application: BotApplication) -> None:
    wiring = application.services.get(Wiring)
    if wiring is None or application.job_queue is None:
        return
    config = wiring.settings
    if not config.scheduler_enabled:
        return
    application.job_queue.run_repeating(
        tick_job,
        interval=config.scheduler_scan_seconds,
        first=config.scheduler_scan_seconds,
        name="scheduler tick",
    )
    application.job_queue.run_repeating(
        delivery_job,
        interval=config.scheduler_delivery_seconds,
        first=config.scheduler_delivery_seconds,
        name="scheduler delivery",
    )


async def shutdown(application: BotApplication) -> None:
    svc = application.services.pop(SchedulerService)
    if svc is not None:
        await svc.close()
