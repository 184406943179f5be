"""Rules that keep the knowledge base exact to the letter, run by the loader (and so by
``python -m bot kb check`` and the admin reload). Each rule catches one class of mistake
an audit against the seeds found (issue 10):

- ``lead-verb``: an owner recorded as lead (chủ trì) whose own printed verb is "phối hợp"
  or "tham gia" (Lai Châu III.4.2 "Phối hợp, tham gia …");
- ``role-text``: a role other than lead without the document's own words for it, or with
  words the duty does not print;
- ``output-column``: an output for a task of a document (or part) with no output column
  (Lai Châu and the Thành ủy plan are prose: nothing is "Sản phẩm chủ yếu" there);
- ``deadline-printed``: in prose, a deadline the duty text does not print, or a manner word
  ("thường xuyên", "định kỳ" with no frequency) recorded as a deadline;
- ``milestones``: (deadline, output) pairs only for rows of a table that prints both;
- ``printed-name``: a name recorded "as printed" for an agency the task does not name, or
  that the duty text does not print; in prose, an owner or partner whose name the duty
  does not print (KL 44 mục 2 prints "các bộ, ngành", not the ministries' full name);
- ``date-source``: a date read from an e-signature stamp must say where.

Code never reads the seeds: the rules compare a record with its own verbatim text
(``details`` or ``title``) and its document's table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.deadlines import DeadlineError, parse_deadline
from knowledge.model import Agency, Document, Task
from knowledge.normalize import fold

# Words that may stand before an owner's own verb without being it: "Chủ động phối hợp",
# "Căn cứ điều kiện cụ thể, phối hợp", "tích cực tham gia", "Đẩy mạnh phối hợp".
_LEADING = re.compile(
    r"^(?:(?:chu dong|tich cuc|tiep tuc|thuong xuyen|day manh|can cu dieu kien cu the|cung)"
    r"\s*,?\s*)*"
)
_SHARE = re.compile(r"^(?:phoi hop\s*,?\s*(?=tham gia))?(phoi hop|tham gia)\b")
_MANNER = {"ongoing": "thường xuyên", "periodic": "định kỳ"}


def _squash(text: str) -> str:
    return fold(text).replace(" ", "")


def duty_text(task: Task) -> str:
    """The duty as printed: ``details`` unless it is a printed cell, else the title."""
    details = task.details or ""
    if details and not details.startswith(("Cơ quan chủ trì:", "Cơ quan phối hợp:")):
        return details
    return task.title


def is_row(doc: Document, task: Task, column: str | None = None) -> bool:
    """Whether the task is a row of its document's table (printing ``column``)."""
    table = doc.table
    if table is None or not task.ref.startswith(table.ref_prefix):
        return False
    return column is None or table.has(column)


def _strip_names(text: str, names: Iterable[str]) -> str:
    """``text`` (folded) without the owners' names it opens with ("Hội Chữ thập đỏ tỉnh
    chủ động phối hợp …" → "chủ động phối hợp …")."""
    changed = True
    while changed:
        changed = False
        text = text.lstrip(" ,.;")
        for name in sorted(names, key=len, reverse=True):
            if name and text.startswith(name):
                text = text[len(name) :]
                changed = True
        if text.startswith(("va ", "... ", "…")):
            text = text.split(" ", 1)[1] if " " in text else ""
            changed = True
    return text.strip()


def _bare(name: str) -> str:
    """An agency name without its curator's qualifier: "Hội Chữ thập đỏ các cấp (quận)"."""
    return fold(re.sub(r"\s*\([^)]*\)", "", name))


def opening_verb(task: Task, agencies: dict[str, Agency]) -> str | None:
    """ "phoi hop" or "tham gia" when the owner's own printed verb is one of them (and no
    "chủ trì" is printed in the same clause), else None."""
    first = re.split(r"[;.]", fold(duty_text(task)), maxsplit=1)[0]
    if "chu tri" in first:
        return None
    names: list[str] = []
    for agency_id in task.lead:
        agency = agencies.get(agency_id)
        if agency is not None:
            names += [_bare(agency.name), *(fold(a) for a in agency.aliases)]
        if agency_id in task.printed:
            names.append(fold(task.printed[agency_id]))
    rest = _LEADING.sub("", _strip_names(first, names))
    m = _SHARE.match(rest)
    return m.group(1) if m else None


def check_task(task: Task, doc: Document, agencies: dict[str, Agency]) -> list[tuple[str, str]]:
    """(field, reason) of every rule the task breaks."""
    out: list[tuple[str, str]] = []
    text = duty_text(task)
    printed_text = fold(" ".join([task.title, task.details or "", task.section_title]))
    row = is_row(doc, task)

    # lead-verb / role-text
    if task.role == "lead":
        verb = None if row else opening_verb(task, agencies)
        if verb is not None:
            role = "participate" if verb == "tham gia" else "coordinate"
            out.append(
                (
                    "role",
                    f"lead-verb: the owner's printed verb is {verb!r}, not 'chủ trì'; "
                    f"set role: {role} and role_text as printed",
                )
            )
        if task.role_text:
            out.append(("role_text", "role-text: a lead needs no role_text"))
    elif task.role in ("coordinate", "participate"):
        want = "phoi hop" if task.role == "coordinate" else "tham gia"
        if not task.role_text:
            out.append(("role_text", f"role-text: role {task.role} needs the printed verb"))
        elif want not in fold(task.role_text):
            out.append(("role_text", f"role-text: {task.role_text!r} is not {want!r}"))
        elif _squash(task.role_text) not in _squash(text):
            out.append(("role_text", f"role-text: {task.role_text!r} is not printed in the duty"))

    # output-column
    if (task.output or any(m.output for m in task.milestones)) and not is_row(
        doc, task, "Sản phẩm chủ yếu"
    ):
        out.append(
            (
                "output",
                f"output-column: {doc.id} prints no output column for {task.ref!r}; "
                "do not lift words of the duty into it",
            )
        )

    # milestones
    if ";" in task.deadline and not task.milestones:
        out.append(
            (
                "deadline",
                "milestones: the deadline prints several times; keep each printed "
                "(deadline, output) pair under milestones",
            )
        )
    if task.milestones:
        if not is_row(doc, task, "Thời gian thực hiện"):
            out.append(("milestones", "milestones: only rows of a table with a time column"))
        for m in task.milestones:
            try:
                parse_deadline(m.deadline)
            except DeadlineError as exc:
                out.append(("milestones", f"milestones: {exc}"))

    # deadline-printed
    if task.deadline and not is_row(doc, task, "Thời gian thực hiện"):
        if _squash(task.deadline) not in _squash(text):
            out.append(
                ("deadline", f"deadline-printed: {task.deadline!r} is not printed in the duty")
            )
        try:
            parsed = parse_deadline(task.deadline)
        except DeadlineError:
            parsed = None  # reported by the loader
        if parsed is not None and parsed.recurrence in _MANNER:
            word = _MANNER[parsed.recurrence]
            out.append(
                (
                    "deadline",
                    f"deadline-printed: {word!r} in running text prints no date or frequency; "
                    "it is not a deadline",
                )
            )

    # printed-name
    named = set(task.lead) | set(task.coordinate)
    for agency_id, printed in task.printed.items():
        if agency_id not in named:
            out.append(("printed", f"printed-name: {agency_id!r} is not named by the task"))
        elif fold(printed) not in printed_text and not row:
            out.append(("printed", f"printed-name: {printed!r} is not printed in the duty"))
    if not row and task.details:
        ids = [*task.coordinate, *([] if task.role == "addressee" else task.lead)]
        for agency_id in ids:
            agency = agencies.get(agency_id)
            if agency is None or agency_id in task.printed:
                continue
            names = [_bare(agency.name), *(fold(a) for a in agency.aliases)]
            if _bare(agency.name) not in printed_text and not any(
                n and n in printed_text for n in names
            ):
                out.append(
                    (
                        "printed",
                        f"printed-name: {agency.name!r} ({agency_id}) is not printed in the "
                        "duty; record the name as printed (printed:) or fix the agency",
                    )
                )
            elif _bare(agency.name) not in printed_text:
                shown = next(n for n in names if n and n in printed_text)
                if agency.generic and len(shown) < len(_bare(agency.name)) - 12:
                    out.append(
                        (
                            "printed",
                            f"printed-name: the duty prints {shown!r}, not {agency.name!r}; "
                            "record it under printed:",
                        )
                    )
    return out


def check_document(doc: Document) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if doc.date_from == "e_signature" and (doc.date is None or doc.date_line is None):
        out.append(("date_from", "date-source: an e-signature date needs date and date_line"))
    numbers = [fold(c.number) for c in doc.cites]
    for number in {n for n in numbers if numbers.count(n) > 1}:
        out.append(("cites", f"cites: {number!r} is listed twice"))
    if doc.number and fold(doc.number) in numbers:
        out.append(("cites", "cites: a document does not cite its own number"))
    return out
