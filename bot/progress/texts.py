"""What the progress feature says: statuses, parse errors, saved updates, /tiendo blocks.

Plain functions of the language, the knowledge base and plain data (no Telegram), so
the handlers only send what these return. HTML-escaped where user or KB text goes in.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from bot.db.models import NOTE_MAX_CHARS, ProgressUpdate, Status
from bot.i18n import N_, format_date, format_datetime, format_number, t, tb
from bot.membership.agencies import agency_name
from bot.progress.refs import Candidate, short_code
from bot.progress.status import AgencyProgress
from knowledge.base import KnowledgeBase

STATUS_LABELS = {
    Status.not_started.value: N_("Not started"),
    Status.in_progress.value: N_("In progress"),
    Status.done.value: N_("Done"),
    Status.blocked.value: N_("Blocked"),
}
# An agency's part in a task, as its document prints it (knowledge/model.py TaskRole).
ROLE_WORDS = {
    "lead": N_("lead"),
    "coordinate": N_("coordinating"),
    "participate": N_("taking part"),
    "addressee": N_("addressee, no lead printed"),
}
STATUS_ICONS = {"not_started": "⚪", "in_progress": "🔵", "done": "✅", "blocked": "🟠"}
PARSE_ERRORS = {
    "empty": N_(
        "Please write the task and the update, for example: /capnhat II.2 60% sent the draft"
    ),
    "percent_range": N_("The percentage must be between 0 and 100."),
    "too_long": N_("This message is too long. Please keep the note under 500 characters."),
    "bad_status": N_("Please choose a status with the buttons."),
}


def status_label(lang: str, status: str) -> str:
    """ "🔵 Đang thực hiện": icon and name, for buttons (plain text)."""
    return f"{STATUS_ICONS.get(status, '')} {tb(lang, STATUS_LABELS.get(status, status))}"


def parse_error_text(lang: str, reason: str, info: Mapping[str, int] | None = None) -> str:
    if reason == "note_too_long":
        return t(
            lang,
            "The note has {length} characters; the limit is {limit}. "
            "Please shorten it and send it again.",
            length=format_number((info or {}).get("length", 0), lang),
            limit=format_number(NOTE_MAX_CHARS, lang),
        )
    return t(lang, PARSE_ERRORS.get(reason, PARSE_ERRORS["empty"]))


def not_member_text(lang: str) -> str:
    return t(
        lang,
        "Only officers of an assigned agency can post progress. "
        "Ask your coordinator for a join code, then send /thamgia &lt;code&gt;.",
    )


def task_line(kb: KnowledgeBase, task_id: str) -> str:
    """<b>II.2</b> · title (HTML)."""
    task = kb.tasks.get(task_id)
    if task is None:
        return html.escape(task_id)
    return f"<b>{html.escape(short_code(task.ref))}</b> · {html.escape(task.title[:200])}"


def candidate_label(candidate: Candidate) -> str:
    """A task button: "II.2 · title", cut to fit."""
    return f"{candidate.code} · {candidate.title}"[:60]


def all_tasks(kb: KnowledgeBase) -> list[Candidate]:
    """Every task of the knowledge base as a candidate for /tiendo's lookup."""
    return [Candidate(t.id, short_code(t.ref), t.ref, t.title) for t in kb.tasks.values()]


def summary(lang: str, kb: KnowledgeBase, draft: Mapping[str, Any]) -> str:
    """Task, agency, status, percent and note of a draft or a saved update (HTML)."""
    status = draft.get("status", "in_progress")
    lines = [
        task_line(kb, draft["task"]),
        t(lang, "Agency: {agency}", agency=agency_name(kb, draft["agency"])),
        t(lang, "Status: {status}", status=status_label(lang, status)),
    ]
    if draft.get("percent") is not None:
        lines.append(t(lang, "Done: {percent}%", percent=format_number(draft["percent"], lang)))
    if draft.get("note"):
        lines.append(t(lang, "Note: {note}", note=draft["note"]))
    return "\n".join(lines)


def confirm_text(lang: str, kb: KnowledgeBase, draft: Mapping[str, Any]) -> str:
    title = (
        t(lang, "<b>Correct your update?</b>")
        if draft.get("correct")
        else t(lang, "<b>Save this update?</b>")
    )
    return title + "\n" + summary(lang, kb, draft)


def saved_text(lang: str, kb: KnowledgeBase, row: ProgressUpdate) -> str:
    head = t(lang, "✅ Correction saved.") if row.corrects_id else t(lang, "✅ Update saved.")
    draft = {
        "task": row.task_id,
        "agency": row.agency_id,
        "status": row.status,
        "percent": row.percent,
        "note": row.note,
    }
    return head + "\n" + summary(lang, kb, draft)


def progress_lines(lang: str, tz: str, rows: list[AgencyProgress], *, by: str) -> list[str]:
    """One line per row: who (the agency, or the task when ``by`` is "task"), role, state."""
    out = []
    for row in rows:
        who = row.agency_name if by == "agency" else f"{row.task_code} · {row.task_title[:80]}"
        role = tb(lang, ROLE_WORDS.get(row.role, "coordinating"))
        if row.status is None:
            state = t(lang, "no update yet")
        else:
            state = f"{STATUS_ICONS.get(row.status, '')} {t(lang, STATUS_LABELS[row.status])}"
            if row.percent is not None:
                state += f" {format_number(row.percent, lang)}%"
            assert row.updated_at is not None
            date = format_datetime(row.updated_at, lang, tz, "short")
            if row.author_name is None:  # another agency's row, or the author erased
                state += " — " + date
            else:
                state += " — " + t(lang, "{date} by {author}", date=date, author=row.author_name)
        line = f"• <b>{html.escape(who)}</b> ({html.escape(role)}): {state}"
        if row.overdue and row.due_date is not None:
            line += " " + t(
                lang, "⚠️ overdue (due {date})", date=format_date(row.due_date, lang, "short")
            )
        out.append(line)
    return out


def task_block(
    lang: str, tz: str, kb: KnowledgeBase, task_id: str, rows: list[AgencyProgress]
) -> str:
    task = kb.tasks.get(task_id)
    doc = kb.documents[task.document].title if task and task.document in kb.documents else ""
    head = task_line(kb, task_id)
    if doc:
        head += f"\n<i>{html.escape(doc)}</i>"
    if task and task.deadline:
        head += "\n" + t(lang, "Deadline: {deadline}", deadline=task.deadline)
    lines = progress_lines(lang, tz, rows, by="agency") or [t(lang, "No responsible agency.")]
    return head + "\n" + "\n".join(lines)


def agency_block(
    lang: str, tz: str, kb: KnowledgeBase, agency_id: str, rows: list[AgencyProgress]
) -> str:
    head = t(lang, "<b>Progress of {agency}</b>", agency=agency_name(kb, agency_id))
    lines = progress_lines(lang, tz, rows, by="task") or [t(lang, "No tasks.")]
    return head + "\n" + "\n".join(lines)
