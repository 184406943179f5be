"""The one-line form of a progress update: ``<task> [percent%] [status words] [note]``.

Examples: ``II.2 60% đã gửi dự thảo báo cáo``, ``III.1.b xong``, ``II.4 vướng mắc
chờ kinh phí``, ``qd895_pl_ii_2 100%``. The status, when not written, follows the
percent (0 → not started, 100 → done, otherwise in progress). Nothing is truncated:
a note over the limit is an error the user can fix, not a silent cut.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.db.models import NOTE_MAX_CHARS, Status

MAX_INPUT_CHARS = 4096


class ParseError(ValueError):
    """``reason``: empty | percent_range | note_too_long | too_long."""

    def __init__(self, reason: str, **info: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.info = info


@dataclass(frozen=True)
class OneLine:
    ref: str
    status: Status
    percent: int | None
    note: str
    status_given: bool = False


def fold(text: str) -> str:
    """Casefolded, without diacritics, đ → d, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text.casefold()).replace("đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())


# Status phrases, diacritic-free, longest first when matched.
STATUS_WORDS: dict[str, Status] = {
    "chua bat dau": Status.not_started,
    "not started": Status.not_started,
    "dang thuc hien": Status.in_progress,
    "dang lam": Status.in_progress,
    "in progress": Status.in_progress,
    "hoan thanh": Status.done,
    "da hoan thanh": Status.done,
    "xong": Status.done,
    "done": Status.done,
    "gap vuong mac": Status.blocked,
    "vuong mac": Status.blocked,
    "vuong": Status.blocked,
    "blocked": Status.blocked,
}
_STATUS_ORDER = sorted(STATUS_WORDS, key=len, reverse=True)
_PERCENT = re.compile(r"^(\d{1,4})\s*%$")
_NEGATIVE_PERCENT = re.compile(r"^-\d{1,4}\s*%$")
_WORD = re.compile(r"\s*\S+")
_ROMAN_ONLY = re.compile(r"[IVXivx]{1,5}")
_NUMBER_PART = re.compile(r"\d{1,2}(?:\.[0-9a-zA-Z]{1,2})*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_note(text: str) -> str:
    """NFC, control characters out (newlines kept), surrounding space trimmed."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def check_note(note: str) -> str:
    note = clean_note(note)
    if len(note) > NOTE_MAX_CHARS:
        raise ParseError("note_too_long", length=len(note), limit=NOTE_MAX_CHARS)
    return note


def _match_status(words: list[str]) -> tuple[Status | None, int]:
    """The status phrase at the start of ``words`` and how many words it took."""
    folded = [fold(w) for w in words[:3]]
    for phrase in _STATUS_ORDER:
        size = len(phrase.split())
        if " ".join(folded[:size]) == phrase:
            return STATUS_WORDS[phrase], size
    return None, 0


def status_in_text(text: str) -> Status | None:
    """A status typed on its own ("hoan thanh", "Đang làm", "xong rồi"), else None."""
    words = clean_note(text).rstrip(".!").split()
    found, size = _match_status(words)
    if found is None or len(words) - size > 1:  # at most one trailing word ("xong roi")
        return None
    return found


def status_from_percent(percent: int | None) -> Status:
    if percent == 100:
        return Status.done
    if percent == 0:
        return Status.not_started
    return Status.in_progress


def parse_one_line(text: str) -> OneLine:
    if len(text) > MAX_INPUT_CHARS:
        raise ParseError("too_long", length=len(text), limit=MAX_INPUT_CHARS)
    text = clean_note(text)
    words = [w for w in text.split() if w]
    if not words:
        raise ParseError("empty")
    ref = words[0]
    rest = words[1:]
    # "II 2 xong": a Roman section and its number typed apart (not "II 60 %")
    if (
        _ROMAN_ONLY.fullmatch(ref)
        and rest
        and _NUMBER_PART.fullmatch(rest[0])
        and not (len(rest) > 1 and rest[1] == "%")
    ):
        ref = f"{ref}.{rest[0]}"
        rest = rest[1:]
    percent: int | None = None
    status: Status | None = None
    # percent and status in either order, each at most once, right after the reference
    for _ in range(2):
        if not rest:
            break
        if _NEGATIVE_PERCENT.match(rest[0]):
            raise ParseError("percent_range", value=0)
        m = _PERCENT.match(rest[0])
        if m and percent is None:
            percent = int(m.group(1))
            if percent > 100:
                raise ParseError("percent_range", value=percent)
            rest = rest[1:]
            continue
        if len(rest) >= 2 and rest[0].isdigit() and rest[1] == "%" and percent is None:
            percent = int(rest[0][:4])
            if percent > 100:
                raise ParseError("percent_range", value=percent)
            rest = rest[2:]
            continue
        found, size = _match_status(rest)
        if found is not None and status is None:
            status = found
            rest = rest[size:]
            continue
        break
    # the note keeps the user's own line breaks: cut the prefix off the original text
    note = _tail(text, len(words) - len(rest))
    note = check_note(note)
    given = status is not None
    if status is None:
        status = status_from_percent(percent)
    return OneLine(ref=ref, status=status, percent=percent, note=note, status_given=given)


def _tail(text: str, skip_words: int) -> str:
    """``text`` without its first ``skip_words`` whitespace-separated words."""
    pos = 0
    for _ in range(skip_words):
        m = _WORD.match(text, pos)
        if m is None:
            return ""
        pos = m.end()
    return text[pos:]
