"""The digest of one coordinator's scope, now: what it reads, computes, says and draws.

What the scheduler (the Monday job) and /baocao, /xuat call; *when* a digest goes out
is the scheduler's business (``scheduler.service``). Admins (``ADMIN_USER_IDS``) are
coordinators of every agency and also get the curation figures.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database, read_session
from bot.db.models import User
from bot.digest.build import (
    Digest,
    DigestInputs,
    HasTimeZone,
    build_digest,
    read_inputs,
    week_start,
)
from bot.digest.chart import ChartRenderer
from bot.digest.export import ExportRows, export_rows
from bot.digest.texts import render_digest, scope_label
from bot.i18n import t
from bot.progress.queries import Coordinator, coordinators, read_snapshot
from bot.scope import Scope

log = logging.getLogger(__name__)

#: The volunteers feature's "registrations per campaign" in a scope (see
#: ``bot.context.Services.digest_registrations``).
RegistrationsHook = Callable[
    [AsyncSession, frozenset[str], dt.datetime], Awaitable[Sequence[tuple[str, int]]]
]


class DigestService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        calendar: HasTimeZone,
        registrations: RegistrationsHook | None = None,
        admin_ids: frozenset[int] = frozenset(),
        charts: ChartRenderer | None = None,
        chart: bool = True,
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar
        self.registrations = registrations
        self.admin_ids = frozenset(admin_ids)
        self.charts = charts or ChartRenderer()
        self.chart = chart

    def close(self) -> None:
        self.charts.close()

    async def coordinator(
        self, user_id: int, lang: str, *, is_admin: bool = False
    ) -> Coordinator | None:
        """The asking user as a coordinator (an admin covers every agency), or None."""
        if is_admin:
            return Coordinator(user_id, lang, (Scope(all=True),))
        async with read_session(self.db.session_factory) as s:
            found = await coordinators(s, user_id)
        return found[0] if found else None

    async def admin(self, user_id: int) -> Coordinator:
        """An admin as a coordinator of every agency, in their language."""
        async with read_session(self.db.session_factory) as s:
            user = await s.get(User, user_id)
        return Coordinator(user_id, user.language if user else "vi", (Scope(all=True),))

    async def digest_inputs(self) -> DigestInputs:
        """What every digest of this moment reads (read once for all coordinators)."""
        today = self.clock.now().astimezone(self.calendar.tz).date()
        snap = await read_snapshot(self.db.session_factory)
        async with read_session(self.db.session_factory) as s:
            since = dt.datetime.combine(week_start(today), dt.time(0), tzinfo=self.calendar.tz)
            return await read_inputs(s, snap, since, today)

    async def digest_for(
        self,
        coordinator: Coordinator,
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
        if self.chart and digest.by_group:
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

    async def export_for(self, coordinator: Coordinator) -> tuple[ExportRows, str]:
        """/xuat: the scope's rows, and today's date stamp for the file names."""
        snap = await read_snapshot(self.db.session_factory)
        async with read_session(self.db.session_factory) as s:
            rows = await export_rows(s, snap, coordinator.covers, self.calendar.tz)
        return rows, self.clock.now().astimezone(self.calendar.tz).strftime("%Y%m%d")
