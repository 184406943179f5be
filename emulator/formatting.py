"""Telegram text formatting: HTML / MarkdownV2 / Markdown parsing into text + entities.

The parsers follow the behaviour of the real Bot API (tdlib) closely enough to reject what
Telegram rejects and to produce the same plain text and entities for well-formed input:
offsets and lengths are counted in UTF-16 code units, leading/trailing whitespace is trimmed
and error messages use Telegram's wording (``can't parse entities: ...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

Entity = dict[str, Any]


class EntityParseError(ValueError):
    """Raised for malformed markup; ``str(exc)`` is Telegram's detail message."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of Telegram entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class _Builder:
    """Accumulates plain text while tracking the UTF-16 offset."""

    parts: list[str] = field(default_factory=list)
    offset: int = 0
    entities: list[Entity] = field(default_factory=list)

    def add(self, chunk: str) -> None:
        if chunk:
            self.parts.append(chunk)
            self.offset += utf16_len(chunk)

    def entity(self, start: int, kind: str, **extra: Any) -> None:
        length = self.offset - start
        if length > 0:
            self.entities.append({"type": kind, "offset": start, "length": length, **extra})

    def result(self) -> tuple[str, list[Entity]]:
        return "".join(self.parts), self.entities


# --------------------------------------------------------------------------- HTML

_HTML_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_TAGS = {*_HTML_SIMPLE_TAGS, "a", "span", "blockquote", "tg-emoji"}
_HTML_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR = re.compile(r"""\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_TAG_NAME_END = re.compile(r"[\s>/]")


def _decode_html_entities(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _NAMED:
            return _NAMED[code]
        value = int(code[2:], 16) if code[1] in "xX" else int(code[1:])
        return chr(value) if 0 < value < 0x110000 else match.group(0)

    return _HTML_ENTITY.sub(repl, text)


@dataclass
class _OpenTag:
    name: str
    start: int
    byte_offset: int
    attrs: dict[str, str]


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Parse Telegram-flavoured HTML. Raises :class:`EntityParseError` like the Bot API."""
    out = _Builder()
    stack: list[_OpenTag] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            match = _HTML_ENTITY.match(text, i)
            if match:
                out.add(_decode_html_entities(match.group(0)))
                i = match.end()
            else:
                out.add("&")
                i += 1
            continue
        if char != "<":
            j = i
            while j < n and text[j] not in "<&":
                j += 1
            out.add(text[i:j])
            i = j
            continue
        begin = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            close = text.find(">", i)
            if close < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
            name = text[i + 2 : close].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
            top = stack[-1]
            if name != top.name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            _close_html_tag(out, top, stack)
            i = close + 1
            continue
        name_end = _TAG_NAME_END.search(text, i + 1)
        if name_end is None:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        name = text[i + 1 : name_end.start()].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
        close = text.find(">", name_end.start())
        if close < 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        raw_attrs = text[name_end.start() : close].rstrip().removesuffix("/")
        attrs: dict[str, str] = {}
        for match in _ATTR.finditer(raw_attrs):
            value = match.group(2) or ""
            if value[:1] in "\"'":
                value = value[1:-1]
            attrs[match.group(1).lower()] = _decode_html_entities(value)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        stack.append(_OpenTag(name, out.offset, begin, attrs))
        i = close + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


def _close_html_tag(out: _Builder, tag: _OpenTag, stack: list[_OpenTag]) -> None:
    if tag.name == "a":
        href = tag.attrs.get("href", "")
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            out.entity(
                tag.start,
                "text_mention",
                user={"id": int(user.group(1)), "is_bot": False, "first_name": ""},
            )
        elif href:
            out.entity(tag.start, "text_link", url=href)
    elif tag.name == "span":
        out.entity(tag.start, "spoiler")
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
        out.entity(tag.start, kind)
    elif tag.name == "tg-emoji":
        out.entity(tag.start, "custom_emoji", custom_emoji_id=tag.attrs.get("emoji-id", ""))
    elif tag.name == "code" and stack and stack[-1].name == "pre":
        language = tag.attrs.get("class", "").removeprefix("language-")
        if language:
            stack[-1].attrs["language"] = language
        else:
            out.entity(tag.start, "code")
    elif tag.name == "pre" and tag.attrs.get("language"):
        out.entity(tag.start, "pre", language=tag.attrs["language"])
    else:
        out.entity(tag.start, _HTML_SIMPLE_TAGS[tag.name])


# --------------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


@dataclass
class _MdOpen:
    kind: str
    start: int
    byte_offset: int


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2. Raises :class:`EntityParseError` like the Bot API."""
    out = _Builder()
    stack: list[_MdOpen] = []
    i, n = 0, len(text)
    quote_start: int | None = None
    at_line_start = True
    while i < n:
        char = text[i]
        if at_line_start and quote_start is not None and char != ">":
            out.entity(quote_start, "blockquote")
            quote_start = None
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) < 127:
            out.add(text[i + 1])
            i += 2
            at_line_start = False
            continue
        if char not in _MDV2_RESERVED:
            out.add(char)
            at_line_start = char == "\n"
            i += 1
            continue
        at_line_start_now, at_line_start = at_line_start, False
        begin = _byte_offset(text, i)
        top = stack[-1].kind if stack else None
        # closing the innermost entity
        closes = {
            "bold": char == "*",
            "italic": char == "_" and text[i : i + 2] != "__",
            "underline": text[i : i + 2] == "__",
            "strikethrough": char == "~",
            "spoiler": text[i : i + 2] == "||",
            "text_link": char == "]",
        }
        if top is not None and closes.get(top, False):
            opened = stack.pop()
            if top == "text_link":
                i = _finish_md_link(text, i, out, opened)
                continue
            out.entity(opened.start, top)
            i += 2 if top in ("underline", "spoiler") else 1
            continue
        if char == "`":
            i = _md_code(text, i, out)
            continue
        if char == ">" and at_line_start_now:
            if quote_start is None:
                quote_start = out.offset
            i += 1
            continue
        two = text[i : i + 2]
        if two == "__":
            stack.append(_MdOpen("underline", out.offset, begin))
            i += 2
        elif two == "||":
            stack.append(_MdOpen("spoiler", out.offset, begin))
            i += 2
        elif char in "*_~[":
            kind = {"*": "bold", "_": "italic", "~": "strikethrough", "[": "text_link"}[char]
            stack.append(_MdOpen(kind, out.offset, begin))
            i += 1
        else:
            raise EntityParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
    if quote_start is not None:
        out.entity(quote_start, "blockquote")
    if stack:
        raise EntityParseError(
            f"Can't find end of the entity starting at byte offset {stack[-1].byte_offset}"
        )
    return out.result()


def _finish_md_link(text: str, i: int, out: _Builder, opened: _MdOpen) -> int:
    """``i`` points at ``]``; consume ``(url)`` and return the next index."""
    i += 1
    if i >= len(text) or text[i] != "(":
        return i
    url_chars: list[str] = []
    i += 1
    while i < len(text) and text[i] != ")":
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        url_chars.append(text[i])
        i += 1
    if i >= len(text):
        raise EntityParseError(f"Can't find end of a url at byte offset {_byte_offset(text, i)}")
    url = "".join(url_chars)
    user = re.fullmatch(r"tg://user\?id=(\d+)", url)
    if user:
        out.entity(
            opened.start,
            "text_mention",
            user={"id": int(user.group(1)), "is_bot": False, "first_name": ""},
        )
    elif url:
        out.entity(opened.start, "text_link", url=url)
    return i + 1


def _md_code(text: str, i: int, out: _Builder) -> int:
    """``i`` points at a backtick; parse inline code or a pre block."""
    begin = _byte_offset(text, i)
    is_pre = text.startswith("```", i)
    fence = "```" if is_pre else "`"
    j = i + len(fence)
    language = ""
    if is_pre:
        newline = text.find("\n", j)
        first_line = text[j:newline] if newline >= 0 else ""
        if newline >= 0 and first_line and " " not in first_line and "`" not in first_line:
            language = first_line
            j = newline + 1
    start = out.offset
    chunk: list[str] = []
    while j < len(text) and not text.startswith(fence, j):
        if text[j] == "\\" and j + 1 < len(text):
            j += 1
        chunk.append(text[j])
        j += 1
    if j >= len(text):
        kind = "Pre" if is_pre else "Code"
        raise EntityParseError(f"Can't find end of {kind} entity at byte offset {begin}")
    out.add("".join(chunk))
    if is_pre:
        extra = {"language": language} if language else {}
        out.entity(start, "pre", **extra)
    else:
        out.entity(start, "code")
    return j + len(fence)


# --------------------------------------------------------------------------- legacy Markdown


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Parse legacy Markdown (``*bold*``, ``_italic_``, `` `code` ``, ``[text](url)``)."""
    out = _Builder()
    i, n = 0, len(text)
    marks = {"*": "bold", "_": "italic"}
    while i < n:
        char = text[i]
        begin = _byte_offset(text, i)
        if char in marks:
            end = text.find(char, i + 1)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {begin}"
                )
            start = out.offset
            out.add(text[i + 1 : end])
            out.entity(start, marks[char])
            i = end + 1
        elif char == "`":
            i = _md_code(text, i, out)
        elif char == "[":
            end = text.find("]", i + 1)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {begin}"
                )
            start = out.offset
            out.add(text[i + 1 : end])
            if text.startswith("(", end + 1) and (close := text.find(")", end + 1)) > 0:
                out.entity(start, "text_link", url=text[end + 2 : close])
                i = close + 1
            else:
                i = end + 1
        else:
            out.add(char)
            i += 1
    return out.result()


# --------------------------------------------------------------------------- public entry


def _strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace like Telegram does, shifting/clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    fixed: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return stripped, fixed


def parse_text(
    text: str, parse_mode: str | None, entities: list[Entity] | None = None
) -> tuple[str, list[Entity]]:
    """Turn the ``text``/``parse_mode``/``entities`` trio of a Bot API call into text+entities.

    Raises :class:`EntityParseError` on malformed markup or an unknown parse mode.
    """
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        plain, found = parse_html(text)
    elif mode == "markdownv2":
        plain, found = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, found = parse_markdown(text)
    elif mode:
        raise EntityParseError(f"Unsupported parse_mode {parse_mode!r}")
    else:
        plain, found = text, [dict(e) for e in entities or []]
        size = utf16_len(plain)
        for entity in found:
            if entity.get("offset", 0) + entity.get("length", 0) > size:
                raise EntityParseError("Entity ends after the end of the text")
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return _strip(plain, found)


_COMMAND = re.compile(r"(?<![\w/])/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?")


def detect_entities(text: str) -> list[Entity]:
    """Entities a Telegram client would attach to user-typed text (bot commands, URLs)."""
    found: list[Entity] = []
    for match in _COMMAND.finditer(text):
        found.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    for match in re.finditer(r"https?://[^\s]+", text):
        found.append(
            {
                "type": "url",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    found.sort(key=lambda e: e["offset"])
    return found
