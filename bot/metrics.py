"""What an operator watches: Prometheus metrics and a health check on a local port.

``GET /metrics`` (Prometheus text format, prometheus-client) and ``GET /healthz`` (JSON;
200 while the bot is running, 503 otherwise) are served by a small aiohttp server that
the bot starts beside itself on ``METRICS_LISTEN:METRICS_PORT`` (127.0.0.1:9464 by
default; port 0 turns it off). Each bot has its own registry, so several bots in one
process (tests, the demo) never share counters.

Labels never carry personal data or user input: an update is labelled by the command
it names when that is one of the bot's commands, otherwise by its kind (``text``,
``button``, ``command``, ``other``), so a user cannot create new series.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select
from telegram import Update

from bot.db.engine import Database
from bot.db.models_scheduler import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Metrics:
    """The bot's counters and gauges, in a registry of their own."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    known_commands: set[str] = field(default_factory=set)
    #: the database whose outbox is measured at each scrape (set once it is open)
    db: Database | None = None
    #: "starting", "active", "standby" or "stopping"; /healthz is 200 for active/standby
    role: str = "starting"
    server: MetricsServer | None = None
    #: True when the process (not one bot) owns the server: replica mode, bot.app
    process_level: bool = False

    def __post_init__(self) -> None:
        r = self.registry
        self.updates = Counter(
            "kl44_updates", "Updates handled, by handler", ["handler"], registry=r
        )
        self.update_seconds = Histogram(
            "kl44_update_seconds",
            "Time to handle one update, by handler",
            ["handler"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.errors = Counter("kl44_errors", "Errors raised while handling updates", registry=r)
        self.answers = Counter(
            "kl44_answers", "Questions answered, by outcome", ["outcome"], registry=r
        )
        self.outbox_depth = Gauge(
            "kl44_outbox_depth", "Messages waiting in the delivery outbox", registry=r
        )
        self.outbox_oldest_age = Gauge(
            "kl44_outbox_oldest_age_seconds", "Age of the oldest waiting message", registry=r
        )
        self.deliveries = Counter(
            "kl44_deliveries", "Outbox deliveries, by outcome", ["outcome"], registry=r
        )
        self.reminders_sent = Counter("kl44_reminders_sent", "Reminders sent", registry=r)
        self.digests_sent = Counter("kl44_digests_sent", "Digests sent", registry=r)
        self.last_scan = Gauge(
            "kl44_scheduler_last_scan_timestamp_seconds",
            "Unix time of the last reminder scan",
            registry=r,
        )
        self.active = Gauge(
            "kl44_replica_active",
            "1 while this replica processes updates and runs the scheduler",
            registry=r,
        )
        self.started = time.time()

    def handler_label(self, update: object) -> str:
        if not isinstance(update, Update):
            return "other"
        if update.callback_query is not None:
            return "button"
        message = update.effective_message
        text = message.text if message is not None else None
        if text is None:
            return "other"
        if text.startswith("/"):
            name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if text[1:] else ""
            return f"/{name}" if name in self.known_commands else "command"
        return "text"

    def count_answer(self, refused: bool, suggested: bool) -> None:
        outcome = "refused" if refused else "suggested" if suggested else "answered"
        self.answers.labels(outcome).inc()

    def observe_update(self, update: object, seconds: float) -> None:
        label = self.handler_label(update)
        self.updates.labels(label).inc()
        self.update_seconds.labels(label).observe(seconds)

    def set_role(self, role: str) -> None:
        self.role = role
        self.active.set(1 if role == "active" else 0)

    async def refresh(self) -> None:
        """Figures read from the database at scrape time: the outbox's depth and age."""
        if self.db is None:
            return
        waiting = OutboxMessage.status.in_([OutboxStatus.pending.value, OutboxStatus.sending.value])
        try:
            async with self.db.session_factory() as session:
                count, oldest = (
                    await session.execute(
                        select(func.count(), func.min(OutboxMessage.created_at)).where(waiting)
                    )
                ).one()
        except Exception:  # a scrape never fails because the database is away
            log.warning("metrics: the outbox could not be read")
            return
        self.outbox_depth.set(count or 0)
        if oldest is None:
            self.outbox_oldest_age.set(0)
        else:
            if oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=dt.UTC)
            age = (dt.datetime.now(dt.UTC) - oldest).total_seconds()
            self.outbox_oldest_age.set(max(age, 0.0))

    def health(self) -> dict[str, object]:
        ok = self.role in {"active", "standby"}
        return {
            "status": "ok" if ok else "unavailable",
            "role": self.role,
            "uptime_seconds": round(time.time() - self.started, 1),
        }

    async def exposition(self) -> bytes:
        await self.refresh()
        return generate_latest(self.registry)

    async def serve(self, host: str, port: int) -> None:
        """Start the /metrics and /healthz server once (later calls do nothing)."""
        if self.server is None and port:
            self.server = MetricsServer(self, host, port)
            await self.server.start()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None


class MetricsServer:
    """``/metrics`` and ``/healthz`` on a local port, in the bot's own event loop."""

    def __init__(self, metrics: Metrics, host: str, port: int) -> None:
        self.metrics = metrics
        self.host = host
        self.port = port
        self._runner: Any = None

    async def start(self) -> None:
        from aiohttp import web  # only when the server runs (METRICS_PORT=0: never)

        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("metrics and health check on http://%s:%s/", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, _request: Any) -> Any:
        from aiohttp import web

        body = await self.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, _request: Any) -> Any:
        from aiohttp import web

        report = self.metrics.health()
        status = 200 if report.get("status") == "ok" else 503
        return web.Response(text=json.dumps(report), status=status, content_type="application/json")
