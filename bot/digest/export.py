"""/xuat: a scope's tasks, statuses and updates as CSV and XLSX files.

No personal data: updates are listed by agency, not by author.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProgressUpdate
from bot.progress import queries
from bot.progress.queries import Snapshot, assignments
from bot.progress.status import is_current

TASK_COLUMNS = (
    "task_id",
    "document",
    "ref",
    "title",
    "agency",
    "role",
    "deadline_printed",
    "deadline",
    "status",
    "last_update",
)
UPDATE_COLUMNS = ("at", "task_id", "ref", "agency", "status", "percent", "note")


@dataclass
class ExportRows:
    tasks: list[tuple[object, ...]]
    updates: list[tuple[object, ...]]


async def export_rows(
    session: AsyncSession,
    snap: Snapshot,
    in_scope: Callable[[queries.AgencyInfo], bool],
    tz: dt.tzinfo,
) -> ExportRows:
    agencies = {aid: a for aid, a in snap.agencies.items() if in_scope(a)}
    tasks = []
    for a in assignments(snap):
        agency = agencies.get(a.agency_id)
        if agency is None:
            continue
        task = snap.tasks[a.task_id]
        progress = snap.progress.get((a.task_id, a.agency_id))
        tasks.append(
            (
                task.id,
                task.document,
                task.ref,
                task.title,
                agency.name,
                a.role,
                task.deadline_text,
                a.due.isoformat() if a.due and a.kind in ("date", "period") else "",
                progress.status if progress else "not_started",
                progress.last_update.astimezone(tz).strftime("%Y-%m-%d %H:%M") if progress else "",
            )
        )
    tasks.sort(key=lambda r: (str(r[1]), snap.tasks[str(r[0])].position, str(r[4])))
    rows = await session.execute(
        select(
            ProgressUpdate.created_at,
            ProgressUpdate.task_id,
            ProgressUpdate.agency_id,
            ProgressUpdate.status,
            ProgressUpdate.percent,
            ProgressUpdate.note,
        )
        .where(ProgressUpdate.agency_id.in_(sorted(agencies)), is_current())
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    updates: list[tuple[object, ...]] = []
    for created, task_id, agency_id, status, percent, note in rows:
        info = snap.tasks.get(task_id)
        updates.append(
            (
                created.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                task_id,
                info.ref if info else "",
                agencies[agency_id].name,
                status,
                "" if percent is None else percent,
                _safe_cell(note or ""),
            )
        )
    return ExportRows(tasks=[tuple(_safe_cell(c) for c in r) for r in tasks], updates=updates)


def _safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in user text (CSV/XLSX injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows: ExportRows) -> bytes:
    """One CSV with the tasks; UTF-8 with BOM so spreadsheet apps read Vietnamese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TASK_COLUMNS)
    writer.writerows(rows.tasks)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: ExportRows) -> bytes:
    """A workbook with two sheets: tasks and updates."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("tasks")
    sheet.append(TASK_COLUMNS)
    for r in rows.tasks:
        sheet.append(list(r))
    sheet = wb.create_sheet("updates")
    sheet.append(UPDATE_COLUMNS)
    for r in rows.updates:
        sheet.append(list(r))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
