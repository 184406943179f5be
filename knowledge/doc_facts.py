"""Questions about a document itself rather than its duties: when it was issued, its
number, who issued or signed it, what it implements ("QĐ 895 ban hành ngày nào",
"kl44 do ai ký", "who signed Decision 895").

Read from the folded words of the question; a question is a document-fact question
only when, besides the document's own name, it holds nothing but such fact words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
_ALL = (_SIGNER, _DATE, _DAY, _ACT, _NUMBER, _ISSUER, _BASIS)


def fact_asked(text: str, intents: Iterable[str]) -> str | None:
    """The document fact a question asks for (date, signer, number, issuer, basis)."""
    t = f" {text} "
    intents = set(intents)
    if _SIGNER.search(t) and not _DATE.search(t):
        return "signer"
    if (_ACT.search(t) and (_DATE.search(t) or "deadline" in intents)) or _DAY.search(t):
        return "date"
    if _NUMBER.search(t):
        return "number"
    if _ISSUER.search(t):
        return "issuer"
    if "basis" in intents or _BASIS.search(t):
        return "basis"
    return None


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
