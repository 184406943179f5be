"""Logging set-up that never writes a secret or a person's data.

Secrets: PTB puts the token in some messages (``InvalidToken``: "The token `…` was
rejected") and httpx logs every request URL, which contains the token. So: httpx is kept
at WARNING, and a formatter removes every known secret from the finished line, traceback
included.

Personal data (NĐ 13/2023): at DEBUG, PTB logs every update and every Bot API call with
its parameters (names, phone numbers, free text), SQLAlchemy every statement with its
parameters. So :class:`LibraryPayloadFilter`, on the handler, keeps a library's log line
(its wording, numbers, API method names, exceptions) but replaces every other argument
by ``[hidden]``, at every level; and the database engine runs with
``hide_parameters=True`` (bot/db/engine.py), so SQL errors do not print bound values.
The bot's own loggers (bot, handlers, scheduler, knowledge) log ids and counts only.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

REDACTED = "[REDACTED]"
HIDDEN = "[hidden]"
#: Loggers of the libraries whose log arguments may carry updates, message texts or
#: SQL parameters. Anything else (the bot's own code) is left as it is.
LIBRARY_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "apscheduler",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "aiohttp",
    "alembic",
    "asyncio",
)
# An API method name such as sendMessage (lowerCamelCase): useful in a log, never personal.
_METHOD_NAME = re.compile(r"[a-z]+(?:[A-Z][a-z]+)+")
# Anything shaped like a Bot API token, even one we were not told about.
_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}")


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: Iterable[str | None] = ()) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPE.sub(REDACTED, text)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class JsonFormatter(RedactingFormatter):
    """One JSON object per line (LOG_FORMAT=json): time, level, logger, message, and the
    exception with its traceback as one string field; secrets redacted as in text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__("%(message)s", secrets)

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        if record.exc_info:
            event["exception"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(event, ensure_ascii=False)


def _is_library(name: str) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in LIBRARY_LOGGERS)


def _safe_argument(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | enum.Enum | BaseException):
        return value
    if isinstance(value, str) and _METHOD_NAME.fullmatch(value):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, int) for v in value):
        return value  # e.g. the update ids of a getUpdates answer
    if type(value).__module__.startswith("apscheduler."):  # a Job: its name and trigger
        return value
    update_id = getattr(value, "update_id", None)
    if isinstance(update_id, int):  # a telegram.Update: its id only
        return f"Update(update_id={update_id}, {HIDDEN})"
    return HIDDEN


class LibraryPayloadFilter(logging.Filter):
    """Hides the payloads (updates, API parameters, SQL values, texts) that libraries put
    in their log arguments; the line itself stays. Installed on the handler, so it sees
    every record at every level, whichever logger emitted it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _is_library(record.name):
            return True
        if not isinstance(record.msg, str):  # an object logged as the message itself
            record.msg, record.args = f"<{type(record.msg).__name__}: {HIDDEN}>", None
        elif isinstance(record.args, dict):
            record.args = {key: _safe_argument(v) for key, v in record.args.items()}
        elif record.args:
            record.args = tuple(_safe_argument(v) for v in record.args)
        return True


def configure_logging(
    level: str = "INFO",
    secrets: Iterable[str | None] = (),
    stream: TextIO | None = None,
    fmt: str = "text",
) -> None:
    """Root logging to stderr with secrets redacted and library payloads hidden; quiet
    the chatty HTTP libraries. ``fmt``: "text" or "json" (one object per line)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(LibraryPayloadFilter())
    formatter: logging.Formatter
    if fmt == "json":
        formatter = JsonFormatter(secrets)
    else:
        formatter = RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # aiosqlite logs every SQL statement with its parameters (personal data) at DEBUG.
    for noisy in ("httpx", "httpcore", "aiohttp.access", "apscheduler", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
