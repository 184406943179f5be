"""/baocao (the digest on demand) and /xuat (CSV and XLSX export) for coordinators.

The weekly digest itself is sent by the scheduler (``scheduler.jobs``); these commands
build the same digest for the asking coordinator's scope now.
Admins (ADMIN_USER_IDS) see every agency.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.context import CommandSpec
from bot.digest.export import to_csv, to_xlsx
from bot.digest.service import DigestService
from bot.i18n import N_, t
from bot.progress.queries import Coordinator
from handlers.context import Context, send_html, services, user_lang
from scheduler.jobs import scheduler_service

if TYPE_CHECKING:
    from bot.context import BotApplication

log = logging.getLogger(__name__)

COMMANDS = [
    CommandSpec("baocao", N_("Digest of your scope now (coordinators)")),
    CommandSpec("xuat", N_("Export your scope's tasks and updates (CSV, XLSX)")),
]


async def _asking(
    update: Update, context: Context, lang: str
) -> tuple[DigestService, Coordinator, int] | None:
    """The digest service, the asking coordinator and the chat; or a polite refusal."""
    user, chat = update.effective_user, update.effective_chat
    svc = scheduler_service(context.application)
    if user is None or chat is None or svc is None:
        await send_html(
            update, context, t(lang, "This is not available right now. Please try again later.")
        )
        return None
    is_admin = user.id in services(context).settings.admin_user_ids  # + curation figures
    found = await svc.digests.coordinator(user.id, lang, is_admin=is_admin)
    if found is None:
        await send_html(update, context, t(lang, "Sorry, this command is for coordinators only."))
        return None
    return svc.digests, found, chat.id


async def cmd_digest(update: Update, context: Context) -> None:
    lang = user_lang(context)
    asking = await _asking(update, context, lang)
    if asking is None:
        return
    digests, coordinator, chat_id = asking
    _digest, text, chart = await digests.digest_for(coordinator, lang)
    await send_html(update, context, text)
    if chart is not None:
        await context.bot.send_photo(chat_id, InputFile(chart, filename="baocao.png"))


async def cmd_export(update: Update, context: Context) -> None:
    lang = user_lang(context)
    asking = await _asking(update, context, lang)
    if asking is None:
        return
    digests, coordinator, chat_id = asking
    rows, stamp = await digests.export_for(coordinator)
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
