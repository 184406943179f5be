"""Where each task of a list answer stands, shown beside it to the people who follow
progress: officers, coordinators and admins ("Đang thực hiện 60%, cập nhật 12/11",
"chưa có cập nhật"). Nothing for anyone else: progress is theirs to see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.access import HasAdmins, is_admin, is_coordinator, member_agencies
from bot.db.engine import Database, read_session
from bot.i18n import format_date, format_number, t
from bot.progress.status import lead_status
from bot.progress.texts import STATUS_LABELS
from knowledge.when import ZONE


async def listed_task_notes(
    db: Database,
    settings: HasAdmins,
    user_id: int,
    task_ids: Sequence[str],
    today: dt.date,
    lang: str,
) -> dict[str, str]:
    """Task id → a short note of where its lead stands; empty when ``user_id`` follows no
    progress (not an admin, a member of an agency or a coordinator)."""
    if not task_ids:
        return {}
    async with read_session(db.session_factory) as session:
        entitled = (
            is_admin(settings, user_id)
            or bool(await member_agencies(session, user_id))
            or await is_coordinator(session, user_id)
        )
        if not entitled:
            return {}
        rows = await lead_status(session, list(task_ids), today)
    notes = {}
    for task_id, row in rows.items():
        if row.status is None or row.updated_at is None:
            notes[task_id] = t(lang, "no update yet")
            continue
        state = t(lang, STATUS_LABELS[row.status])
        if row.percent is not None:
            state += f" {format_number(row.percent, lang)}%"
        day = row.updated_at.astimezone(ZONE).date()
        notes[task_id] = t(
            lang,
            "{state}, updated {date}",
            state=state,
            date=format_date(day, lang, "dd/MM" if lang == "vi" else "d MMM"),
        )
    return notes
