"""User-facing strings of the bot through gettext catalogs, and dates/numbers through Babel.

Catalogs: ``bot/locale/<lang>/LC_MESSAGES/messages.po`` (message ids are English;
Vietnamese is the default language). The ``.mo`` files are build products, not kept in
git: :func:`compile_catalogs` writes them at start-up when missing or older than the
``.po`` (and, if the directory is read-only, the catalog is compiled in memory instead).

Helpers, all taking the language first:

- ``t(lang, msgid, **kw)``: translated HTML-ready text; ``kw`` values are HTML-escaped
  and substituted with ``str.format`` (``{name}`` placeholders).
- ``tb(lang, msgid, **kw)``: the same without escaping, for button labels and other
  places that are not parsed as HTML.
- ``tn(lang, singular, plural, n, **kw)``: plural forms (``{n}`` is available).
- ``N_(msgid)``: marks a constant for extraction; translate it later with ``t``.

Extraction: ``pybabel extract -F babel.cfg -k t:2 -k tb:2 -k tn:2,3 -k N_ -o messages.pot .``
"""

from __future__ import annotations

import datetime as dt
import gettext
import html
import io
import logging
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

#: keywords for Babel's extractor (message id position, 1-based)
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "t": (2,),
    "tb": (2,),
    "tn": (2, 3),
    "N_": None,
}


def N_(msgid: str) -> str:
    """Mark a string for translation without translating it now."""
    return msgid


def normalize_lang(code: str | None) -> str | None:
    """'vi', 'vi-VN', 'EN_us' → 'vi'/'en'; anything else → None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def _po_path(lang: str, locale_dir: Path) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compile(po: Path) -> bytes:
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write ``.mo`` next to each ``.po`` when missing or stale; return the files written."""
    written: list[Path] = []
    for lang in LANGUAGES:
        po = _po_path(lang, locale_dir)
        if not po.exists():
            continue
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        data = _compile(po)
        try:
            tmp = mo.with_suffix(".mo.tmp")
            tmp.write_bytes(data)
            tmp.replace(mo)
            written.append(mo)
        except OSError as exc:  # read-only install: translations load from memory instead
            log.debug("cannot write %s (%s); compiling in memory", mo, exc)
    return written


@lru_cache(maxsize=8)
def gettext_for(lang: str | None, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The translations of ``lang`` (unknown languages fall back to the default)."""
    lang = normalize_lang(lang) or DEFAULT_LANGUAGE
    po = _po_path(lang, locale_dir)
    if not po.exists():
        log.warning("no catalog for %s at %s", lang, po)
        return gettext.NullTranslations()
    compile_catalogs(locale_dir)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.GNUTranslations(io.BytesIO(_compile(po)))


def _format(text: str, kw: dict[str, object], escape: bool) -> str:
    if not kw:
        return text
    if escape:
        kw = {k: html.escape(v, quote=False) if isinstance(v, str) else v for k, v in kw.items()}
    return text.format(**kw)


def t(lang: str | None, msgid: str, **kw: object) -> str:
    """Translate ``msgid`` into ``lang`` for an HTML message; ``kw`` values are escaped."""
    return _format(gettext_for(lang).gettext(msgid), kw, escape=True)


def tb(lang: str | None, msgid: str, **kw: object) -> str:
    """Translate for a plain-text place (button labels, command descriptions)."""
    return _format(gettext_for(lang).gettext(msgid), kw, escape=False)


def tn(lang: str | None, singular: str, plural: str, n: int, **kw: object) -> str:
    """Plural-aware translation for HTML text; ``{n}`` is the number, formatted for ``lang``."""
    text = gettext_for(lang).ngettext(singular, plural, n)
    return _format(text, {"n": format_number(n, lang), **kw}, escape=True)


def _locale(lang: str | None) -> Locale:
    return Locale.parse(normalize_lang(lang) or DEFAULT_LANGUAGE)


def format_date(value: dt.date, lang: str | None, fmt: str = "long") -> str:
    """A date in the user's language: vi '14 tháng 11, 2022', en 'November 14, 2022'."""
    return _babel_format_date(value, format=fmt, locale=_locale(lang))


def format_datetime(
    value: dt.datetime, lang: str | None, tz: str = DEFAULT_TIMEZONE, fmt: str = "medium"
) -> str:
    """An aware datetime shown in ``tz`` (Asia/Ho_Chi_Minh unless told otherwise)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: attach a time zone first")
    return _babel_format_datetime(value, format=fmt, tzinfo=ZoneInfo(tz), locale=_locale(lang))


def format_number(value: float, lang: str | None) -> str:
    return format_decimal(value, locale=_locale(lang))


def language_named(text: str) -> str | None:
    """The language a user names in words ("tiếng Việt", "english"), if any."""
    folded = text.strip().casefold()
    if folded in {"tiếng việt", "tieng viet", "vietnamese", "việt", "viet"}:
        return "vi"
    if folded in {"english", "tiếng anh", "tieng anh", "anh"}:
        return "en"
    return None
