"""Honest near-misses: a question that names a document the base does not hold, asks
for the content of one the documents only name, or asks what a named document assigns
to an agency it never names. Say what the base holds instead; never answer from a
different document than the one named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from knowledge import compose, doc_facts
from knowledge.answer import Answer, Suggestion
from knowledge.base import KnowledgeBase
from knowledge.i18n import tr
from knowledge.normalize import fold
from knowledge.query import Query

if TYPE_CHECKING:
    from knowledge.engine import Engine
    from knowledge.strategies import Asked

# Kinds of legal documents, as typed (folded) → one key per kind.
_KINDS = {
    "ket luan": "kl",
    "kl": "kl",
    "conclusion": "kl",
    "quyet dinh": "qd",
    "qd": "qd",
    "decision": "qd",
    "chi thi": "ct",
    "ct": "ct",
    "directive": "ct",
    "nghi dinh": "nd",
    "nd": "nd",
    "decree": "nd",
    "nghi quyet": "nq",
    "nq": "nq",
    "resolution": "nq",
    "thong tu": "tt",
    "circular": "tt",
    "ke hoach": "kh",
    "kh": "kh",
    "plan": "kh",
    "cong van": "cv",
    "cv": "cv",
    "official letter": "cv",
    "to trinh": "ttr",
    "de an": "da",
    "scheme": "da",
    "project": "da",
    "thong bao": "tb",
    "huong dan": "hd",
}
_NAMES = {
    "kl": "Kết luận",
    "qd": "Quyết định",
    "ct": "Chỉ thị",
    "nd": "Nghị định",
    "nq": "Nghị quyết",
    "tt": "Thông tư",
    "kh": "Kế hoạch",
    "cv": "Công văn",
    "ttr": "Tờ trình",
    "da": "Đề án",
    "tb": "Thông báo",
    "hd": "Hướng dẫn",
}
_KIND_ALT = "|".join(sorted((re.escape(k) for k in _KINDS), key=len, reverse=True))
# "Kết luận số 44", "KL 45", "kl44", "nghị định 93/2019", "chỉ thị 05-CT/TW".
_NAMED = re.compile(rf"\b({_KIND_ALT})\s*(?:so\s*)?(\d{{1,5}})(?![\d])")
# "176-KH/TU", "44-KL/TW", "895/QĐ-TTg", "93/2019/NĐ-CP".
_CODED = re.compile(r"\b(\d{1,5})\s*(?:/\s*\d{4}\s*)?[-/]\s*(kl|ct|qd|nd|nq|tt|kh|cv|ttr|tb|hd)\b")
# Words that ask for a named document's own content, not for a duty about it.
_CONTENT_WORDS = frozenset(
    [
        "noi",
        "dung",
        "quy",
        "dinh",
        "gi",
        "yeu",
        "cau",
        "gom",
        "nhung",
        "the",
        "nao",
        "la",
        "what",
        "say",
        "says",
        "about",
        "regulate",
        "regulates",
        "require",
        "requires",
        "contain",
        "contains",
        "co",
        "bao",
        "nhieu",
        "dieu",
        "chuong",
        "ban",
        "hanh",
        "ngay",
        "nao",
        "ky",
        "ki",
        "khi",
        "bao",
        "gio",
        "thang",
        "nam",
        "giao",
        "cho",
        "ai",
        "lam",
        "duoc",
        "tom",
        "tat",
        "summary",
        "main",
        "points",
        "does",
        "do",
        "is",
        "are",
        "of",
        "the",
        "which",
        "when",
        "issued",
        "signed",
        "who",
        "content",
        "contents",
        "provisions",
        "nói",
        "gì",
        "noi",
    ]
)


_IMPLEMENTS = re.compile(r"\b(thuc hien|trien khai|cu the hoa|implement\w*)\b")
# Every word of the kinds' names, typed or expanded from an abbreviation.
_KIND_WORDS = frozenset(w for name in (*_KINDS, *_NAMES.values()) for w in fold(name).split())


def doc_keys(folded: str) -> list[tuple[str, int, str]]:
    """(kind, number, the words typed) of each document number named in a folded text."""
    found: list[tuple[str, int, str]] = []
    for m in _NAMED.finditer(folded):
        found.append((_KINDS[m.group(1)], int(m.group(2)), m.group(0)))
    for m in _CODED.finditer(folded):
        found.append((m.group(2), int(m.group(1)), m.group(0)))
    return found


_TAIL = re.compile(r"^\s*(?:/\s*\d{4})?(?:\s*[-/]\s*[a-z]+)*")


def strip_numbers(folded: str) -> str:
    """The text without its document numbers ("thông tư 07/2017", "176-KH/TU"), so a
    number's year is not read as a date."""
    out = _CODED.sub(" ", folded)
    pieces = []
    pos = 0
    for m in _NAMED.finditer(out):
        pieces.append(out[pos : m.start()])
        tail = _TAIL.match(out[m.end() :])
        pos = m.end() + (tail.end() if tail else 0)
    pieces.append(out[pos:])
    return " ".join(" ".join(pieces).split())


def _texts(kb: KnowledgeBase) -> Iterable[tuple[str, str, str]]:
    """(document id, reference, text) of everything the base prints."""
    for doc in kb.documents.values():
        yield doc.id, "", doc.title
        for b in doc.basis:
            yield doc.id, "", b.text
    for task in kb.tasks.values():
        for text in (task.title, task.details or "", task.deadline, task.output):
            if text:
                yield task.document, task.id, text


class DocumentNumbers:
    """The numbers of the documents the base holds, and where it names others."""

    def __init__(self, kb: KnowledgeBase) -> None:
        # The numbers of the documents held, whatever kind word is typed before them
        # ("kế hoạch 895" is the plan of Quyết định 895).
        self.own: dict[int, str] = {}
        for doc in kb.documents.values():
            for name in (doc.number, *doc.short_names):
                for _kind, number, _ in doc_keys(fold(name)):
                    self.own.setdefault(number, doc.id)
        self.cited: dict[tuple[str, int], list[tuple[str, str]]] = {}
        for doc_id, task_id, text in _texts(kb):
            for kind, number, _ in doc_keys(fold(text)):
                key = (kind, number)
                if number in self.own:
                    continue
                places = self.cited.setdefault(key, [])
                if (doc_id, task_id) not in places:
                    places.append((doc_id, task_id))


def _display(kind: str, number: int, typed: str) -> str:
    digits = re.search(r"\d+", typed)
    return f"{_NAMES.get(kind, kind.upper())} {digits.group(0) if digits else number}"


def unknown_document(engine: Engine, q: Query, folded: str, lang: str) -> Answer | None:
    numbers: DocumentNumbers = engine.document_numbers
    asked = [(k, n, t) for k, n, t in doc_keys(folded) if n not in numbers.own]
    if not asked:
        return None
    kind, number, typed = asked[0]
    name = _display(kind, number, typed)
    places = numbers.cited.get((kind, number))
    if not places:
        text = tr(
            lang,
            "{document} is not among the documents I hold: Conclusion 44-KL/TW, Decision "
            "895/QĐ-TTg and the local plans under them (Lai Châu province, a city Party "
            "committee, Kiến An district). I will not answer from another document.",
            document=name,
        )
        return Answer(text, 0.0, True, "refuse", lang)
    # Named in the base: a duty about it is answered ("ai chủ trì rà soát NĐ 93"); its own
    # content is not in the base.
    named_words = set(fold(typed).replace("/", " ").replace("-", " ").split())
    rest = [
        t.f
        for t in q.content
        if t.f not in _CONTENT_WORDS
        and t.f not in named_words
        and not t.f.isdigit()
        and t.f not in _KIND_WORDS
    ]
    duty = {"lead", "coordinate", "output"} & set(q.intents)
    if "deadline" in q.intents and doc_facts.fact_asked(folded, q.intents) is None:
        duty = {"deadline"}  # "thời hạn NĐ 93": the deadline of a duty about it
    if rest or q.agencies or duty:
        return None
    lines = [
        tr(
            lang,
            "The documents I hold only name {document}; its own content is not in them, so "
            "I will not guess. It is named in:",
            document=name,
        )
    ]
    suggestions = []
    for doc_id, task_id in places[:6]:
        doc = engine.kb.documents[doc_id]
        if task_id:
            task = engine.kb.tasks[task_id]
            lines.append(f"• {doc.label}, {task.ref}: {compose.short(task.title, 120)}")
            suggestions.append(engine._suggestion(task, lang, 0.5))
        else:
            lines.append("• " + compose.document_citation(doc, lang))
    return Answer("\n".join(lines), 0.0, True, "refuse", lang, suggestions=suggestions)


def agency_not_in_document(engine: Engine, a: Asked, lang: str) -> Answer | None:
    """ "KL 44 giao Bộ Nội vụ làm gì": the named document assigns that agency nothing."""
    q = a.q
    docs = a.allowed_docs
    if q.documents and not _IMPLEMENTS.search(a.folded):
        # The document named is the scope, unless the question names a level's plan
        # that implements it ("Thành ủy … thực hiện KL 44").
        docs = set(q.documents)
    if not a.agencies or not docs:
        return None
    local = {
        d.id for d in engine.kb.documents.values() if d.level in ("province", "city", "district")
    }
    if not q.documents and not docs <= local:
        return None
    if not ("agency_tasks" in q.intents or a.weak_content):
        return None
    for group in a.agencies:
        for agency_id in group:
            if any(t.document in docs for t, _ in engine.kb.tasks_of_agency(agency_id)):
                return None
    agency_id = engine._primary_agency(a.agencies, q)
    agency = engine.kb.agencies[agency_id]
    ordered = [d for d in engine.kb.documents if d in docs]
    labels = " / ".join(engine.kb.documents[d].label for d in ordered)
    held = sorted(
        {t.document for t, _ in engine.kb.tasks_of_agency(agency_id)},
        key=list(engine.kb.documents).index,
    )
    text = tr(
        lang,
        "{document} assigns no duty to {agency}, so I will not answer from another document.",
        document=labels,
        agency=compose.agency_name(agency, lang),
    )
    if held:
        where = "; ".join(engine.kb.documents[d].label for d in held)
        text += "\n" + tr(lang, "Its duties are in: {documents}.", documents=where)
    suggestions = [Suggestion(None, compose.short(agency.name, 60), 0.5, agency_id)] if held else []
    return Answer(text, 0.0, True, "refuse", lang, suggestions=suggestions)
