"""Compound questions about a document's own facts ("QĐ 895 do ai ký, ngày nào?",
"who signed Decision 895 and when?"): every fact asked, in the order asked."""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge import doc_facts

_SIGNER = doc_facts._SIGNER
_DATE = doc_facts._DATE
_DAY = doc_facts._DAY
_ACT = doc_facts._ACT
_NUMBER = doc_facts._NUMBER
_ISSUER = doc_facts._ISSUER


def facts_asked(text: str, intents: Iterable[str]) -> list[str]:
    """Every document fact a (folded) question asks for, in the order it asks them;
    one fact or none is what ``doc_facts.fact_asked`` already answers."""
    t = f" {text} "
    found: dict[str, int] = {}
    if m := _SIGNER.search(t):
        found["signer"] = m.start()
        rest = _SIGNER.sub(" ", t)
    else:
        rest = t
    date = _DAY.search(rest) or (_DATE.search(rest) if (_ACT.search(t) or found) else None)
    if date:
        found["date"] = date.start()
    if m := _NUMBER.search(rest):
        found["number"] = m.start()
    if (m := _ISSUER.search(rest)) and "signer" not in found:
        found["issuer"] = m.start()
    if len(found) < 2:
        return []
    return sorted(found, key=found.__getitem__)


def first_line(answer_text: str) -> str:
    """The fact line of a one-fact answer (before the document's record)."""
    return re.split(r"\n\s*\n", answer_text, maxsplit=1)[0]
