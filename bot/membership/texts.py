"""What membership says in chat (HTML for ``send_html``), in the user's language."""

from __future__ import annotations

import datetime as dt
import html
import math

from bot.i18n import N_, format_datetime, format_number, t, tn
from bot.membership import MAX_TTL, MAX_USES, IssuedCode, JoinOutcome, JoinResult
from bot.membership.service import Member

MACODE_USAGE = N_(
    "Usage: /macode &lt;agency&gt; [people] [days], for example: /macode Sở Y tế tỉnh Lai Châu "
    "(one person, 7 days) or /macode Bộ Nội vụ 5 30 (five people, 30 days)"
)

JOIN_TEXT = {
    JoinResult.invalid: N_("This join code is not valid. Check it, or ask your coordinator."),
    JoinResult.expired: N_("This join code has expired. Ask your coordinator for a new one."),
    JoinResult.used_up: N_("This join code has already been used. Ask for a new one."),
}


def code_limits(lang: str) -> str:
    return t(
        lang,
        "A code can serve 1 to {uses} people and last 1 to {days} days.",
        uses=format_number(MAX_USES, lang),
        days=format_number(MAX_TTL.days, lang),
    )


def unknown_agency(lang: str, text: str) -> str:
    return t(lang, "I do not recognise an agency in “{text}”.", text=text[:200])


def issued(lang: str, code: IssuedCode, agency: str, tz: str) -> str:
    return t(
        lang,
        "Join code for <b>{agency}</b>: <code>{code}</code>\n"
        "Valid until {expires}, for {uses} person(s). The officer sends: /thamgia {code}",
        agency=agency,
        code=code.code,
        expires=format_datetime(code.expires_at, lang, tz, "short"),
        uses=format_number(code.max_uses, lang),
    )


def joined(lang: str, outcome: JoinOutcome, agency: str) -> str:
    if outcome.result is JoinResult.joined:
        return t(
            lang,
            "Welcome! You are now a member of <b>{agency}</b>. "
            "Post progress with /capnhat, see it with /tiendo.",
            agency=agency,
        )
    if outcome.result is JoinResult.already_member:
        return t(lang, "You are already a member of <b>{agency}</b>.", agency=agency)
    if outcome.result is JoinResult.locked:
        wait = outcome.retry_after or dt.timedelta(0)
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        return tn(
            lang,
            "Too many wrong join codes. Please try again in {n} minute.",
            "Too many wrong join codes. Please try again in {n} minutes.",
            minutes,
        )
    return t(lang, JOIN_TEXT[outcome.result])


def left(lang: str, done: bool, agency: str) -> str:
    if done:
        return t(lang, "You have left <b>{agency}</b>.", agency=agency)
    return t(lang, "You are not a member of this agency.")


def removed(lang: str, done: bool, agency: str) -> str:
    if done:
        return t(lang, "Removed from <b>{agency}</b>.", agency=agency)
    return t(lang, "This person is not a member of this agency.")


def member_list(lang: str, agency: str, rows: list[Member], tz: str) -> str:
    lines = [t(lang, "<b>Members of {agency}</b>", agency=agency)]
    for row in rows:
        since = format_datetime(row.joined_at, lang, tz, "short")
        name = html.escape(row.display_name or "—")
        lines.append(f"• {name} (<code>{row.user_id}</code>), {since}")
    if not rows:
        lines.append(t(lang, "None yet."))
    lines.append(t(lang, "Remove someone: /xoathanhvien &lt;user id&gt; &lt;agency&gt;"))
    return "\n".join(lines)


def erased(lang: str, done: bool) -> str:
    if done:
        return t(lang, "Your officer profile has been erased.")
    return t(lang, "The bot holds no officer profile about you.")
