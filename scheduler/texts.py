"""What a reminder says, in the recipient's language (gettext catalogs, Babel dates)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from bot.i18n import N_, format_date, t, tb, tn
from bot.progress.queries import AgencyInfo, TaskInfo
from scheduler.rules import RULE_CHECKIN, RULE_OVERDUE, RULE_YEARLY

#: Callback-data prefix of the reminder buttons: rem:<action>:<reminder id>
CALLBACK_PREFIX = "rem"
ACTION_UPDATE = "u"
ACTION_ACK = "a"
ACTION_SNOOZE = "s"

ROLE_LABELS = {
    "lead": N_("lead agency (chủ trì)"),
    "coordinate": N_("coordinating agency (phối hợp)"),
    "participate": N_("participating agency (tham gia)"),
    "addressee": N_("addressee of the document (no lead printed)"),
}


def callback_data(action: str, reminder_id: int) -> str:
    return f"{CALLBACK_PREFIX}:{action}:{reminder_id}"


def parse_callback(data: str | None) -> tuple[str, int] | None:
    """(action, reminder id) from button data, or None when it is not ours or is forged."""
    if not data:
        return None
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX:
        return None
    if parts[1] not in (ACTION_UPDATE, ACTION_ACK, ACTION_SNOOZE) or not parts[2].isdigit():
        return None
    if len(parts[2]) > 18:
        return None
    return parts[1], int(parts[2])


def reminder_buttons(lang: str, reminder_id: int) -> dict[str, Any]:
    """Inline keyboard as Bot API JSON (stored in the outbox as is)."""
    return {
        "inline_keyboard": [
            [
                {
                    "text": tb(lang, "Update progress"),
                    "callback_data": callback_data(ACTION_UPDATE, reminder_id),
                }
            ],
            [
                {
                    "text": tb(lang, "Got it"),
                    "callback_data": callback_data(ACTION_ACK, reminder_id),
                },
                {
                    "text": tb(lang, "Remind me later"),
                    "callback_data": callback_data(ACTION_SNOOZE, reminder_id),
                },
            ],
        ]
    }


def _headline(lang: str, rule: str, today: dt.date, deadline: dt.date) -> str:
    """``deadline``: the date in force (a coordinator's /hanchot date over the printed one)."""
    if rule == RULE_OVERDUE:
        return t(lang, "⚠️ <b>Overdue</b> since {date}", date=format_date(deadline, lang))
    if rule == RULE_YEARLY:
        return t(lang, "📅 <b>Time for the yearly report</b>")
    if rule == RULE_CHECKIN:
        return t(lang, "📝 <b>Quarterly check-in</b>: please post a progress update")
    days = max(0, (deadline - today).days)
    return tn(
        lang,
        "⏰ <b>Deadline in {n} day</b>",
        "⏰ <b>Deadline in {n} days</b>",
        days,
    )


def reminder_text(
    lang: str,
    *,
    rule: str,
    today: dt.date,
    due_date: dt.date,
    deadline: dt.date | None,
    task: TaskInfo,
    agency: AgencyInfo,
    role: str,
    doc_label: str,
    for_coordinator: bool = False,
) -> str:
    in_force = deadline if deadline is not None else (task.due or due_date)
    lines = [_headline(lang, rule, today, in_force)]
    lines.append(f"<b>{html.escape(task.title, quote=False)}</b>")
    lines.append(t(lang, "Source: {doc}, {ref}", doc=doc_label, ref=task.ref))
    if deadline is not None:
        printed = task.deadline_text or ""
        shown = format_date(deadline, lang)
        if printed and printed != shown:
            lines.append(
                t(lang, "Deadline: {date} (as printed: “{printed}”)", date=shown, printed=printed)
            )
        else:
            lines.append(t(lang, "Deadline: {date}", date=shown))
    elif task.deadline_text:
        lines.append(t(lang, "Deadline as printed: “{printed}”", printed=task.deadline_text))
    role_label = tb(lang, ROLE_LABELS.get(role, ROLE_LABELS["coordinate"]))
    if for_coordinator:
        lines.append(
            t(
                lang,
                "In your scope: {agency} ({role}) has not reported this task done.",
                agency=agency.name,
                role=role_label,
            )
        )
    else:
        lines.append(
            t(
                lang,
                "Your agency, {agency}, is the {role} of this task.",
                agency=agency.name,
                role=role_label,
            )
        )
    return "\n".join(lines)
