"""Questions about a document itself rather than its duties: when it was issued, its
number, who issued or signed it, who executes it, when it takes effect, what it
implements ("QĐ 895 ban hành ngày nào", "kl44 do ai ký", "QĐ 895 do ai ký, ngày nào?",
"who signed Decision 895"), and questions about a text a document only cites by number
("176-KH/TU là gì", "văn bản nào căn cứ Công văn 809").

Read from the folded words of the question; a question is a document-fact question
only when, besides the document's own name, it holds nothing but such fact words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.base import KnowledgeBase
from knowledge.model import Cited, Document
from knowledge.normalize import fold

# Each fact, with the folded phrases that ask for it (checked in this order).
_DATE = re.compile(
    r"\b(ngay nao|ngay may|ngay bao nhieu|ngay ban hanh|ngay ky|ngay ki|khi nao|bao gio"
    r"|nam nao|thang nao|luc nao|hom nao|when|date|dated|what day)\b"
)
# Words that ask for a calendar day by themselves ("QĐ 895 ngày mấy", "date of KL 44").
_DAY = re.compile(r"\b(ngay nao|ngay may|ngay bao nhieu|hom nao|date|dated|what day)\b")
_ACT = re.compile(
    r"\b(ban hanh|ky|ki|issued|issue|signed|published|adopted|ra doi|duoc ky|duoc ban hanh)\b"
)
_SIGNER = re.compile(
    r"\b(ai ky|ai ki|nguoi ky|nguoi ki|ky boi|ki boi|ky ten|ki ten|signed|signer|signatory"
    r"|signs|who signed|signed by)\b"
)
_NUMBER = re.compile(
    r"\b(so may|so hieu|so bao nhieu|so gi|so ky hieu|ky hieu|what number|number|so van ban)\b"
)
_ISSUER = re.compile(
    r"\b(co quan nao|ai ban hanh|do ai|cua ai|cap nao|ban hanh boi|issued by|who issued"
    r"|which authority|which body|what body|issuer|whose)\b"
)
_EFFECT = re.compile(
    r"\b(co hieu luc|hieu luc thi hanh|hieu luc|effective|take effect|takes effect|in force"
    r"|in effect|come into force|comes into force)\b"
)
_EXECUTORS = re.compile(
    r"\b(chiu trach nhiem thi hanh|trach nhiem thi hanh|thi hanh|ai thi hanh|executes?"
    r"|executing|execution|responsible for (?:carrying out|implementing|executing))\b"
)
_BASIS = re.compile(
    r"\b(thuc hien|trien khai|cu the hoa|implements?|implementing)"
    r"( [a-z]+){0,2} (nao|gi|which)\b|\b(implements? which|which document)\b"
)

# Function words that may stand around the fact words and the document's name.
FILLER = frozenset(
    {
        "la",
        "cua",
        "duoc",
        "vao",
        "do",
        "co",
        "cap",
        "the",
        "of",
        "is",
        "was",
        "were",
        "on",
        "it",
        "by",
        "does",
        "did",
        "have",
        "has",
        "what",
        "which",
        "who",
        "whose",
        "thuoc",
        "nam",
        "thang",
        "ngay",
        "tren",
        "dua",
        "can",
        "cu",
        "dau",
        "van",
        "ban",
        "ten",
    }
)
_ALL = (_SIGNER, _EFFECT, _EXECUTORS, _DATE, _DAY, _ACT, _NUMBER, _ISSUER, _BASIS)


def facts_asked(text: str, intents: Iterable[str]) -> list[str]:
    """Every document fact a question asks for, in a fixed order: signer, effect,
    executors, date, number, issuer; "basis" only when it asks for nothing else.
    "QĐ 895 do ai ký, ngày nào?" → ["signer", "date"]. A phrase that answers one fact
    is taken out before the next is looked for ("do ai ký" is the signer, not the issuer)."""
    t = f" {text} "
    intents = set(intents)
    found: list[str] = []
    if _SIGNER.search(t):
        found.append("signer")
        t = _SIGNER.sub(" ", t)
    if _EFFECT.search(t):
        found.append("effect")
        t = _EFFECT.sub(" ", t)
    if _EXECUTORS.search(t):
        found.append("executors")
        t = _EXECUTORS.sub(" ", t)
    asks_day = _DAY.search(t) or (
        _ACT.search(t) and (_DATE.search(t) or ("deadline" in intents and not found))
    )
    if asks_day:
        found.append("date")
    if _NUMBER.search(t):
        found.append("number")
    if not found and _ISSUER.search(t):
        found.append("issuer")
    if not found and ("basis" in intents or _BASIS.search(t)):
        found.append("basis")
    return found


def fact_asked(text: str, intents: Iterable[str]) -> str | None:
    """The first document fact a question asks for (see ``facts_asked``)."""
    found = facts_asked(text, intents)
    return found[0] if found else None


def residual(words: list[str]) -> list[str]:
    """The words of a question left once every fact phrase is taken out."""
    text = f" {' '.join(words)} "
    for pattern in _ALL:
        text = pattern.sub(" ", text)
    return text.split()


def only_fact_words(words: list[str], allowed: set[str]) -> bool:
    """Whether the question holds nothing but fact phrases, ``allowed`` words (its names,
    stopwords) and function words."""
    return all(w in FILLER or w in allowed or w.isdigit() for w in residual(words))


# ---------------------------------------------------------------- cited texts

# Kind words of cited texts and their usual abbreviations, folded.
_KIND_WORDS = {
    "ke hoach": ("kh",),
    "cong van": ("cv",),
    "chi thi": ("ct",),
    "ket luan": ("kl",),
    "to trinh": ("ttr",),
    "nghi dinh": ("nd",),
    "thong tu": ("tt",),
    "quyet dinh": ("qd",),
    "sao luc": ("sl",),
    "de an": (),
}
# Words a question about a cited text may hold besides its number and kind.
CITED_FILLER = frozenset(
    {
        "so",
        "la",
        "gi",
        "nao",
        "van",
        "ban",
        "can",
        "cu",
        "dan",
        "nhac",
        "neu",
        "noi",
        "ve",
        "dung",
        "cua",
        "trong",
        "duoc",
        "co",
        "o",
        "dau",
        "den",
        "toi",
        "tai",
        "nhung",
        "tren",
        "dua",
        "vao",
        "thuc",
        "hien",
        "trien",
        "khai",
        "nhu",
        "what",
        "is",
        "which",
        "document",
        "documents",
        "cites",
        "cite",
        "cited",
        "mention",
        "mentions",
        "about",
        "the",
        "a",
        "of",
        "in",
        "by",
        "where",
        "does",
        "do",
        "say",
        "says",
        "based",
        "on",
        "refers",
        "refer",
        "to",
    }
)


# Asking for what a cited text says: the base holds its citation, not its content.
CONTENT = re.compile(
    r"\b(noi dung|noi gi|quy dinh gi|quy dinh nhung gi|gom nhung gi|gom gi|viet gi|ghi gi"
    r"|what does it say|what do(?:es)? \w+ say|content|contents|says?)\b"
)


def asks_content(text: str) -> bool:
    return CONTENT.search(f" {text} ") is not None


@dataclass(frozen=True)
class CitedHit:
    """A text cited by number, and the documents of the base that cite it."""

    cited: Cited
    documents: tuple[Document, ...]
    in_basis: tuple[bool, ...]  # per citing document: cited among its "căn cứ"


def _parts(number: str) -> list[str]:
    return re.findall(r"[0-9]+|[a-z]+", fold(number))


def _digits(value: str) -> str:
    return value.lstrip("0") or "0"


def _matches(cited: Cited, text: str) -> tuple[int, int] | None:
    """The span of ``text`` (folded) naming ``cited``: its number with any separators
    ("176-kh/tu", "176 kh tu", "45/2010") or its kind and first digits ("kế hoạch 176",
    "kh 176", "nghị định 45")."""
    parts = _parts(cited.number)
    if not parts or not parts[0].isdigit():
        return None
    first = _digits(parts[0])
    sep = r"[\s\-/.]*"
    # The whole number, or its digits and the next part (letters or a year).
    for upto in (len(parts), 2):
        if upto > len(parts) or upto < 2:
            continue
        body = sep.join(["0*" + first, *parts[1:upto]])
        if m := re.search(rf"(?<![\w/]){body}(?![\w])", text):
            return m.span()
    kind = fold(cited.kind)
    words = [kind, *_KIND_WORDS.get(kind, ())]
    kinds = "|".join(re.escape(w) for w in words if w)
    if m := re.search(rf"\b(?:{kinds})\s+(?:so\s+)?0*{first}(?![\w/-])", text):
        return m.span()
    return None


def find_cited(kb: KnowledgeBase, text: str) -> tuple[list[CitedHit], str]:
    """The cited texts a (folded) question names, grouped by number, and the question
    with their mentions taken out."""
    grouped: dict[str, list[tuple[Document, Cited]]] = {}
    rest = f" {text} "
    spans: list[tuple[int, int]] = []
    for doc in kb.documents.values():
        for cited in doc.cites:
            span = _matches(cited, rest)
            if span is None:
                continue
            spans.append(span)
            grouped.setdefault(fold(cited.number), []).append((doc, cited))
    keep = [True] * len(rest)
    for start, end in spans:
        keep[start:end] = [False] * (end - start)
    rest = "".join(c if k else " " for c, k in zip(rest, keep, strict=True))
    hits = []
    for pairs in grouped.values():
        docs = tuple(d for d, _ in pairs)
        in_basis = tuple(any(_cites_in(b.text, c) for b in d.basis) for d, c in pairs)
        hits.append(CitedHit(pairs[0][1], docs, in_basis))
    return hits, " ".join(rest.split())


def _cites_in(text: str, cited: Cited) -> bool:
    return _matches(cited, fold(text)) is not None
