"""Joining agencies: /macode (issue a join code), /thamgia (join), /roikhoi (leave),
/xoathanhvien (remove a member); and the database start-up hook of the bot.

Handlers are thin: they parse, call ``bot.membership`` / ``bot.access`` inside one
write transaction (where the role is checked), and reply in the user's language.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.access import AccessDenied, NotFound, ensure_user, member_agencies
from bot.db.engine import Database, write_session
from bot.i18n import N_, format_datetime, format_number, t, tb
from bot.membership import (
    DEFAULT_TTL,
    MAX_TTL,
    MAX_USES,
    JoinResult,
    issue_code,
    leave,
    redeem_code,
    remove,
)
from handlers.context import (
    BotApplication,
    CommandSpec,
    Context,
    command_argument,
    edit_html,
    send_html,
    services,
    user_lang,
)

log = logging.getLogger(__name__)

# -- the database, for every area ----------------------------------------------------------


async def open_database_hook(application: BotApplication) -> None:
    """post_init: open (and upgrade) the database, then sync agencies/tasks from the KB."""
    from bot.db.engine import open_database
    from bot.db.persistence import DatabasePersistence
    from bot.db.sync import sync_knowledge

    svc = application.services
    if svc.db is None:
        persistence = application.persistence
        if isinstance(persistence, DatabasePersistence):
            svc.db = await persistence.open()
        else:
            svc.db = await open_database(svc.settings.database_url)
            svc.extras["membership_opened_db"] = svc.db
    report = await sync_knowledge(svc.db.session_factory, svc.kb, clock=svc.clock)
    if report.changed:
        log.info("knowledge base synced: %s", report.summary())


async def close_database_hook(application: BotApplication) -> None:
    from bot.db.persistence import DatabasePersistence

    svc = application.services
    opened = svc.extras.pop("membership_opened_db", None)
    if opened is not None:
        await opened.dispose()
    if isinstance(application.persistence, DatabasePersistence):
        await application.persistence.close()
    svc.db = None


def database(context: Context) -> Database:
    db = services(context).db
    if db is None:
        raise RuntimeError("the database is not open")
    return db  # type: ignore[no-any-return]


@asynccontextmanager
async def writing(update: Update, context: Context) -> AsyncIterator[AsyncSession]:
    """One write transaction, with the acting user's row ensured first."""
    svc = services(context)
    user = update.effective_user
    async with write_session(database(context).session_factory) as session:
        if user is not None:
            await ensure_user(
                session,
                svc.clock,
                user.id,
                display_name=user.full_name[:128],
                language=user_lang(context),
            )
        yield session


@asynccontextmanager
async def reading(context: Context) -> AsyncIterator[AsyncSession]:
    async with database(context).session_factory() as session:
        yield session


def find_agency_ids(context: Context, text: str) -> list[str]:
    """Agency ids named in ``text``: an exact id, else the engine's agency recogniser."""
    svc = services(context)
    token = text.strip()
    if token in svc.kb.agencies:
        return [token]
    return [a.id for a in svc.engine.find_agencies(token)] if token else []


def agency_name(context: Context, agency_id: str) -> str:
    agency = services(context).kb.agencies.get(agency_id)
    return agency.name if agency else agency_id


DENIED = {
    "not_admin": N_("Only an administrator can do this."),
    "not_coordinator": N_("Only a coordinator of this agency or an administrator can do this."),
    "not_member": N_("You are not a member of this agency. Ask its coordinator for a join code."),
    "not_responsible": N_("Your agency is not responsible for this task."),
    "not_author": N_("Only the author of an update can correct it."),
    "too_late": N_("An update can only be corrected within 24 hours."),
    "already_corrected": N_("This update has already been corrected."),
}


def denied_text(lang: str, exc: AccessDenied) -> str:
    return t(lang, DENIED.get(exc.reason, N_("You are not allowed to do this.")))


# -- /macode <agency> -------------------------------------------------------------------


async def cmd_issue_code(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    arg = command_argument(update)
    if user is None:
        return
    if not arg:
        await send_html(update, context, t(lang, MACODE_USAGE))
        return
    arg, uses, days = split_code_options(arg)
    if not (1 <= uses <= MAX_USES and 1 <= days <= MAX_TTL.days):
        await send_html(
            update,
            context,
            t(
                lang,
                "A code can serve 1 to {uses} people and last 1 to {days} days.",
                uses=format_number(MAX_USES, lang),
                days=format_number(MAX_TTL.days, lang),
            ),
        )
        return
    ids = find_agency_ids(context, arg)
    if not ids:
        await send_html(
            update, context, t(lang, "I do not recognise an agency in “{text}”.", text=arg[:200])
        )
        return
    if len(ids) > 1:
        buttons = [
            [
                InlineKeyboardButton(
                    agency_name(context, i)[:60], callback_data=f"mc:{i}:{uses}:{days}"
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
    await _issue(update, context, ids[0], uses, days)


MACODE_USAGE = N_(
    "Usage: /macode &lt;agency&gt; [people] [days], for example: /macode Sở Y tế tỉnh Lai Châu "
    "(one person, 7 days) or /macode Bộ Nội vụ 5 30 (five people, 30 days)"
)


def split_code_options(arg: str) -> tuple[str, int, int]:
    """'Bộ Nội vụ 5 30' → ('Bộ Nội vụ', 5, 30); without numbers: one use, 7 days."""
    words = arg.split()
    numbers: list[int] = []
    while words and words[-1].isdigit() and len(numbers) < 2 and len(words) > 1:
        numbers.insert(0, int(words.pop()[:6]))
    uses = numbers[0] if numbers else 1
    days = numbers[1] if len(numbers) > 1 else DEFAULT_TTL.days
    return " ".join(words), uses, days


async def on_issue_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    parts = (query.data or "").split(":")
    valid = (
        len(parts) == 4
        and parts[1] in services(context).kb.agencies
        and parts[2].isdigit()
        and parts[3].isdigit()
        and 1 <= int(parts[2]) <= MAX_USES
        and 1 <= int(parts[3]) <= MAX_TTL.days
    )
    if not valid:
        await edit_html(update, context, t(user_lang(context), "This button is no longer valid."))
        return
    await _issue(update, context, parts[1], int(parts[2]), int(parts[3]))


async def _issue(
    update: Update, context: Context, agency_id: str, uses: int = 1, days: int = 7
) -> None:
    lang = user_lang(context)
    svc = services(context)
    user = update.effective_user
    assert user is not None
    try:
        async with writing(update, context) as session:
            issued = await issue_code(
                session,
                svc.settings,
                svc.clock,
                actor_id=user.id,
                agency_id=agency_id,
                ttl=dt.timedelta(days=days),
                max_uses=uses,
            )
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return
    except NotFound:
        await send_html(update, context, t(lang, "This agency is no longer in the documents."))
        return
    text = t(
        lang,
        "Join code for <b>{agency}</b>: <code>{code}</code>\n"
        "Valid until {expires}, for {uses} person(s). The officer sends: /thamgia {code}",
        agency=agency_name(context, agency_id),
        code=issued.code,
        expires=format_datetime(issued.expires_at, lang, svc.settings.timezone, "short"),
        uses=format_number(issued.max_uses, lang),
    )
    await send_html(update, context, text)


# -- /thamgia <code> --------------------------------------------------------------------

JOIN_TEXT = {
    JoinResult.invalid: N_("This join code is not valid. Check it, or ask your coordinator."),
    JoinResult.expired: N_("This join code has expired. Ask your coordinator for a new one."),
    JoinResult.used_up: N_("This join code has already been used. Ask for a new one."),
}


async def cmd_join(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    code = command_argument(update)
    if user is None:
        return
    if not code:
        await send_html(update, context, t(lang, "Usage: /thamgia &lt;code&gt;"))
        return
    async with writing(update, context) as session:
        outcome = await redeem_code(
            session,
            services(context).clock,
            user_id=user.id,
            code=code[:64],
            display_name=user.full_name[:128],
        )
    name = agency_name(context, outcome.agency_id or "")
    if outcome.result is JoinResult.joined:
        text = t(
            lang,
            "Welcome! You are now a member of <b>{agency}</b>. "
            "Post progress with /capnhat, see it with /tiendo.",
            agency=name,
        )
    elif outcome.result is JoinResult.already_member:
        text = t(lang, "You are already a member of <b>{agency}</b>.", agency=name)
    else:
        text = t(lang, JOIN_TEXT[outcome.result])
    await send_html(update, context, text)


# -- /roikhoi [agency] --------------------------------------------------------------------


async def cmd_leave(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    if user is None:
        return
    async with reading(context) as session:
        mine = await member_agencies(session, user.id)
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
    lang = user_lang(context)
    user = update.effective_user
    assert user is not None
    async with writing(update, context) as session:
        left = await leave(session, services(context).clock, user_id=user.id, agency_id=agency_id)
    if left:
        text = t(lang, "You have left <b>{agency}</b>.", agency=agency_name(context, agency_id))
    else:
        text = t(lang, "You are not a member of this agency.")
    await send_html(update, context, text)


# -- /xoathanhvien <user id> <agency> ----------------------------------------------------


async def cmd_remove(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    if user is None:
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
        await send_html(
            update,
            context,
            t(lang, "I do not recognise an agency in “{text}”.", text=parts[1][:200]),
        )
        return
    svc = services(context)
    try:
        async with writing(update, context) as session:
            removed = await remove(
                session,
                svc.settings,
                svc.clock,
                actor_id=user.id,
                user_id=int(parts[0][:20]),
                agency_id=ids[0],
            )
    except AccessDenied as exc:
        await send_html(update, context, denied_text(lang, exc))
        return
    if removed:
        text = t(lang, "Removed from <b>{agency}</b>.", agency=agency_name(context, ids[0]))
    else:
        text = t(lang, "This person is not a member of this agency.")
    await send_html(update, context, text)


# -- /thanhvien <agency> (coordinators, admins) -----------------------------------------


async def cmd_members(update: Update, context: Context) -> None:
    import html

    from bot.access import can_manage_agency
    from bot.db.models import User
    from bot.membership import members

    lang = user_lang(context)
    user = update.effective_user
    if user is None:
        return
    arg = command_argument(update)
    ids = find_agency_ids(context, arg) if arg else []
    if len(ids) != 1:
        await send_html(update, context, t(lang, "Usage: /thanhvien &lt;agency&gt;"))
        return
    svc = services(context)
    async with reading(context) as session:
        if not await can_manage_agency(session, svc.settings, user.id, ids[0]):
            await send_html(update, context, denied_text(lang, AccessDenied("not_coordinator")))
            return
        rows = await members(session, ids[0])
        names = {
            u.id: u.display_name for u in [await session.get(User, r.user_id) for r in rows] if u
        }
    lines = [t(lang, "<b>Members of {agency}</b>", agency=agency_name(context, ids[0]))]
    tz = svc.settings.timezone
    for row in rows:
        since = format_datetime(row.joined_at, lang, tz, "short")
        name = html.escape(names.get(row.user_id) or "—")
        lines.append(f"• {name} (<code>{row.user_id}</code>), {since}")
    if not rows:
        lines.append(t(lang, "None yet."))
    lines.append(t(lang, "Remove someone: /xoathanhvien &lt;user id&gt; &lt;agency&gt;"))
    await send_html(update, context, "\n".join(lines))


# -- /dulieucuatoi (export) and /xoahoso (erase) ------------------------------------------


async def cmd_export(update: Update, context: Context) -> None:
    import json

    from telegram import InputFile

    from bot.membership.personal import export_user_data

    lang = user_lang(context)
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    from handlers.curation import export_questions_of

    async with reading(context) as session:
        data = await export_user_data(session, user.id)
    data["questions_asked"] = await export_questions_of(context, user.id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await context.bot.send_document(
        chat.id,
        InputFile(payload, filename=f"kl44-{user.id}.json"),
        caption=t(lang, "Everything the bot holds about you as an officer (JSON)."),
    )


async def cmd_erase(update: Update, context: Context) -> None:
    lang = user_lang(context)
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
    from bot.membership.personal import erase_user_data

    query = update.callback_query
    user = update.effective_user
    lang = user_lang(context)
    if query is None or user is None:
        return
    if query.data != f"mx:{user.id}":  # someone else's button, or forged
        await query.answer(tb(lang, "This button is no longer valid."))
        return
    await query.answer()
    async with write_session(database(context).session_factory) as session:
        erased = await erase_user_data(session, services(context).clock, user.id)
    text = (
        t(lang, "Your officer profile has been erased.")
        if erased
        else t(lang, "The bot holds no officer profile about you.")
    )
    await edit_html(update, context, text)


COMMANDS = [
    CommandSpec("thamgia", N_("Join your agency with a code")),
    CommandSpec("macode", N_("Issue a join code for an agency (coordinators)")),
    CommandSpec("roikhoi", N_("Leave an agency")),
    CommandSpec("thanhvien", N_("Members of an agency (coordinators)")),
    CommandSpec("dulieucuatoi", N_("Export my data as an officer")),
    CommandSpec("xoahoso", N_("Erase my officer profile")),
]


def register(application: BotApplication) -> None:
    """The database hooks (first, so every area finds ``services.db`` open) and commands."""
    application.services.startup.insert(0, open_database_hook)
    application.services.shutdown.insert(0, close_database_hook)
    add = application.add_handler
    add(CommandHandler(["macode", "joincode"], cmd_issue_code))
    add(CommandHandler(["thamgia", "join"], cmd_join))
    add(CommandHandler(["roikhoi", "leave"], cmd_leave))
    add(CommandHandler(["xoathanhvien", "removemember"], cmd_remove))
    add(CommandHandler(["thanhvien", "members"], cmd_members))
    add(CallbackQueryHandler(on_issue_button, pattern=r"^mc:"))
    add(CallbackQueryHandler(on_leave_button, pattern=r"^ml:"))
    add(CommandHandler(["dulieucuatoi", "mydata"], cmd_export))
    add(CommandHandler(["xoahoso", "eraseprofile"], cmd_erase))
    add(CallbackQueryHandler(on_erase_button, pattern=r"^mx:"))
    application.services.commands.extend(COMMANDS)
