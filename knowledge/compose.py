"""Compose short answers from knowledge records, in Vietnamese or English.

Plain text with newlines; the Telegram layer escapes and decorates it.
"""

from __future__ import annotations

import datetime as dt

from knowledge.answer import Source
from knowledge.base import KnowledgeBase
from knowledge.i18n import fmt_date, fmt_month, tr
from knowledge.model import Agency, Deadline, Document, Task
from knowledge.normalize import fold

MAX_TITLE = 320

LEVEL_NAMES = {
    "party_central": "Party Central (Secretariat)",
    "government": "Government",
    "central": "central",
    "province": "province",
    "city": "city",
    "district": "district",
    "any": "all levels",
}


def short(text: str, limit: int = MAX_TITLE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:") + "…"


def agency_name(agency: Agency, lang: str) -> str:
    if lang == "en" and agency.name_en:
        return f"{agency.name_en} ({agency.name})"
    return agency.name


def agency_list(kb: KnowledgeBase, ids: list[str], lang: str) -> str:
    return "; ".join(agency_name(kb.agencies[i], lang) for i in ids)


def level_name(level: str, lang: str) -> str:
    return tr(lang, LEVEL_NAMES.get(level, level))


def document_citation(doc: Document, lang: str) -> str:
    parts = [doc.label]
    if doc.date:
        parts.append(tr(lang, "dated {date}", date=fmt_date(doc.date, lang)))
    if doc.place:
        parts.append(doc.place)
    text = ", ".join(parts)
    return tr(lang, "{document} ({level} level)", document=text, level=level_name(doc.level, lang))


def source_of(kb: KnowledgeBase, task: Task) -> Source:
    doc = kb.document_of(task)
    return Source(doc.id, doc.label, task.ref, task.id, str(doc.level))


def deadline_line(deadline: Deadline, lang: str) -> str:
    if deadline.kind == "none":
        return tr(lang, "Deadline: the document sets none for this task.")
    line = tr(lang, "Deadline: {text}", text=deadline.text)
    if deadline.kind == "date" and deadline.due:
        line += tr(lang, " (by {date})", date=fmt_date(deadline.due, lang))
    elif deadline.kind == "recurring" and deadline.recurrence == "ongoing":
        line += tr(lang, " (an ongoing task, no fixed end date)")
    elif deadline.kind == "recurring":
        line += tr(lang, " (repeats every year)")
    elif deadline.kind == "conditional":
        line += tr(lang, " (conditional: no calendar date until that happens)")
    elif (
        deadline.kind == "period"
        and deadline.start
        and deadline.end
        and deadline.start.year != deadline.end.year
    ):
        line += tr(
            lang, " (from {start} to {end})", start=deadline.start.year, end=deadline.end.year
        )
    return line


def fact_lines(kb: KnowledgeBase, task: Task, intents: list[str], lang: str) -> list[str]:
    """The lines of a task card, the asked-for facts first."""
    order = [i for i in intents if i in ("lead", "coordinate", "deadline", "output")]
    for i in ("lead", "coordinate", "deadline", "output"):
        if i not in order:
            order.append(i)
    lines = []
    for item in order:
        if item == "lead":
            lines.append(tr(lang, "Lead: {agencies}", agencies=agency_list(kb, task.lead, lang)))
            if printed := printed_cell(task, "Cơ quan chủ trì:"):
                lines.append(tr(lang, "  (as printed: {text})", text=short(printed, 300)))
        elif item == "coordinate":
            if task.coordinate:
                names = agency_list(kb, task.coordinate, lang)
                lines.append(tr(lang, "Coordinating: {agencies}", agencies=names))
                if printed := printed_cell(task, "Cơ quan phối hợp:"):
                    lines.append(tr(lang, "  (as printed: {text})", text=short(printed, 300)))
            else:
                lines.append(tr(lang, "Coordinating: the document names no coordinating agency."))
        elif item == "deadline":
            lines.append(deadline_line(kb.deadline(task.id), lang))
        elif item == "output":
            if task.output:
                lines.append(tr(lang, "Main output: {output}", output=short(task.output)))
            else:
                lines.append(tr(lang, "Main output: the document names none for this task."))
    return lines


def printed_cell(task: Task, label: str) -> str:
    """The appendix cell as printed, kept in ``details`` as "Cơ quan chủ trì: …" when
    it says more than the agency list (e.g. "Hội Chữ thập đỏ đối với nội bộ Hội")."""
    details = task.details or ""
    if details.startswith(label):
        return details[len(label) :].strip()
    return ""


def full_text(task: Task) -> str:
    """The duty as the document words it: the details when they restate and extend
    the title (lists of campaigns, channels), else the title."""
    details = task.details or ""
    if len(details) > len(task.title) + 20 and fold(task.title[:40]) in fold(details):
        return details
    return task.title


def task_card(kb: KnowledgeBase, task: Task, intents: list[str], lang: str) -> str:
    doc = kb.document_of(task)
    head = tr(lang, "Task: {title}", title=short(full_text(task), 480))
    lines = fact_lines(kb, task, intents, lang)
    asked = [i for i in intents if i in ("lead", "coordinate", "deadline", "output")]
    first = lines[: max(len(asked), 1)] if asked else []
    rest = lines[len(first) :]
    cite = tr(lang, "Source: {doc}, {ref}", doc=document_citation(doc, lang), ref=task.ref)
    return "\n".join([*first, head, *rest, cite])


def agency_overview(
    kb: KnowledgeBase,
    agency: Agency,
    items: list[tuple[Task, str]],
    lang: str,
    role: str | None = None,
) -> str:
    if not items:
        return tr(
            lang,
            "{agency}: no task in the documents names it as lead or coordinator.",
            agency=agency_name(agency, lang),
        )
    header_key = {
        "lead": "{agency} leads {n} task(s):",
        "coordinate": "{agency} coordinates on {n} task(s):",
    }.get(role or "", "{agency} has {n} task(s) in the documents:")
    lines = [tr(lang, header_key, agency=agency_name(agency, lang), n=len(items))]
    current = None
    for task, task_role in items:
        doc = kb.document_of(task)
        if doc.id != current:
            current = doc.id
            lines.append("")
            lines.append(document_citation(doc, lang))
        role_label = tr(lang, "lead") if task_role == "lead" else tr(lang, "coordinate")
        deadline = kb.deadline(task.id)
        due = f"; {deadline.text}" if deadline.text else ""
        full = len(items) <= 6 or (len(items) <= 12 and task_role == "lead")
        text = full_text(task) if full else task.title
        limit = 800 if len(items) <= 2 else 400 if len(items) <= 6 else (360 if full else 160)
        line = f"• [{role_label}] {short(text, limit)} ({task.ref}{due})"
        if task.output:
            line += " — " + tr(lang, "Main output: {output}", output=short(task.output, 160))
        lines.append(line)
    return "\n".join(lines)


def agency_kind_listing(kb: KnowledgeBase, found: dict[str, list[Task]], lang: str) -> str:
    lines = [tr(lang, "{n} bodies of this kind have duties:", n=len(found))]
    for agency_id, tasks in found.items():
        refs = "; ".join(dict.fromkeys(t.ref for t in tasks))
        doc = kb.document_of(tasks[0])
        where = doc.label if doc.number else doc.kind
        lines.append(f"• {agency_name(kb.agencies[agency_id], lang)} — {where}: {refs}")
    return "\n".join(lines)


def basis_answer(kb: KnowledgeBase, doc: Document, lang: str) -> str:
    lines = [document_citation(doc, lang)]
    if doc.basis:
        lines.append(tr(lang, "It rests on:"))
        lines.extend(f"• {b.text}" for b in doc.basis)
    if doc.parent and doc.parent in kb.documents:
        parent = kb.documents[doc.parent]
        lines.append(
            tr(lang, "It implements: {document}", document=document_citation(parent, lang))
        )
    return "\n".join(lines)


def due_listing(
    kb: KnowledgeBase,
    tasks: list[Task],
    lang: str,
    due: dt.date | None = None,
    month: tuple[int, int] | None = None,
) -> str:
    if due is not None:
        lines = [tr(lang, "Due by {date}:", date=fmt_date(due, lang))]
    else:
        year, number = month or (0, 0)
        lines = [tr(lang, "Due in {month}:", month=fmt_month(year, number, lang))]
    for task in tasks:
        doc = kb.document_of(task)
        lead = agency_list(kb, task.lead, lang)
        lines.append(
            f"• {short(task.title, 200)} — {lead} ({kb.deadline(task.id).text}; "
            f"{doc.label}, {task.ref})"
        )
    return "\n".join(lines)


def document_listing(kb: KnowledgeBase, doc: Document, lang: str, section: str | None) -> str:
    count = len(kb.tasks_of_document(doc.id))
    lines = [document_citation(doc, lang) + tr(lang, ": {n} task(s)", n=count)]
    for sec in kb.sections(doc.id):
        if section and sec.code.casefold() != section.casefold():
            continue
        lines.append("")
        lines.append(f"{sec.code}. {short(sec.title, 160)}" if sec.title else sec.code)
        for task in sec.tasks:
            lead = agency_list(kb, task.lead, lang)
            lines.append(f"• {task.ref}: {short(task.title, 140)} — {lead}")
    return "\n".join(lines)


def refusal(lang: str) -> str:
    return tr(
        lang,
        "Sorry, I could not find this in Conclusion 44-KL/TW, Decision 895/QĐ-TTg or the "
        "local plans under them, so I will not guess. You can ask who leads or coordinates "
        "a task, when it is due, what it must produce, or what an agency must do.",
    )


def did_you_mean(lang: str) -> str:
    return tr(lang, "Did you mean one of these?")


def empty_question(lang: str) -> str:
    return tr(
        lang,
        "Please type a question, for example: who leads the review of the Law on Red Cross "
        "activities?",
    )


def ambiguous_hint(lang: str) -> str:
    return tr(lang, "The same duty also appears at other levels: see the buttons below.")


def document_fact(kb: KnowledgeBase, doc: Document, fact: str, lang: str) -> str:
    """One fact of a document's record (date, number, issuer, signer), then the record."""
    if fact == "date":
        first = (
            tr(lang, "Date of the document: {date}.", date=fmt_date(doc.date, lang))
            if doc.date
            else tr(lang, "The copy of this document prints no date of issue, so I will not guess.")
        )
    elif fact == "number":
        first = (
            tr(lang, "Number of the document: {number}.", number=doc.number)
            if doc.number
            else tr(lang, "The copy of this document prints no number, so I will not guess.")
        )
    elif fact == "signer":
        first = (
            tr(
                lang,
                "Signed by: {name} ({capacity}).",
                name=doc.signer.name,
                capacity=doc.signer.capacity,
            )
            if doc.signer
            else tr(lang, "The copy of this document prints no signer, so I will not guess.")
        )
    else:
        first = tr(
            lang,
            "Issued by: {issuer} ({level} level).",
            issuer=doc.issuer,
            level=level_name(doc.level, lang),
        )
    return first + "\n\n" + document_record(kb, doc, lang)


def document_record(kb: KnowledgeBase, doc: Document, lang: str) -> str:
    """The document's record: citation, number, date, issuer, what it implements."""
    none = tr(lang, "not printed in the copy")
    lines = [
        document_citation(doc, lang),
        tr(lang, "• Number: {value}", value=doc.number or none),
        tr(lang, "• Date: {value}", value=fmt_date(doc.date, lang) if doc.date else none),
        tr(lang, "• Issued by: {value}", value=doc.issuer),
    ]
    if doc.parent and doc.parent in kb.documents:
        parent = kb.documents[doc.parent]
        lines.append(tr(lang, "• Implements: {value}", value=document_citation(parent, lang)))
    return "\n".join(lines)


def did_you_mean_agency(lang: str) -> str:
    return tr(lang, "Did you mean one of these agencies?")


def other_place(lang: str, place: str) -> str:
    return tr(
        lang,
        "The documents I hold are Conclusion 44-KL/TW, Decision 895/QĐ-TTg and the plans of "
        "Lai Châu province, a city Party committee and Kiến An district; they hold nothing "
        "for {place}, so I will not answer with another locality's duty.",
        place=place,
    )


def unknown_agency(lang: str) -> str:
    return tr(
        lang,
        "Conclusion 44-KL/TW, Decision 895/QĐ-TTg and the local plans under them assign no "
        "duty to the agency you named, so I will not answer with another one's.",
    )
