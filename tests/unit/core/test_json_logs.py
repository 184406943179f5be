"""LOG_FORMAT=json: one JSON object per event, tracebacks inside it, secrets redacted and
library payloads hidden as in text logs."""

from __future__ import annotations

import io
import json
import logging

from bot.logs import HIDDEN, REDACTED, configure_logging
from bot.settings import Settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def test_one_json_object_per_event() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=[TOKEN], stream=stream, fmt="json")
    try:
        logging.getLogger("bot.test").info("sent %d reminders", 3)
        try:
            raise RuntimeError(f"token {TOKEN} rejected")
        except RuntimeError:
            logging.getLogger("bot.test").exception("delivery failed")
        # a library logging an update's text: the payload is hidden
        logging.getLogger("telegram.ext").debug("processing %s", "Nguyễn Thị Lan 0912345678")
    finally:
        configure_logging("WARNING")
    lines = stream.getvalue().splitlines()
    events = [json.loads(line) for line in lines]  # every line is one whole object
    assert len(events) == 3
    assert events[0]["level"] == "INFO" and events[0]["message"] == "sent 3 reminders"
    assert events[0]["logger"] == "bot.test" and events[0]["time"].endswith("+00:00")
    assert "Traceback" in events[1]["exception"] and TOKEN not in lines[1]
    assert REDACTED in events[1]["exception"]
    assert events[2]["message"] == f"processing {HIDDEN}"
    assert "0912345678" not in stream.getvalue()


def test_log_format_setting() -> None:
    assert Settings(_env_file=None).log_format == "text"  # type: ignore[call-arg]
    assert Settings(_env_file=None, log_format="json").log_format == "json"  # type: ignore[call-arg]
