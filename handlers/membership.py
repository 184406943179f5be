"""Joining agencies: /macode (issue a join code), /thamgia (join), /roikhoi (leave),
/xoathanhvien (remove a member), /thanhvien (members), /dulieucuatoi and /xoahoso
(personal data); and the start-up sync of the knowledge base into the database.

Thin: the rules are in :mod:`bot.membership` (``service`` opens the unit of work and
checks the role in it), the texts in :mod:`bot.membership.texts`.
"""

from __future__ import annotations

import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.access import AccessDenied, NotFound
from bot.access.texts import denied_text
from bot.context import BotApplication, CommandSpec
from bot.context import BotContext as Context
from bot.i18n import N_, t, tb
from bot.membership import JoinResult, service, texts
from bot.membership.agencies import agency_name as _agency_name
from bot.membership.agencies import find_agency_ids as _find_agency_ids
from bot.mydata.service import MY_DATA_CAPTION, export_all
from bot.session import actor_of
from handlers.context import command_argument, edit_html, send_html
from handlers.guards import private_only
from scheduler.jobs import scheduler_service

log = logging.getLogger(__name__)


async def sync_knowledge_hook(application: BotApplication) -> None:
    """Start-up (right after the core opened the database, before the other areas' hooks):
    the database's agencies and tasks follow the knowledge base the bot answers from."""
    svc = application.services
    await svc.curation.sync_database(svc.kb)


def find_agency_ids(context: Context, text: str) -> list[str]:
    svc = context.services
    return _find_agency_ids(svc.kb, svc.engine, text)


def agency_name(context: Context, agency_id: str) -> str:
    return _agency_name(context.services.kb, agency_id)


# -- /macode <agency> [people] [days] -------------------------------------------------------


async def cmd_issue_code(update: Update, context: Context) -> None:
    lang = context.lang
    arg = command_argument(update)
    if update.effective_user is None:
        return
    if not arg:
        await send_html(update, context, t(lang, texts.MACODE_USAGE))
        return
    request = service.code_request(arg)
    if not request.valid:
        await send_html(update, context, texts.code_limits(lang))
        return
    ids = find_agency_ids(context, request.agency_text)
    if not ids:
        await send_html(update, context, texts.unknown_agency(lang, request.agency_text))
        return
    if len(ids) > 1:
        buttons = [
            [
                InlineKeyboardButton(
                    agency_name(context, i)[:60],
                    callback_data=f"mc:{i}:{request.uses}:{request.days}",
                )
            ]
            for i in ids[:8]
        ]
        await send_html(
            update,
            context,
            t(lang, "Several agencies match. Which one?"),
            InlineKeyboardMarkup(buttons),
        )
        return
    await _issue(update, context, ids[0], request.uses, request.days)


async def on_issue_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    parts = (query.data or "").split(":")
    valid = (
        len(parts) == 4
        and parts[1] in context.services.kb.agencies
        and parts[2].isdigit()
        and parts[3].isdigit()
        and service.CodeRequest(parts[1], int(parts[2]), int(parts[3])).valid
    )
    if not valid:
        await edit_html(update, context, t(context.lang, "This button is no longer valid."))
        return
    await _issue(update, context, parts[1], int(parts[2]), int(parts[3]))


async def _issue(update: Update, context: Context, agency_id: str, uses: int, days: int) -> None:
    lang = context.lang
    svc = context.services
    actor = actor_of(context, update)
    assert actor is not None
    try:
        issued = await service.issue(
            context.db, svc.settings, svc.clock, actor, agency_id, uses, days
        )
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return
    except NotFound:
        await send_html(update, context, t(lang, "This agency is no longer in the documents."))
        return
    name = agency_name(context, agency_id)
    await send_html(update, context, texts.issued(lang, issued, name, svc.settings.timezone))


# -- /thamgia <code> --------------------------------------------------------------------


async def cmd_join(update: Update, context: Context) -> None:
    lang = context.lang
    actor = actor_of(context, update)
    code = command_argument(update)
    if actor is None:
        return
    if not code:
        await send_html(update, context, t(lang, "Usage: /thamgia &lt;code&gt;"))
        return
    svc = context.services
    outcome = await service.join(context.db, svc.settings, svc.clock, actor, code)
    name = agency_name(context, outcome.agency_id or "")
    if outcome.result is JoinResult.joined and outcome.agency_id:
        # queued before the welcome is sent; the outbox delivers it after
        await _catch_up(context, actor.user_id, outcome.agency_id)
    await send_html(update, context, texts.joined(lang, outcome, name))


async def _catch_up(context: Context, user_id: int, agency_id: str) -> None:
    """Reminders the agency's tasks still have due, claimed before this member joined
    (perhaps for nobody), go to them through the scheduler's outbox."""
    scheduler = scheduler_service(context.bot_application)
    if scheduler is None:
        return
    try:
        await scheduler.joined(user_id, agency_id)
    except Exception:  # the welcome is sent; the next reminders will reach them anyway
        log.exception("reminder catch-up after a join failed")


# -- /roikhoi [agency] --------------------------------------------------------------------


async def cmd_leave(update: Update, context: Context) -> None:
    lang = context.lang
    user = update.effective_user
    if user is None:
        return
    mine = await service.agencies_of(context.db, user.id)
    if not mine:
        await send_html(update, context, t(lang, "You are not a member of any agency."))
        return
    arg = command_argument(update)
    chosen = [i for i in find_agency_ids(context, arg) if i in mine] if arg else []
    if not chosen and len(mine) == 1:
        chosen = mine
    if len(chosen) != 1:
        buttons = [
            [InlineKeyboardButton(agency_name(context, i)[:60], callback_data=f"ml:{i}")]
            for i in mine
        ]
        await send_html(
            update, context, t(lang, "Leave which agency?"), InlineKeyboardMarkup(buttons)
        )
        return
    await _leave(update, context, chosen[0])


async def on_leave_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await _leave(update, context, (query.data or "")[3:])


async def _leave(update: Update, context: Context, agency_id: str) -> None:
    actor = actor_of(context, update)
    assert actor is not None
    svc = context.services
    done = await service.leave_agency(context.db, svc.settings, svc.clock, actor, agency_id)
    text = texts.left(context.lang, done, agency_name(context, agency_id))
    await send_html(update, context, text)


# -- /xoathanhvien <user id> <agency> ----------------------------------------------------


async def cmd_remove(update: Update, context: Context) -> None:
    lang = context.lang
    actor = actor_of(context, update)
    if actor is None:
        return
    parts = command_argument(update).split(maxsplit=1)
    if len(parts) != 2 or not parts[0].lstrip("-").isdigit():
        await send_html(
            update,
            context,
            t(lang, "Usage: /xoathanhvien &lt;user id&gt; &lt;agency&gt;"),
        )
        return
    ids = find_agency_ids(context, parts[1])
    if len(ids) != 1:
        await send_html(update, context, texts.unknown_agency(lang, parts[1]))
        return
    svc = context.services
    try:
        done = await service.remove_member(
            context.db, svc.settings, svc.clock, actor, int(parts[0][:20]), ids[0]
        )
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return
    await send_html(update, context, texts.removed(lang, done, agency_name(context, ids[0])))


# -- /thanhvien <agency> (coordinators, admins) -----------------------------------------


async def cmd_members(update: Update, context: Context) -> None:
    lang = context.lang
    user = update.effective_user
    if user is None:
        return
    arg = command_argument(update)
    ids = find_agency_ids(context, arg) if arg else []
    if len(ids) != 1:
        await send_html(update, context, t(lang, "Usage: /thanhvien &lt;agency&gt;"))
        return
    svc = context.services
    try:
        rows = await service.member_list(context.db, svc.settings, user.id, ids[0])
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return
    name = agency_name(context, ids[0])
    await send_html(update, context, texts.member_list(lang, name, rows, svc.settings.timezone))


# -- /dulieucuatoi (export) and /xoahoso (erase) ------------------------------------------


async def cmd_export(update: Update, context: Context) -> None:
    lang = context.lang
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    data = await export_all(context.db, context.services.curation, user.id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await context.bot.send_document(
        chat.id,
        InputFile(payload, filename=f"kl44-{user.id}.json"),
        caption=t(lang, MY_DATA_CAPTION),
    )


async def cmd_erase(update: Update, context: Context) -> None:
    lang = context.lang
    user = update.effective_user
    if user is None:
        return
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(tb(lang, "Yes, erase"), callback_data=f"mx:{user.id}")]]
    )
    await send_html(
        update,
        context,
        t(
            lang,
            "Erase your officer profile? Your name is removed and you leave all your "
            "agencies. Progress updates stay as your agency's record, without your name.",
        ),
        markup,
    )


async def on_erase_button(update: Update, context: Context) -> None:
    query = update.callback_query
    user = update.effective_user
    lang = context.lang
    if query is None or user is None:
        return
    if query.data != f"mx:{user.id}":  # someone else's button, or forged
        await query.answer(tb(lang, "This button is no longer valid."))
        return
    await query.answer()
    svc = context.services
    done = await service.erase_profile(context.db, svc.settings, svc.clock, user.id)
    await edit_html(update, context, texts.erased(lang, done))


COMMANDS = [
    CommandSpec("thamgia", N_("Join your agency with a code")),
    CommandSpec("macode", N_("Issue a join code for an agency (coordinators)")),
    CommandSpec("roikhoi", N_("Leave an agency")),
    CommandSpec("thanhvien", N_("Members of an agency (coordinators)")),
    CommandSpec("dulieucuatoi", N_("Export my data as an officer")),
    CommandSpec("xoahoso", N_("Erase my officer profile")),
]


def register(application: BotApplication) -> None:
    """The knowledge sync at start-up, the commands and buttons, the menu entries."""
    application.services.startup.append(sync_knowledge_hook)
    add = application.add_handler
    add(CommandHandler(["macode", "joincode"], private_only(cmd_issue_code)))
    add(CommandHandler(["thamgia", "join"], cmd_join))
    add(CommandHandler(["roikhoi", "leave"], cmd_leave))
    add(CommandHandler(["xoathanhvien", "removemember"], private_only(cmd_remove)))
    add(CommandHandler(["thanhvien", "members"], private_only(cmd_members)))
    add(CallbackQueryHandler(on_issue_button, pattern=r"^mc:"))
    add(CallbackQueryHandler(on_leave_button, pattern=r"^ml:"))
    add(CommandHandler(["dulieucuatoi", "mydata"], private_only(cmd_export)))
    add(CommandHandler(["xoahoso", "eraseprofile"], private_only(cmd_erase)))
    add(CallbackQueryHandler(on_erase_button, pattern=r"^mx:"))
    application.services.commands.extend(COMMANDS)
