"""Translations of the engine's answer texts, read from gettext PO catalogs.

The engine runs without Telegram or the bot's i18n layer, so it keeps a small
catalog of its own (knowledge/locale/<lang>/LC_MESSAGES/knowledge.po), read with
Babel. Message ids are English; Vietnamese is the default language.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


@lru_cache(maxsize=8)
def _catalog(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "knowledge.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def tr(lang: str, msgid: str, **kwargs: object) -> str:
    """Translate ``msgid`` into ``lang`` (falling back to the id) and format it."""
    text = _catalog(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(msgid, msgid)
    return text.format(**kwargs) if kwargs else text


def fmt_date(value: dt.date, lang: str) -> str:
    pattern = "dd/MM/yyyy" if lang == "vi" else "d MMMM yyyy"
    return format_date(value, pattern, locale=lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def fmt_month(year: int, month: int, lang: str) -> str:
    """A month of a year: 12/2023 in Vietnamese, December 2023 in English."""
    pattern = "MM/yyyy" if lang == "vi" else "MMMM yyyy"
    locale = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return format_date(dt.date(year, month, 1), pattern, locale=locale)
