"""/baocao (the digest on demand) and /xuat (CSV and XLSX export) for coordinators.

The weekly digest itself is sent by the scheduler (``handlers.reminders`` wires the
jobs); these commands build the same digest for the asking coordinator's scope now.
Admins (ADMIN_USER_IDS) see every agency.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.db.engine import read_session
from bot.i18n import N_, t
from handlers.context import CommandSpec, Context, send_html, services, user_lang
from handlers.reminders import scheduler_service
from scheduler import store
from scheduler.export import export_rows, to_csv, to_xlsx
from scheduler.scan import read_snapshot

if TYPE_CHECKING:
    from handlers.context import BotApplication

log = logging.getLogger(__name__)

COMMANDS = [
    CommandSpec("baocao", N_("Digest of your scope now (coordinators)")),
    CommandSpec("xuat", N_("Export your scope's tasks and updates (CSV, XLSX)")),
]


async def _coordinator(update: Update, context: Context, lang: str) -> store.Coordinator | None:
    user = update.effective_user
    svc = scheduler_service(context.application)  # type: ignore[arg-type]
    if user is None or svc is None:
        await send_html(
            update, context, t(lang, "This is not available right now. Please try again later.")
        )
        return None
    if user.id in services(context).settings.admin_user_ids:
        return store.Coordinator(user.id, lang, (store.Scope(all=True),))  # + curation figures
    async with read_session(svc.db.session_factory) as s:
        found = await store.coordinators(s, user.id)
    if not found:
        await send_html(update, context, t(lang, "Sorry, this command is for coordinators only."))
        return None
    return found[0]


async def cmd_digest(update: Update, context: Context) -> None:
    lang = user_lang(context)
    coordinator = await _coordinator(update, context, lang)
    svc = scheduler_service(context.application)  # type: ignore[arg-type]
    if coordinator is None or svc is None or update.effective_chat is None:
        return
    _digest, text, chart = await svc.digest_for(coordinator, lang)
    await send_html(update, context, text)
    if chart is not None:
        await context.bot.send_photo(
            update.effective_chat.id, InputFile(chart, filename="baocao.png")
        )


async def cmd_export(update: Update, context: Context) -> None:
    lang = user_lang(context)
    coordinator = await _coordinator(update, context, lang)
    svc = scheduler_service(context.application)  # type: ignore[arg-type]
    if coordinator is None or svc is None or update.effective_chat is None:
        return
    snap = await read_snapshot(svc.db.session_factory)
    async with read_session(svc.db.session_factory) as s:
        rows = await export_rows(s, snap, coordinator.covers, svc.calendar.tz)
    stamp = svc.clock.now().astimezone(svc.calendar.tz).strftime("%Y%m%d")
    chat_id = update.effective_chat.id
    await send_html(
        update,
        context,
        t(
            lang,
            "📦 Export of your scope: {tasks} task assignments, {updates} progress updates.",
            tasks=len(rows.tasks),
            updates=len(rows.updates),
        ),
    )
    await context.bot.send_document(
        chat_id, InputFile(to_csv(rows), filename=f"kl44_nhiemvu_{stamp}.csv")
    )
    await context.bot.send_document(
        chat_id, InputFile(to_xlsx(rows), filename=f"kl44_baocao_{stamp}.xlsx")
    )


def register(application: BotApplication) -> None:
    """Add /baocao and /xuat (see ``bot/app.py`` for where areas plug in)."""
    application.add_handler(CommandHandler(["baocao", "digest"], cmd_digest))
    application.add_handler(CommandHandler(["xuat", "export"], cmd_export))
    application.services.commands.extend(COMMANDS)
