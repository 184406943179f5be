"""What the digest says: the message for a phone chat, and how a scope is named.

Dates through Babel, text through the catalogs, in the coordinator's language.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from bot.digest.build import MAX_MESSAGE, Digest, Item
from bot.i18n import format_date, t, tn
from bot.progress.queries import AgencyInfo, Coordinator


def scope_label(lang: str, coordinator: Coordinator, agencies: Mapping[str, AgencyInfo]) -> str:
    parts = []
    for scope in coordinator.scopes:
        if scope.all:
            return t(lang, "all agencies")
        if scope.level:
            parts.append(
                t(lang, "level {level}", level=scope.level)
                + (f" ({scope.place})" if scope.place else "")
            )
        names = sorted(agencies[a].name for a in scope.agencies if a in agencies)
        if len(names) > 3:
            parts.append(tn(lang, "{n} agency", "{n} agencies", len(names)))
        else:
            parts.extend(names)
    return ", ".join(parts) or t(lang, "your scope")


def _items(lang: str, items: list[Item], total: int) -> list[str]:
    lines = []
    for i in items:
        title = i.title if len(i.title) <= 70 else i.title[:69].rstrip() + "…"
        lines.append(
            f"• {html.escape(format_date(i.day, lang, 'short'))} · {html.escape(i.ref)} "
            f"{html.escape(title)} — <i>{html.escape(i.agency)}</i>"
        )
    if total > len(items):
        lines.append(tn(lang, "…and {n} more", "…and {n} more", total - len(items)))
    return lines


def render_digest(lang: str, d: Digest, scope_label: str) -> str:
    lines = [
        t(lang, "📊 <b>Digest for {scope}</b>", scope=scope_label),
        t(
            lang,
            "Week of {date} · {agencies} agencies · {tasks} tasks",
            date=format_date(d.week_start, lang),
            agencies=d.agencies,
            tasks=d.tasks,
        ),
        "",
        tn(
            lang,
            "⏰ <b>Due in the next 14 days: {n}</b>",
            "⏰ <b>Due in the next 14 days: {n}</b>",
            d.due_soon_count,
        ),
        *_items(lang, d.due_soon, d.due_soon_count),
        tn(lang, "⚠️ <b>Overdue: {n}</b>", "⚠️ <b>Overdue: {n}</b>", d.overdue_count),
        *_items(lang, d.overdue, d.overdue_count),
        tn(
            lang,
            "📝 <b>Updates this week: {n}</b>",
            "📝 <b>Updates this week: {n}</b>",
            d.updates_count,
        ),
        *_items(lang, d.updates, d.updates_count),
        tn(
            lang,
            "🔇 <b>Silent for 30+ days: {n}</b>",
            "🔇 <b>Silent for 30+ days: {n}</b>",
            d.silent_count,
        ),
    ]
    if d.silent:
        names = ", ".join(html.escape(n) for n in d.silent)
        more = d.silent_count - len(d.silent)
        lines.append(
            f"• {names}" + (tn(lang, " …and {n} more", " …and {n} more", more) if more else "")
        )
    if d.registrations:
        lines.append(t(lang, "🙋 <b>Registrations per campaign</b>"))
        lines += [f"• {html.escape(name)}: {count}" for name, count in d.registrations]
    text = "\n".join(lines)
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1].rsplit("\n", 1)[0] + "\n…"
    return text
