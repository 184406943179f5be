"""Follow-ups in chat: "còn phối hợp?", "hạn khi nào?", "thế còn Sở Y tế?", "what about II.3?"
read against the chat's last answer.

Pure: the bot keeps ``remember()``'s plain data per chat and passes it back as
``previous``; the engine resolves a follow-up into a question it answers as usual.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from knowledge.analyze import analyze, folded_key
from knowledge.answer import Answer
from knowledge.listing import asks_for_list
from knowledge.normalize import fold
from knowledge.query import Query
from knowledge.strategies import STATUS

if TYPE_CHECKING:
    from knowledge.engine import Engine

TASK_INTENTS = ("lead", "coordinate", "deadline", "output")
# Words a follow-up is made of besides what it asks about.
_MARKERS = re.compile(
    r"^\s*(con|the con|vay con|the|vay|va|con ve|con voi|and|what about|how about|and what about)"
    r"\b|\b(thi sao|the nao|nua|thi|nhi|a|and|too|also|then)\s*$"
)
_FOLLOW_WORDS = frozenset(
    {
        *("con", "the", "vay", "va", "ve", "voi", "thi", "sao", "nao", "nua", "nhi", "a"),
        *("cua", "no", "nay", "do", "kia"),
        *("and", "what", "about", "how", "too", "also", "then", "so", "of", "for", "it"),
        *("its", "this", "that"),
        # time status of the duty just answered ("đã quá hạn chưa?", "còn mấy ngày?")
        *("da", "qua", "tre", "het", "han", "chua", "roi", "may", "bao", "nhieu", "ngay"),
        *("is", "overdue", "late", "yet", "due", "days", "left", "many"),
    }
)
# A follow-up is short: more words than this is a question of its own.
MAX_WORDS = 8


def remember(
    engine: Engine, question: str, answer: Answer, previous: object = None
) -> dict[str, object] | None:
    """What a follow-up may refer to, as plain (JSON-safe) data; None for a refusal. A
    follow-up is remembered as the full question it stood for, so they chain."""
    if answer.refused:
        return None
    q = engine.reader.read(question)
    if isinstance(previous, dict) and _is_follow_up(q):
        resolved = resolve(engine, q, previous, answer.lang)
        if isinstance(resolved, str):
            question, q = resolved, engine.reader.read(resolved)
        elif resolved is not None and not q.agencies:
            task = answer.tasks[0] if answer.tasks else previous.get("task")
            return {**previous, "task": task, "intent": answer.intent, "lang": answer.lang}
    named = [engine._order_agencies(m, q)[0] for m in q.agencies if m]
    task = answer.tasks[0] if answer.tasks and answer.listing is None else None
    return {
        "q": question,
        "task": task,
        "intent": answer.intent,
        "named": named,
        "lang": answer.lang,
    }


def _is_follow_up(q: Query) -> bool:
    words = fold(q.text).split()
    if not words or len(words) > MAX_WORDS or q.documents:
        return False
    if asks_for_list(" ".join(words)):
        return False  # "nhiệm vụ nào đã quá hạn?": a question of its own
    own = [t.f for t in q.content if t.f not in _FOLLOW_WORDS and not t.f.isdigit()]
    if own:
        return False
    return bool(q.intents or q.agencies or q.refs)


def resolve(
    engine: Engine, q: Query, previous: object, lang: str, today: dt.date | None = None
) -> str | Answer | None:
    """The answer to a follow-up (or the full question it stands for); None when the
    question is not one, or the previous answer gives it nothing to refer to."""
    if not isinstance(previous, dict) or not _is_follow_up(q):
        return None
    task_id = previous.get("task")
    intents = [i for i in q.intents if i in TASK_INTENTS]
    if q.refs and not q.agencies:
        # "còn II.3?": the same thing asked about another numbered duty.
        asked = intents or [str(previous.get("intent"))]
        hits = [t for r in q.refs for t in engine.ref_index.get(r, [])]
        if task_id in engine.kb.tasks:
            same_doc = [
                t for t in hits if engine.kb.tasks[t].document == engine.kb.tasks[task_id].document
            ]
            hits = same_doc or hits
        if not hits:
            return None
        asked = [i for i in asked if i in TASK_INTENTS]
        return engine._task_answer(engine.kb.tasks[hits[0]], asked, lang, 0.9, [])
    if q.agencies:
        # "thế còn Sở Y tế?": the previous question about another agency.
        new = engine._order_agencies(q.agencies[0], q)
        named = [a for a in previous.get("named") or [] if a in engine.kb.agencies]
        text = str(previous.get("q") or "")
        if new and named and text:
            return _substitute(engine, text, named[0], new[0])
        if new:
            return engine.agency_overview(new[0], lang)
        return None
    if intents and isinstance(task_id, str) and task_id in engine.kb.tasks:
        # "còn phối hợp?", "hạn khi nào?", "quá hạn chưa?": another fact of the duty just
        # answered (with its time status as of today when that is asked).
        status = today if today is not None and STATUS.search(fold(q.text)) else None
        task = engine.kb.tasks[task_id]
        return engine._task_answer(task, intents, lang, 0.9, [], status=status)
    return None


def _substitute(engine: Engine, text: str, old: str, new: str) -> str:
    """The question with the old agency's name replaced by the new one's."""
    toks = [t.f for t in analyze(text, engine.lexicon)]
    agency = engine.kb.agencies[old]
    names = sorted(
        {
            folded_key(n, engine.lexicon)
            for n in (agency.name, agency.name_en, *agency.aliases)
            if n
        },
        key=len,
        reverse=True,
    )
    replacement = list(folded_key(engine.kb.agencies[new].name, engine.lexicon))
    for name in names:
        n = len(name)
        for i in range(len(toks) - n + 1):
            if tuple(toks[i : i + n]) == name:
                return " ".join([*toks[:i], *replacement, *toks[i + n :]])
    return " ".join([*replacement, *toks])
