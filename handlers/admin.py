"""/dieuphoi: admins grant and revoke coordinators (with a scope) and list them.

Thin: parsing, the grant rules and the texts are in :mod:`bot.admin`; only
ADMIN_USER_IDS may use it, checked again inside the write transaction.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.access import AccessDenied, NotFound, is_admin
from bot.access.texts import denied_text
from bot.admin import texts
from bot.admin.coordinators import Action, grant, grants, parse_command, parse_scope, revoke
from bot.context import BotApplication, CommandSpec
from bot.context import BotContext as Context
from bot.i18n import N_, t
from bot.membership.agencies import agency_name, find_agency_ids
from bot.membership.service import Actor, database
from handlers.context import command_argument, send_html
from handlers.guards import private_only


async def cmd_coordinators(update: Update, context: Context) -> None:
    lang = context.lang
    user = update.effective_user
    svc = context.services
    if user is None:
        return
    if not is_admin(svc.settings, user.id):
        await send_html(update, context, t(lang, "Only an administrator can do this."))
        return
    actor = Actor(user.id, user.full_name[:128], lang)
    db = database(svc.db)
    command = parse_command(command_argument(update))

    def name(agency_id: str) -> str:
        return agency_name(svc.kb, agency_id)

    if command.action is Action.grant:
        scope = parse_scope(
            list(command.scope_words), lambda text: find_agency_ids(svc.kb, svc.engine, text)
        )
        if isinstance(scope, str):
            await send_html(update, context, texts.not_understood(lang, scope))
            return
        try:
            await grant(db, svc.settings, svc.clock, actor, command.user_id, scope)
        except AccessDenied as exc:
            await send_html(update, context, denied_text(lang, exc))
            return
        except NotFound as exc:
            await send_html(update, context, texts.unknown_agency(lang, exc.what))
            return
        await send_html(update, context, texts.granted(lang, command.user_word, scope, name))
    elif command.action is Action.revoke:
        try:
            count = await revoke(db, svc.settings, svc.clock, actor, command.user_id)
        except AccessDenied as exc:
            await send_html(update, context, denied_text(lang, exc))
            return
        await send_html(update, context, texts.revoked(lang, command.user_word, count))
    else:
        await send_html(update, context, texts.grant_list(lang, await grants(db), name))


COMMANDS = [CommandSpec("dieuphoi", N_("Manage coordinators (administrators)"))]


def register(application: BotApplication) -> None:
    application.add_handler(
        CommandHandler(["dieuphoi", "coordinators"], private_only(cmd_coordinators))
    )
    application.services.commands.extend(COMMANDS)
