"""Every message id the bot uses has a Vietnamese and an English translation."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from bot.i18n import KEYWORDS, LOCALE_DIR, format_date, format_datetime, t, tb, tn

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted(
    [*ROOT.glob("handlers/*.py"), *ROOT.glob("bot/**/*.py"), *ROOT.glob("scheduler/*.py")]
)


def used_msgids() -> dict[str, str]:
    """msgid → where it is used, extracted the way pybabel does."""
    found: dict[str, str] = {}
    for path in SOURCES:
        for lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message  # plural: singular
            if msgid:
                found.setdefault(msgid, f"{path.relative_to(ROOT)}:{lineno}")
    return found


def catalog(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


USED = used_msgids()


def test_the_extractor_finds_the_core_strings() -> None:
    assert "Choose your language:" in USED
    assert "Ask a question about the documents" in USED  # N_() in bot/app.py
    assert len(USED) > 50


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_used_msgid_is_translated(lang: str) -> None:
    cat = catalog(lang)
    missing = []
    for msgid, where in USED.items():
        message = cat.get(msgid)
        strings = message.string if message else None
        if not message or not (strings if isinstance(strings, str) else all(strings)):
            missing.append(f"{where}: {msgid[:70]!r}")
    assert not missing, f"{len(missing)} msgid(s) without a {lang} translation:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_translations_keep_placeholders_and_markup(lang: str) -> None:
    problems = []
    for message in catalog(lang):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if placeholders(text) - set().union(*(placeholders(i) for i in ids)):
                problems.append(f"placeholders differ: {message.id!r}")
            tags = sorted(re.findall(r"</?[a-z]+>", ids[0]))
            if sorted(re.findall(r"</?[a-z]+>", text)) != tags:
                problems.append(f"HTML tags differ: {message.id!r}")
    assert not problems, "\n".join(problems)


def test_vietnamese_is_real_vietnamese() -> None:
    vi = catalog("vi")
    diacritics = re.compile(
        r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]"
    )
    plain = [
        m.id
        for m in vi
        if m.id
        and isinstance(m.string, str)
        and len(m.string) > 25
        and not diacritics.search(m.string.lower())
    ]
    assert not plain, f"Vietnamese without diacritics: {plain[:5]}"


def test_helpers_translate_escape_and_format() -> None:
    assert t("vi", "Choose your language:") == "Chọn ngôn ngữ:"
    assert t("en", "Choose your language:") == "Choose your language:"
    assert t("fr", "Choose your language:") == "Chọn ngôn ngữ:"  # unknown → Vietnamese
    escaped = t(
        "vi",
        "I do not know the command {command}. Send /help to see what I can do.",
        command="/x<b>&",
    )
    assert "/x&lt;b&gt;&amp;" in escaped
    assert tb("vi", "Hello, {name}!", name="<Lan>") == "Xin chào <Lan>!"
    assert tn("en", "{n} task", "{n} tasks", 1200) == "1,200 tasks"


def test_dates_through_babel() -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    day = dt.date(2023, 7, 26)
    assert format_date(day, "vi") == "26 tháng 7, 2023"
    assert format_date(day, "en") == "July 26, 2023"
    moment = dt.datetime(2023, 7, 26, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert "08:30" in format_datetime(moment, "vi")  # shown in Asia/Ho_Chi_Minh
    with pytest.raises(ValueError):
        format_datetime(dt.datetime(2023, 7, 26), "vi")
