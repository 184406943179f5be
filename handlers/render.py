"""Answer → Telegram HTML, and messages split to fit Telegram. Pure functions, no Telegram.

Telegram counts a message's length after parsing the markup, in UTF-16 code units, and
rejects anything over 4,096. :func:`split_message` measures the *raw* HTML (always at
least as long as the parsed text) so each part is safe, cuts at line boundaries, and
only when one line alone is too long at a space (or, failing that, anywhere) — never
inside a tag or an entity, closing and reopening tags that span the cut.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from bot.i18n import t

if TYPE_CHECKING:
    from knowledge.answer import Answer

MAX_MESSAGE = 4096
MAX_BUTTON_LABEL = 60

# "Chủ trì: …", "Thời hạn: …", "Lead: …" at the start of a line: the label is made bold.
_LABEL = re.compile(r"^([^\W\d_][^:\n<>&]{0,38}):(?=\s|$)")
_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|\s+|[^<&\s]+|[<&]")
_TAG = re.compile(r"^<\s*(/)?\s*([a-zA-Z0-9-]+)[^>]*>$")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape text for Telegram HTML (only <, > and & need it outside attributes)."""
    return html.escape(text, quote=False)


def strip_html(text: str) -> str:
    """Telegram HTML → plain text (for terminals and logs)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def shorten(text: str, limit: int = MAX_BUTTON_LABEL) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–") + "…"


def format_line(line: str) -> str:
    """Escape one plain line and make its leading label ("Chủ trì:") bold."""
    m = _LABEL.match(line)
    if not m:
        return escape(line)
    return f"<b>{escape(m.group(1))}:</b>{escape(line[m.end() :])}"


def format_text(text: str) -> str:
    """Plain multi-line text → HTML with escaped content and bold labels."""
    return "\n".join(format_line(line) for line in text.splitlines())


def render_answer(answer: Answer, lang: str | None = None) -> str:
    """The HTML of an engine answer, with its sources cited when the text does not."""
    lang = lang or answer.lang
    out = format_text(answer.text.strip())
    missing = [s for s in answer.sources if s.label not in answer.text]
    if missing and not answer.refused:
        seen: list[str] = []
        for src in missing:
            cite = f"{src.label}, {src.ref}" if src.ref else src.label
            if cite not in seen:
                seen.append(cite)
        body = "; ".join(escape(c) for c in seen[:5])
        out += "\n" + t(lang, "<b>Source:</b> {sources}").format(sources=body)
    return out or escape(t(lang, "(empty answer)"))


# -- splitting ---------------------------------------------------------------------


def _tokens(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _open_tags(stack: list[tuple[str, str]]) -> str:
    return "".join(opening for _, opening in stack)


def _close_tags(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _split_line(line: str, limit: int) -> list[str]:
    """Cut one over-long HTML line into pieces of at most ``limit`` UTF-16 units."""
    pieces: list[str] = []
    stack: list[tuple[str, str]] = []
    current = ""
    last_space = -1  # index in ``current`` just after the last whitespace token
    stack_at_space: list[tuple[str, str]] = []

    def room(text: str) -> int:
        return utf16_len(text) + utf16_len(_close_tags(stack))

    def flush(upto: int | None, at_stack: list[tuple[str, str]]) -> str:
        nonlocal current
        head = current if upto is None else current[:upto]
        tail = "" if upto is None else current[upto:]
        pieces.append(head.rstrip() + _close_tags(at_stack))
        return tail

    for tok in _tokens(line):
        parts = [tok]
        if not tok.startswith(("<", "&")) and utf16_len(tok) > limit // 2:
            step = max(1, limit // 4)
            parts = [tok[i : i + step] for i in range(0, len(tok), step)]
        for part in parts:
            if room(current + part) > limit and current.strip():
                if last_space > 0:
                    tail = flush(last_space, stack_at_space)
                    current = _open_tags(stack_at_space) + tail.lstrip()
                else:
                    flush(None, stack)
                    current = _open_tags(stack)
                last_space = -1
            m = _TAG.match(part) if part.startswith("<") else None
            if m and m.group(1):
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i][0] == m.group(2).lower():
                        del stack[i]
                        break
            elif m and not part.endswith("/>"):
                stack.append((m.group(2).lower(), part))
            current += part
            if part.isspace():
                last_space = len(current)
                stack_at_space = list(stack)
    if current.strip():
        pieces.append(current.rstrip() + _close_tags(stack))
    return [p for p in pieces if strip_html(p).strip()]


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML into messages of at most ``limit`` UTF-16 units, at line boundaries.

    Lines are expected to be self-contained (tags opened and closed on the same line),
    as :func:`format_text` produces them.
    """
    if limit < 16:
        raise ValueError("limit too small")
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        pieces = [line] if utf16_len(line) <= limit else _split_line(line, limit)
        for piece in pieces:
            extra = utf16_len(piece) + (1 if current else 0)
            if current and size + extra > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
                extra = utf16_len(piece)
            current.append(piece)
            size += extra
    if current:
        chunks.append("\n".join(current))
    chunks = [c.strip("\n") for c in chunks]
    return [c for c in chunks if strip_html(c).strip()]
