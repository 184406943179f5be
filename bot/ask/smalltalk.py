"""Greetings and thanks: a friendly word back instead of "I could not find this".

Only a whole message made of small-talk words counts ("ok cảm ơn", "chào bot", "thanks!"),
so a question that merely starts with "chào" still goes to the engine.
"""

from __future__ import annotations

from typing import Literal

from bot.i18n import t
from knowledge.normalize import fold

Kind = Literal["thanks", "greeting"]

_THANKS = {"cam", "on", "thanks", "thank", "you", "tks", "thx", "camon"}
_GREETING = {"xin", "chao", "hello", "hi", "hey", "alo"}
_FILLER = {"ok", "oke", "okay", "vang", "da", "a", "nhe", "nha", "bot", "ban", "ad", "nhieu"}
_MAX_WORDS = 6


def kind_of(text: str) -> Kind | None:
    """'thanks' / 'greeting' when the whole message is small talk, else None."""
    words = fold(text).split()
    if not words or len(words) > _MAX_WORDS:
        return None
    if any(w not in _THANKS | _GREETING | _FILLER for w in words):
        return None
    joined = " ".join(words)
    if "cam on" in joined or {"thanks", "thank", "tks", "thx", "camon"} & set(words):
        return "thanks"
    if {"chao", "hello", "hi", "hey", "alo"} & set(words):
        return "greeting"
    if set(words) <= {"ok", "oke", "okay", "vang", "da"}:
        return "thanks"  # an acknowledgement
    return None


def reply(kind: Kind, lang: str) -> str:
    if kind == "thanks":
        return t(lang, "You're welcome! Ask me anything else about the documents.")
    return t(
        lang,
        "Hello! Ask me who leads or coordinates a task, when it is due, or what an agency "
        "must do. /help shows everything I can do.",
    )
