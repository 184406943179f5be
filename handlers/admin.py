"""/dieuphoi: admins grant and revoke coordinators (with a scope) and list them.

  /dieuphoi                                  list active coordinators and the usage
  /dieuphoi them <user id> tatca             coordinator of everything
  /dieuphoi them <user id> cap <level> [place]   e.g. cap province Lai Châu
  /dieuphoi them <user id> <agency>; <agency>…   a list of agencies
  /dieuphoi bo <user id>                     revoke

Only ADMIN_USER_IDS may use it; the check runs inside the write transaction.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.access import (
    AccessDenied,
    NotFound,
    Scope,
    active_grants,
    grant_coordinator,
    is_admin,
    revoke_coordinator,
)
from bot.i18n import N_, t
from handlers.context import (
    BotApplication,
    CommandSpec,
    Context,
    command_argument,
    send_html,
    services,
    user_lang,
)
from handlers.membership import agency_name, denied_text, find_agency_ids, reading, writing

LEVELS = {
    "trunguong": "central",
    "central": "central",
    "chinhphu": "government",
    "government": "government",
    "tinh": "province",
    "province": "province",
    "thanhpho": "city",
    "city": "city",
    "huyen": "district",
    "quan": "district",
    "district": "district",
}
ALL_WORDS = {"tatca", "tất cả", "all", "*"}
USAGE = N_(
    "Usage:\n"
    "/dieuphoi them &lt;user id&gt; tatca\n"
    "/dieuphoi them &lt;user id&gt; cap &lt;level&gt; [place] (levels: trunguong, tinh, "
    "thanhpho, huyen)\n"
    "/dieuphoi them &lt;user id&gt; &lt;agency&gt;; &lt;agency&gt;…\n"
    "/dieuphoi bo &lt;user id&gt;"
)


def _scope(context: Context, words: list[str]) -> Scope | str:
    """A Scope from the words after the user id, or the text that was not understood."""
    text = " ".join(words).strip()
    if text.casefold() in ALL_WORDS:
        return Scope(all=True)
    if words and words[0].casefold() in {"cap", "cấp", "level"}:
        level = LEVELS.get(words[1].casefold()) if len(words) > 1 else None
        if level is None:
            return text
        place = " ".join(words[2:]).strip() or None
        return Scope(level=level, place=place)
    agencies: set[str] = set()
    for part in text.replace(",", ";").split(";"):
        if not part.strip():
            continue
        ids = find_agency_ids(context, part)
        if len(ids) != 1:
            return part.strip()
        agencies.add(ids[0])
    return Scope(agencies=frozenset(agencies)) if agencies else text


async def cmd_coordinators(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    svc = services(context)
    if user is None:
        return
    if not is_admin(svc.settings, user.id):
        await send_html(update, context, t(lang, "Only an administrator can do this."))
        return
    words = command_argument(update).split()
    action = words[0].casefold() if words else ""
    if action in {"them", "thêm", "add"} and len(words) >= 3 and words[1].isdigit():
        scope = _scope(context, words[2:])
        if isinstance(scope, str):
            await send_html(
                update,
                context,
                t(lang, "I do not understand the scope “{text}”.", text=scope[:200])
                + "\n\n"
                + t(lang, USAGE),
            )
            return
        try:
            async with writing(update, context) as session:
                await grant_coordinator(
                    session,
                    svc.settings,
                    svc.clock,
                    actor_id=user.id,
                    user_id=int(words[1][:20]),
                    scope=scope,
                )
        except AccessDenied as exc:
            await send_html(update, context, denied_text(lang, exc))
            return
        except NotFound as exc:
            await send_html(update, context, t(lang, "Unknown agency: {id}", id=exc.what))
            return
        await send_html(
            update,
            context,
            t(
                lang,
                "User {user} is now a coordinator for: {scope}",
                user=words[1],
                scope=_describe(context, scope),
            ),
        )
        return
    if action in {"bo", "bỏ", "revoke"} and len(words) == 2 and words[1].isdigit():
        try:
            async with writing(update, context) as session:
                count = await revoke_coordinator(
                    session, svc.settings, svc.clock, actor_id=user.id, user_id=int(words[1][:20])
                )
        except AccessDenied as exc:
            await send_html(update, context, denied_text(lang, exc))
            return
        if count:
            text = t(lang, "User {user} is no longer a coordinator.", user=words[1])
        else:
            text = t(lang, "User {user} was not a coordinator.", user=words[1])
        await send_html(update, context, text)
        return
    async with reading(context) as session:
        grants = await active_grants(session)
    lines = [t(lang, "<b>Coordinators</b>")]
    if not grants:
        lines.append(t(lang, "None yet."))
    for role in grants:
        scope = Scope(
            all=role.scope_all,
            level=role.scope_level,
            place=role.scope_place,
            agencies=frozenset(role.scope_agencies or ()),
        )
        lines.append(f"• {role.user_id}: {_escape(_describe(context, scope))}")
    await send_html(update, context, "\n".join(lines) + "\n\n" + t(lang, USAGE))


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def _describe(context: Context, scope: Scope) -> str:
    lang = user_lang(context)
    if scope.all:
        return t(lang, "all agencies")
    parts = []
    if scope.level:
        parts.append(scope.level + (f" / {scope.place}" if scope.place else ""))
    parts.extend(agency_name(context, a) for a in sorted(scope.agencies))
    return "; ".join(parts)


COMMANDS = [CommandSpec("dieuphoi", N_("Manage coordinators (administrators)"))]


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler(["dieuphoi", "coordinators"], cmd_coordinators))
    application.services.commands.extend(COMMANDS)
