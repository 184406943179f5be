"""Compose short answers from knowledge records, in Vietnamese or English.

Plain text with newlines; the Telegram layer escapes and decorates it.
"""

from __future__ import annotations

import datetime as dt

from knowledge.answer import Source
from knowledge.base import KnowledgeBase
from knowledge.doc_facts import CitedHit
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


def agency_name(agency: Agency, lang: str, printed: str = "") -> str:
    """The agency's name; ``printed`` is how a task prints it when that differs."""
    name = printed or agency.name
    if lang == "en" and agency.name_en:
        return f"{agency.name_en} ({name})"
    return name


def agency_list(kb: KnowledgeBase, ids: list[str], lang: str, task: Task | None = None) -> str:
    """Names joined with "; ", as ``task`` prints them when given."""
    printed = task.printed if task is not None else {}
    return "; ".join(agency_name(kb.agencies[i], lang, printed.get(i, "")) for i in ids)


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
    elif deadline.kind == "recurring" and deadline.recurrence == "periodic":
        line += tr(lang, " (periodic: the document prints no frequency)")
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


# The documents' own words for a role that is not "chủ trì" (Task.role), per language.
_ROLE_LINE = {
    "coordinate": "Coordinating (printed: “{verb}”), no lead printed: {agencies}",
    "participate": "Taking part (printed: “{verb}”), no lead printed: {agencies}",
    "addressee": "The document names no lead; it is addressed to: {agencies}",
}
_ROLE_TAG = {
    "lead": "lead",
    "coordinate": "coordinate",
    "participate": "take part",
    "addressee": "addressee, no lead printed",
}


_TIMING = {"dinh ky": "định kỳ", "thuong xuyen": "thường xuyên"}


def _timing_word(task: Task) -> str:
    """ "định kỳ" or "thường xuyên" when the duty's text says it but prints no deadline
    (Thành ủy III.7 "định kỳ báo cáo"): said beside "no deadline", never read as one."""
    text = fold(task.details or task.title)
    return next((word for key, word in _TIMING.items() if key in text), "")


def owners_line(kb: KnowledgeBase, task: Task, lang: str) -> str:
    """The bodies a task is given to, labelled with the document's own role for them:
    "Chủ trì: …" only where the document prints a lead."""
    names = agency_list(kb, task.lead, lang, task)
    if task.role == "lead":
        return tr(lang, "Lead: {agencies}", agencies=names)
    verb = task.role_text or task.role
    verb = verb[:1].upper() + verb[1:]
    return tr(lang, _ROLE_LINE[task.role], verb=verb, agencies=names)


def role_tag(task: Task, role: str, lang: str) -> str:
    """A short label of an agency's part in a task for lists: "chủ trì", "phối hợp",
    or the document's own verb ("Phối hợp, tham gia")."""
    if role in ("coordinate", "participate") and task.role == role and task.role_text:
        return task.role_text[:1].lower() + task.role_text[1:]
    return tr(lang, _ROLE_TAG.get(role, "coordinate"))


def owner_names(kb: KnowledgeBase, task: Task, lang: str) -> str:
    """The owners of a task for one-line lists, with the printed role when not lead."""
    names = agency_list(kb, task.lead, lang, task)
    if task.role == "lead":
        return names
    return f"{names} ({role_tag(task, task.role, lang)})"


def _milestones(task: Task, first: str) -> str:
    """The printed (deadline, output) pairs of a row, the asked-for one first."""
    pairs = []
    for m in task.milestones:
        if first == "deadline":
            pairs.append(f"{m.deadline} → {m.output}" if m.output else m.deadline)
        else:
            pairs.append(f"{m.output} ({m.deadline})" if m.output else "")
    return "; ".join(p for p in pairs if p)


def output_line(kb: KnowledgeBase, task: Task, lang: str) -> str:
    if task.milestones:
        return tr(lang, "Main output: {output}", output=_milestones(task, "output"))
    if task.output:
        return tr(lang, "Main output: {output}", output=short(task.output))
    if not has_column(kb, task, "Sản phẩm chủ yếu"):
        return tr(lang, "Main output: the document has no output column and names none.")
    return tr(lang, "Main output: the document names none for this task.")


def has_column(kb: KnowledgeBase, task: Task, header: str) -> bool:
    """Whether the task is a row of a table of its document that prints ``header``."""
    table = kb.document_of(task).table
    return table is not None and task.ref.startswith(table.ref_prefix) and table.has(header)


def fact_lines(kb: KnowledgeBase, task: Task, intents: list[str], lang: str) -> list[str]:
    """The lines of a task card, the asked-for facts first."""
    order = [i for i in intents if i in ("lead", "coordinate", "deadline", "output")]
    for i in ("lead", "coordinate", "deadline", "output"):
        if i not in order:
            order.append(i)
    lines = []
    for item in order:
        if item == "lead":
            lines.append(owners_line(kb, task, lang))
            if printed := printed_cell(task, "Cơ quan chủ trì:"):
                lines.append(tr(lang, "  (as printed: {text})", text=short(printed, 300)))
        elif item == "coordinate":
            if task.coordinate:
                names = agency_list(kb, task.coordinate, lang, task)
                if task.role == "lead":
                    lines.append(tr(lang, "Coordinating: {agencies}", agencies=names))
                else:  # partners of an owner that is not printed as lead
                    lines.append(tr(lang, "Together with: {agencies}", agencies=names))
                if printed := printed_cell(task, "Cơ quan phối hợp:"):
                    lines.append(tr(lang, "  (as printed: {text})", text=short(printed, 300)))
            else:
                lines.append(tr(lang, "Coordinating: the document names no coordinating agency."))
        elif item == "deadline":
            if task.milestones:
                pairs = _milestones(task, "deadline")
                lines.append(tr(lang, "Deadline: {text}", text=pairs))
            else:
                deadline = kb.deadline(task.id)
                line = deadline_line(deadline, lang)
                if deadline.kind == "none" and (word := _timing_word(task)):
                    note = "(the text says “{word}”, with no date or frequency)"
                    line += " " + tr(lang, note, word=word)
                lines.append(line)
        elif item == "output":
            lines.append(output_line(kb, task, lang))
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
        text = tr(
            lang,
            "{agency}: no task in the documents names it as lead or coordinator.",
            agency=agency_name(agency, lang),
        )
        issued = [d for d in kb.documents.values() if fold(d.issuer) == fold(agency.name)]
        for doc in issued:  # UBND tỉnh Lai Châu: it issues the plan, it has no duty in it
            text += "\n" + tr(lang, "It issued: {document}", document=document_citation(doc, lang))
        return text
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
        role_label = role_tag(task, task_role, lang)
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
        lead = owner_names(kb, task, lang)
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
            lead = owner_names(kb, task, lang)
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


def _fact_line(doc: Document, fact: str, lang: str) -> str:
    if fact == "date":
        if not doc.date:
            return tr(
                lang, "The copy of this document prints no date of issue, so I will not guess."
            )
        line = tr(lang, "Date of the document: {date}.", date=fmt_date(doc.date, lang))
        if doc.date_from == "e_signature":
            line += " " + tr(
                lang,
                "(The header prints no date: this is the date of the electronic signature "
                "stamp at the end of the copy.)",
            )
        return line
    if fact == "number":
        if doc.number:
            return tr(lang, "Number of the document: {number}.", number=doc.number)
        return tr(lang, "The copy of this document prints no number, so I will not guess.")
    if fact == "signer":
        if doc.signer:
            return tr(
                lang,
                "Signed by: {name} ({capacity}).",
                name=doc.signer.name,
                capacity=doc.signer.capacity,
            )
        return tr(lang, "The copy of this document prints no signer, so I will not guess.")
    if fact == "executors":
        if doc.executors:
            return tr(lang, "Who executes it (as printed): {text}", text=doc.executors.text)
        return tr(lang, "The copy of this document prints no article on who executes it.")
    if fact == "effect":
        if doc.effect:
            return tr(lang, "Entry into force (as printed): {text}", text=doc.effect.text)
        return tr(lang, "The copy of this document prints no entry-into-force clause.")
    return tr(
        lang,
        "Issued by: {issuer} ({level} level).",
        issuer=doc.issuer,
        level=level_name(doc.level, lang),
    )


def document_fact(kb: KnowledgeBase, doc: Document, fact: str | list[str], lang: str) -> str:
    """The facts asked of a document (date, number, issuer, signer, executors, effect),
    each on its line in the order asked, then the document's record."""
    facts = [fact] if isinstance(fact, str) else list(fact)
    first = "\n".join(_fact_line(doc, f, lang) for f in facts)
    return first + "\n\n" + document_record(kb, doc, lang)


def document_record(kb: KnowledgeBase, doc: Document, lang: str) -> str:
    """The document's record: citation, number, date, issuer, signer, what it implements."""
    none = tr(lang, "not printed in the copy")
    date = fmt_date(doc.date, lang) if doc.date else none
    if doc.date and doc.date_from == "e_signature":
        date += " " + tr(lang, "(electronic signature stamp)")
    lines = [
        document_citation(doc, lang),
        tr(lang, "• Number: {value}", value=doc.number or none),
        tr(lang, "• Date: {value}", value=date),
        tr(lang, "• Issued by: {value}", value=doc.issuer),
    ]
    if doc.signer:
        signer = f"{doc.signer.name} ({doc.signer.capacity})"
        lines.append(tr(lang, "• Signed by: {value}", value=signer))
    if doc.parent and doc.parent in kb.documents:
        parent = kb.documents[doc.parent]
        lines.append(tr(lang, "• Implements: {value}", value=document_citation(parent, lang)))
    return "\n".join(lines)


def cited_answer(kb: KnowledgeBase, hits: list[CitedHit], lang: str) -> str:
    """Texts the documents cite by number: the citation as printed and who cites it. The
    base holds the citation only, never the cited text's content."""
    lines = [tr(lang, "The base holds only the citation of this text, not its content:")]
    for hit in hits:
        lines.append("")
        lines.append(f"• {hit.cited.text}")
        where = []
        for doc, basis in zip(hit.documents, hit.in_basis, strict=True):
            how = tr(lang, "as its basis") if basis else tr(lang, "in its text")
            where.append(f"{doc.label} ({level_name(doc.level, lang)}, {how})")
        lines.append(tr(lang, "  Cited by: {documents}", documents="; ".join(where)))
        note = hit.cited.note_en if lang == "en" and hit.cited.note_en else hit.cited.note
        if note:
            lines.append(f"  {note}")
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
