"""Callback data of inline buttons: short (≤ 64 bytes), parsed strictly, checked on use.

Formats (``<task>``/``<agency>``: the record id, or ``~`` + a 10-character hash for
ids too long to fit):

- ``t:<task>:<i>``          an answer about a task; ``i`` is an intent letter (l c d o s)
- ``a:<agency>``            everything an agency must do
- ``b:d``                   browse: the documents
- ``b:s:<doc>:<page>``      browse: the sections of a document
- ``b:k:<doc>:<sec>:<page>`` browse: the tasks of a section (``sec``: its index)
- ``b:t:<task>``            browse: a task card
- ``l:<lang>``              choose the language
- ``m:<action>``            a main-menu action from /start
- ``p:<page>``              another page of the chat's last list answer

Anything else, or an id the knowledge base no longer has, is "no longer valid".
Forged data can at worst name another public record, which is harmless.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Container
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase

MAX_BYTES = 64
MAX_INLINE_ID = 40

INTENT_CODES: dict[str, str] = {
    "lead": "l",
    "coordinate": "c",
    "deadline": "d",
    "output": "o",
    "summary": "s",
}
INTENT_OF_CODE = {v: k for k, v in INTENT_CODES.items()}

_ID = r"(?:[a-z0-9_]{1,40}|~[a-z2-7]{10})"
Kind = Literal["task", "agency", "docs", "sections", "tasks", "card", "lang", "menu", "page"]

_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("task", re.compile(rf"^t:({_ID}):([lcdos])$")),
    ("agency", re.compile(rf"^a:({_ID})$")),
    ("docs", re.compile(r"^b:d$")),
    ("sections", re.compile(rf"^b:s:({_ID}):(\d{{1,4}})$")),
    ("tasks", re.compile(rf"^b:k:({_ID}):(\d{{1,4}}):(\d{{1,4}})$")),
    ("card", re.compile(rf"^b:t:({_ID})$")),
    ("lang", re.compile(r"^l:(vi|en)$")),
    ("menu", re.compile(r"^m:(ask|browse|agency|help|lang|grant|codes)$")),
    ("page", re.compile(r"^p:(\d{1,4})$")),
]


def _hash(ident: str) -> str:
    digest = hashlib.blake2b(ident.encode(), digest_size=8).digest()
    return "~" + base64.b32encode(digest).decode().lower()[:10]


def ref(ident: str) -> str:
    """How an id travels in callback data."""
    return ident if len(ident) <= MAX_INLINE_ID else _hash(ident)


def _check(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def task_data(task_id: str, intent: str) -> str:
    return _check(f"t:{ref(task_id)}:{INTENT_CODES.get(intent, 's')}")


def agency_data(agency_id: str) -> str:
    return _check(f"a:{ref(agency_id)}")


def docs_data() -> str:
    return "b:d"


def sections_data(doc_id: str, page: int = 0) -> str:
    return _check(f"b:s:{ref(doc_id)}:{page}")


def tasks_data(doc_id: str, section_index: int, page: int = 0) -> str:
    return _check(f"b:k:{ref(doc_id)}:{section_index}:{page}")


def card_data(task_id: str) -> str:
    return _check(f"b:t:{ref(task_id)}")


def page_data(page: int) -> str:
    return _check(f"p:{page}")


def lang_data(lang: str) -> str:
    return f"l:{lang}"


def menu_data(action: str) -> str:
    return f"m:{action}"


@dataclass(frozen=True)
class Parsed:
    kind: Kind
    args: tuple[str, ...]


def parse(data: str | None) -> Parsed | None:
    """Split callback data by its format; None when it matches none."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(data)
        if m:
            return Parsed(kind, m.groups())
    return None


class Resolver:
    """Turns ``ref``-encoded ids back into record ids of one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._long: dict[str, str] = {}
        for ident in (*kb.tasks, *kb.agencies, *kb.documents):
            if len(ident) > MAX_INLINE_ID:
                self._long[_hash(ident)] = ident

    def _resolve(self, token: str, table: Container[str]) -> str | None:
        ident = self._long.get(token) if token.startswith("~") else token
        return ident if ident is not None and ident in table else None

    def task(self, token: str) -> str | None:
        return self._resolve(token, self.kb.tasks)

    def agency(self, token: str) -> str | None:
        return self._resolve(token, self.kb.agencies)

    def document(self, token: str) -> str | None:
        return self._resolve(token, self.kb.documents)
