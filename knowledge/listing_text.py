"""Texts of list and count answers and of a duty's time status, in Vietnamese or English."""

from __future__ import annotations

import datetime as dt

from knowledge import compose
from knowledge.base import KnowledgeBase
from knowledge.i18n import fmt_date, fmt_month, tr
from knowledge.listing import Listing, TaskFilter, roles_of
from knowledge.model import Deadline, Task
from knowledge.when import SOON_DAYS, last_day

_KIND_TEXT = {
    frozenset({"none"}): "with no deadline printed",
    frozenset({"date", "period"}): "with a fixed deadline",
    frozenset({"ongoing"}): "carried out on an ongoing basis",
    frozenset({"yearly"}): "repeated every year",
    frozenset({"ongoing", "yearly", "periodic"}): "recurring",
    frozenset({"conditional"}): "due once a condition is met",
    frozenset({"none", "ongoing", "yearly", "periodic", "conditional"}): "with no calendar date",
}


def _window_text(flt: TaskFilter, lang: str) -> str | None:
    w = flt.window
    if w is None:
        return None
    if w.span == "year":
        return tr(lang, "due in {period}", period=str(w.start.year))
    if w.span == "quarter":
        quarter = (w.start.month - 1) // 3 + 1
        return tr(lang, "due in quarter {q}/{year}", q=quarter, year=w.start.year)
    if w.span == "month":
        return tr(lang, "due in {period}", period=fmt_month(w.start.year, w.start.month, lang))
    return tr(lang, "due on {period}", period=fmt_date(w.start, lang))


def describe(kb: KnowledgeBase, flt: TaskFilter, lang: str) -> str:
    """What a filter selects, as words after "N task(s)"."""
    parts: list[str] = []
    if flt.agencies:
        names = compose.agency_list(kb, list(flt.agencies), lang)
        key = {
            "lead": "led by {agency}",
            "coordinate": "where {agency} coordinates",
        }.get(flt.role or "", "of {agency}")
        parts.append(tr(lang, key, agency=names))
    docs = sorted(flt.documents or [], key=list(kb.documents).index)
    labels = [kb.documents[d].label for d in docs]
    if flt.appendix:
        label = labels[0] if len(labels) == 1 else "Quyết định 895/QĐ-TTg"
        parts.append(tr(lang, "in the appendix of {document}", document=label))
    elif labels and len(labels) <= 2:
        parts.append(tr(lang, "in {document}", document=" / ".join(labels)))
    if flt.sections:
        parts.append(tr(lang, "part {codes}", codes=", ".join(sorted(flt.sections))))
    if text := _window_text(flt, lang):
        parts.append(text)
    if flt.before:
        parts.append(tr(lang, "due before {date}", date=fmt_date(flt.before, lang)))
    if flt.after:
        parts.append(tr(lang, "due after {date}", date=fmt_date(flt.after, lang)))
    if flt.kinds is not None:
        parts.append(tr(lang, _KIND_TEXT.get(flt.kinds, "recurring")))
    if flt.no_output:
        parts.append(tr(lang, "with no main output printed"))
    if flt.no_coordinate:
        parts.append(tr(lang, "with no coordinating agency printed"))
    today = fmt_date(flt.today, lang) if flt.today else ""
    if flt.overdue:
        parts.append(tr(lang, "past their last day (as of {today})", today=today))
    if flt.not_overdue:
        parts.append(tr(lang, "not yet past their last day (as of {today})", today=today))
    if flt.soon:
        parts.append(tr(lang, "due within {days} days (from {today})", days=SOON_DAYS, today=today))
    return ", ".join(parts)


def header(kb: KnowledgeBase, flt: TaskFilter, n: int, lang: str) -> str:
    what = describe(kb, flt, lang)
    if n == 0:
        return tr(lang, "No task {what} (0 tasks).", what=what).replace(" ()", "")
    return tr(lang, "{n} task(s) {what}:", n=n, what=what).replace(" :", ":")


def section_header(kb: KnowledgeBase, flt: TaskFilter, tasks: list[Task], lang: str) -> str:
    """ "Công văn Kiến An có mấy điểm": the parts that hold the selected duties."""
    seen: dict[tuple[str, str], list[Task]] = {}
    for task in tasks:
        seen.setdefault((task.document, task.section), []).append(task)
    lines = [tr(lang, "{n} part(s) {what}:", n=len(seen), what=describe(kb, flt, lang))]
    for (_doc, code), items in seen.items():
        title = compose.short(items[0].section_title, 100)
        lines.append(
            "• " + tr(lang, "{code}. {title} ({n} task(s))", code=code, title=title, n=len(items))
        )
    return "\n".join(lines).replace(" :", ":")


def _deadline_brief(deadline: Deadline, lang: str, timed: bool) -> str:
    if deadline.kind == "none":
        return tr(lang, "no deadline printed")
    text = deadline.text
    end = last_day(deadline)
    if timed and end is not None:
        text += " " + tr(lang, "(last day {date})", date=fmt_date(end, lang))
    return text


def item_line(kb: KnowledgeBase, task: Task, listing: Listing, agencies: tuple[str, ...]) -> str:
    lang = listing.lang
    doc = kb.document_of(task)
    name = doc.short_names[0] if doc.short_names else doc.label
    owners = compose.agency_list(kb, task.lead, lang) if task.lead else ""
    role = ""
    if agencies:
        roles = set().union(*(roles_of(task, a) for a in agencies))
        first = next(
            (r for r in ("lead", "coordinate", "participate", "addressee") if r in roles), ""
        )
        role = "[" + tr(lang, compose._ROLE_TAG.get(first, first)) + "] " if first else ""
    deadline = _deadline_brief(kb.deadline(task.id), lang, listing.timed)
    line = f"• {role}{name}, {task.ref}: {compose.short(task.title, 110)}"
    if owners and not agencies:
        line += f" — {compose.short(owners, 120)}"
    return line + f" ({deadline})"


def render(
    kb: KnowledgeBase,
    listing: Listing,
    agencies: tuple[str, ...] = (),
    notes: dict[str, str] | None = None,
) -> str:
    """One page of a list; ``notes`` (by task id) are added to their lines, e.g. the
    progress status the bot keeps ("60 %, cập nhật 12/11")."""
    lines = [listing.header]
    for task_id in listing.page_ids():
        line = item_line(kb, kb.tasks[task_id], listing, agencies)
        if notes and notes.get(task_id):
            line += f" — {notes[task_id]}"
        lines.append(line)
    if listing.pages > 1:
        lines.append("")
        page, pages = listing.page + 1, listing.pages
        lines.append(tr(listing.lang, "Page {page}/{pages}", page=page, pages=pages))
    return "\n".join(lines)


def status_line(deadline: Deadline, today: dt.date, lang: str) -> str:
    """Whether one duty is past its last day as of ``today``, first in its answer."""
    end = last_day(deadline)
    if end is not None:
        days = (end - today).days
        if days < 0:
            return tr(
                lang,
                "Overdue: its last day, {date}, passed {days} day(s) ago (as of {today}); "
                "whether it was done is not in the documents.",
                date=fmt_date(end, lang),
                days=-days,
                today=fmt_date(today, lang),
            )
        return tr(
            lang,
            "Not yet due: {days} day(s) left until its last day, {date} (as of {today}).",
            days=days,
            date=fmt_date(end, lang),
            today=fmt_date(today, lang),
        )
    if deadline.kind == "recurring" and deadline.recurrence == "ongoing":
        return tr(lang, "No last day: an ongoing task.")
    if deadline.kind == "recurring":
        return tr(lang, "No last day: a recurring task ({text}).", text=deadline.text)
    if deadline.kind == "conditional":
        return tr(lang, "No calendar date yet: it is due once a condition is met.")
    return tr(lang, "The document sets no deadline for this task, so it cannot be overdue.")
