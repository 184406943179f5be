"""How the engine decides: an ordered list of small strategies.

Each strategy looks at one read question (``Asked``) and either answers it (an
``Answer``, which may be a refusal) or passes (``None``) to the next one. The order is
the policy: what the documents cannot hold is refused before any duty is matched;
exact names (a document's own fact, a reference, an agency) come before ranking by
topic words. Each strategy can be called alone (tests/unit/ask/test_engine_strategies.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from knowledge import compose, near_miss
from knowledge.answer import Answer, Source
from knowledge.asked_dates import date_in, month_in
from knowledge.normalize import fold
from knowledge.query import Query
from knowledge.when import last_day

if TYPE_CHECKING:
    from knowledge.engine import Engine

TASK_INTENTS = ("lead", "coordinate", "deadline", "output")
# "Đã quá hạn chưa", "còn mấy ngày": a duty's time status as of today, first in its answer.
STATUS = re.compile(
    r"\b(qua han|tre han|het han|overdue|late|con (bao nhieu|may) ngay|con bao lau"
    r"|bao nhieu ngay|may ngay nua|how many days|days left|den han chua)\b"
)

# A locality's own paper ("kế hoạch của tỉnh X"), not a national document's duty there.
_OWN_PLAN = re.compile(
    r"\b(ke hoach|cong van|plan|ket luan|nghi quyet)\b.{0,30}"
    r"\b(tinh|thanh pho|huyen|quan|tinh uy|thanh uy|province|city|district)\b"
)
# Facts about an organisation itself that no duty states.
_ORG_FACT = re.compile(
    r"\b(thanh lap (nam|khi|ngay|tu|vao|luc) (nao|bao gio)|thanh lap (khi nao|bao gio|nam may)"
    r"|ngay thanh lap|nam thanh lap|founded|established in|when was .{0,40} (founded|established)"
    r"|tru so .{0,30}(o dau|dat o)|dia chi tru so|headquarters)\b"
)


@dataclass
class Asked:
    """One question as read, with what the strategies share about it."""

    engine: Engine
    q: Query
    lang: str
    today: dt.date
    unknown: list[str] | None = None  # words after an agency head naming no agency
    extra: dict[str, object] = field(default_factory=dict)

    @cached_property
    def folded(self) -> str:
        text = fold(self.q.text).replace("'", " ")
        return " ".join(re.sub(r"[?!,;:()\"“”]", " ", text).split())

    @cached_property
    def allowed_docs(self) -> set[str] | None:
        return self.engine._allowed_documents(self.q)

    @cached_property
    def agencies(self) -> list[list[str]]:
        groups = [self.engine._order_agencies(m, self.q) for m in self.q.agencies]
        return [g for g in groups if g]

    @cached_property
    def task_intents(self) -> list[str]:
        return [i for i in self.q.intents if i in TASK_INTENTS]

    @cached_property
    def status_today(self) -> dt.date | None:
        return self.today if STATUS.search(self.folded) else None

    @cached_property
    def weak_content(self) -> bool:
        index = self.engine.index
        weight = sum(index.weight(t.f) for t in self.q.content)
        return not self.q.content or weight < 1.2 * index.max_idf * 0.35


Strategy = Callable[[Asked], Answer | None]


# ------------------------------------------------------------------ refusals first


def cited_text(a: Asked) -> Answer | None:
    """ "176-KH/TU là gì": a text the documents cite by number; its citation."""
    return a.engine._cited_text(a.q, a.lang)


def document_fact(a: Asked) -> Answer | None:
    """A fact of a document itself: its date, number, issuer, signer, basis."""
    return a.engine._document_fact(a.q, a.lang)


def unknown_document(a: Asked) -> Answer | None:
    """A document number the base does not hold (KL 45, Chỉ thị 05), or one it only
    names (NĐ 93) asked for its content: say what the base holds instead."""
    return near_miss.unknown_document(a.engine, a.q, a.folded, a.lang)


def not_in_documents(a: Asked) -> Answer | None:
    """Names of office holders, contacts and personal facts are not in the documents, nor
    an organisation's own history ("Hội CTĐ thành lập năm nào", "trụ sở ở đâu")."""
    e, q = a.engine, a.q
    if "person" in q.intents or e._asks_office_holder(q, a.folded) or _ORG_FACT.search(a.folded):
        return e._refuse(q, a.lang, [])
    return None


def other_place(a: Asked) -> Answer | None:
    """A province or district the documents have no plan for."""
    e, q = a.engine, a.q
    place = e._other_place(q)
    if place is None and _OWN_PLAN.search(a.folded):
        # "kế hoạch của UBND tỉnh Lào Cai thực hiện QĐ 895": that locality's own plan.
        found = e.other_places.find(q.text)
        if found is not None and e.covered_places.find(q.text) is None:
            place = found
    return e._refuse_place(q, a.lang, place) if place is not None else None


def listed(a: Asked) -> Answer | None:
    """Lists and counts over the duties' attributes ("Bộ Nội vụ chủ trì mấy nhiệm vụ
    trong phụ lục", "nhiệm vụ nào đã quá hạn", "những việc hạn năm 2024")."""
    return a.engine._listing(a)


def count_not_held(a: Asked) -> Answer | None:
    """Counts of anything but duties (people, money, members) are not in the documents."""
    q = a.q
    if "count" in q.intents and "list" not in q.intents and a.status_today is None:
        return a.engine._refuse(q, a.lang, [])
    return None


def unknown_agency(a: Asked) -> Answer | None:
    """ "What must <an agency the documents never name> do?": say so, and offer the
    agencies whose names differ only in the head (Bộ GD&ĐT → Sở GD&ĐT)."""
    e, q = a.engine, a.q
    if a.unknown is not None and ("agency_tasks" in q.intents or e._unknown_subject(q, a.unknown)):
        return e._refuse_agency(q, a.lang, a.unknown)
    return None


def agency_not_in_document(a: Asked) -> Answer | None:
    """ "KL 44 giao Bộ Nội vụ làm gì": the document named assigns that agency nothing.
    Say so rather than answer from another document."""
    return near_miss.agency_not_in_document(a.engine, a, a.lang)


def campaign_timing(a: Asked) -> Answer | None:
    """ "Tháng Nhân đạo là tháng mấy": the documents set no date for a campaign."""
    e, q = a.engine, a.q
    if "deadline" in a.task_intents and not (a.agencies or q.documents) and e._campaign_only(q):
        return e._refuse(q, a.lang, e._rank(q, q.content, None, [])[:3])
    return None


# ------------------------------------------------------------------ exact names


def reference(a: Asked) -> Answer | None:
    """A reference like "II.2" names the task outright."""
    e, q = a.engine, a.q
    if not q.refs:
        return None
    hits = [t for r in q.refs for t in e.ref_index.get(r, [])]
    allowed = a.allowed_docs
    hits = [t for t in hits if allowed is None or e.kb.tasks[t].document in allowed]
    if not hits:
        return None
    ranked = e._rank_within(q, hits) or e._order_ref_hits(hits, a.task_intents)
    if a.status_today is not None:
        # "II.2 còn mấy ngày": of the parts numbered so, the one with a date.
        ranked.sort(key=lambda t: last_day(e.kb.deadline(t)) is None)
    best = e.kb.tasks[ranked[0]]
    others = [e.kb.tasks[t] for t in ranked[1:4] if t != best.id]
    return e._task_answer(best, a.task_intents, a.lang, 0.95, others, status=a.status_today)


def agency_off_topic(a: Asked) -> Answer | None:
    """ "cách nấu phở bò": a name and words none of its duties has — not a duty."""
    e, q = a.engine, a.q
    if (
        a.agencies
        and a.weak_content
        and q.content
        and not q.intents
        and not e._matches_agency_tasks(q, a.agencies)
    ):
        return e._refuse(q, a.lang, [])
    return None


def agency_duties(a: Asked) -> Answer | None:
    """An agency and "what must it do" (or no real topic): that agency's duties."""
    e, q = a.engine, a.q
    if not a.agencies or not (
        a.weak_content or ("agency_tasks" in q.intents and not a.task_intents)
    ):
        return None
    role = None
    if (
        "agency_tasks" not in q.intents
        and len(a.task_intents) == 1
        and a.task_intents[0] in ("lead", "coordinate")
    ):
        role = a.task_intents[0]
    primary = e._primary_agency(a.agencies, q)
    docs = a.allowed_docs
    if docs is not None and not any(t.document in docs for t, _ in e.kb.tasks_of_agency(primary)):
        docs = None  # the agency has no duty there: show all it has
    answer = e.agency_overview(primary, a.lang, role, docs)
    if not answer.tasks and role:
        answer = e.agency_overview(primary, a.lang, None, docs)
    alts = [x for group in a.agencies for x in group if x != primary][:4]
    return e._with_agency_suggestions(answer, alts)


def agency_kind(a: Asked) -> Answer | None:
    """ "Những sở nào có nhiệm vụ trong kế hoạch của tỉnh?": the bodies of that kind."""
    return a.engine._agency_kind_listing(a.q, a.allowed_docs, a.lang)


def basis(a: Asked) -> Answer | None:
    """ "Công văn Kiến An dựa vào văn bản nào?": what the document rests on."""
    e, q = a.engine, a.q
    if "basis" not in q.intents or a.task_intents:
        return None
    doc_id = e._basis_document(q, a.allowed_docs)
    if doc_id is None:
        return None
    doc = e.kb.documents[doc_id]
    return Answer(
        compose.basis_answer(e.kb, doc, a.lang),
        0.9,
        False,
        "summary",
        a.lang,
        [Source(doc.id, doc.label, "", None, str(doc.level))],
    )


def due_on_date(a: Asked) -> Answer | None:
    """A date: the duties due on it ("việc nào phải xong trước ngày 05/3/2023"), or a
    month: the dated duties due in it ("what is due in December 2023")."""
    e, q = a.engine, a.q
    due = date_in(q.text)
    month = month_in(q.text) if due is None and a.task_intents == ["deadline"] else None
    if due is None and month is None:
        return None
    if due is not None:
        ids = e._by_printed_date.get(due, [])
    else:
        ids = [
            t
            for t, d in e.kb.deadlines.items()
            if d.kind == "date" and d.due and (d.due.year, d.due.month) == month
        ]
    allowed = a.allowed_docs
    hits = [e.kb.tasks[t] for t in ids if allowed is None or e.kb.tasks[t].document in allowed]
    if not hits:
        return None
    return Answer(
        compose.due_listing(e.kb, hits, a.lang, due=due, month=month),
        0.9,
        False,
        "list",
        a.lang,
        e._dedupe_sources([compose.source_of(e.kb, t) for t in hits]),
        [t.id for t in hits],
        list(dict.fromkeys(x for t in hits for x in t.lead)),
    )


def document_tasks(a: Asked) -> Answer | None:
    """A document and no topic: list its tasks."""
    e, q = a.engine, a.q
    doc_id = None
    allowed = a.allowed_docs
    if q.documents and (not q.content or "list" in q.intents):
        doc_id = e._pick_document(q)
    elif (
        ("list" in q.intents or (not q.intents and not a.agencies))
        and allowed
        and len(allowed) == 1
        and all(t.f in e._kind_words for t in q.content)
    ):
        # "kế hoạch của tỉnh có bao nhiêu nhiệm vụ", or just "thành ủy".
        doc_id = next(iter(allowed))
    if doc_id is None:
        return None
    doc = e.kb.documents[doc_id]
    return Answer(
        compose.document_listing(e.kb, doc, a.lang, None),
        0.9,
        False,
        "list",
        a.lang,
        [Source(doc.id, doc.label, "", None, str(doc.level))],
        [t.id for t in e.kb.tasks_of_document(doc_id)],
    )


# ------------------------------------------------------------------ ranking by topic


def ranked_topic(a: Asked) -> Answer | None:
    """A topic: rank the duties by the question's words and answer the best, with
    "did you mean" alternatives when unsure, or refuse below the threshold."""
    return a.engine._ranked_answer(a)


STRATEGIES: tuple[Strategy, ...] = (
    cited_text,
    document_fact,
    unknown_document,
    not_in_documents,
    other_place,
    listed,
    count_not_held,
    unknown_agency,
    agency_not_in_document,
    campaign_timing,
    reference,
    agency_off_topic,
    agency_duties,
    agency_kind,
    basis,
    due_on_date,
    document_tasks,
    ranked_topic,
)
