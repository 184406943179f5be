"""Settings from the environment, and logs that never carry a secret."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from bot.logs import REDACTED, RedactingFormatter
from bot.settings import Settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def make(**env: object) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


def test_defaults() -> None:
    s = make()
    assert s.token is None and s.timezone == "Asia/Ho_Chi_Minh" and s.default_language == "vi"
    assert s.database_url.startswith("sqlite+aiosqlite:///")
    assert s.webhook_url is None and s.rate_limit is True


def test_admin_ids_and_urls_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", " 12, 34;56 ")
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "EN")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/hook/kl44")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret_Value-1")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.admin_user_ids == {12, 34, 56} and s.is_admin(34) and not s.is_admin(1)
    assert s.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert s.default_language == "en"
    assert s.webhook_path == "hook/kl44"
    assert s.token == TOKEN
    assert TOKEN not in repr(s) and TOKEN not in str(s.model_dump())


@pytest.mark.parametrize(
    "bad",
    [
        {"admin_user_ids": "12,abc"},
        {"timezone": "Mars/Olympus"},
        {"default_language": "fr"},
        {"log_level": "LOUD"},
        {"webhook_port": 70000},
    ],
)
def test_bad_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        make(**bad)


def test_blank_values_mean_unset() -> None:
    s = make(telegram_bot_token="  ", telegram_base_url=" ", webhook_url="")
    assert s.token is None and s.base_url is None and s.webhook_url is None


def test_formatter_redacts_known_and_token_shaped_secrets() -> None:
    formatter = RedactingFormatter("%(message)s", secrets=[TOKEN, "hunter2-secret"])
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected (hunter2-secret)")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "boom %s", (TOKEN,), sys.exc_info()
        )
    line = formatter.format(record)
    assert TOKEN not in line and "hunter2-secret" not in line and REDACTED in line
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"  # never configured
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, f"url /bot{other}/getMe", (), None)
    assert other not in formatter.format(plain)


def test_webhook_listens_on_localhost_unless_told_otherwise() -> None:
    s = make(webhook_url="https://bot.example.org/hook", webhook_secret="s3cret_Value-1")
    assert s.webhook_listen == "127.0.0.1"


def test_webhook_mode_needs_a_well_formed_secret() -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET"):
        make(webhook_url="https://bot.example.org/hook")
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET"):
        make(webhook_url="https://bot.example.org/hook", webhook_secret="x" * 257)
    assert make(webhook_secret="only-used-with-a-webhook").webhook_url is None


def test_library_log_arguments_are_hidden_but_the_line_stays() -> None:
    from bot.logs import LibraryPayloadFilter

    def render(name: str, msg: object, *args: object) -> str:
        record = logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args, None)
        LibraryPayloadFilter().filter(record)
        return record.getMessage()

    payload = {"chat_id": 1, "text": "Phạm Thị Bí Mật 0987654321"}
    line = render("telegram.ext.ExtBot", "Calling `%s` with `%s`", "sendMessage", payload)
    assert line == "Calling `sendMessage` with `[hidden]`"
    assert render("sqlalchemy.engine.Engine", "[%s] %r", "cached", ("Lan", 7)) == (
        "[[hidden]] '[hidden]'"
    )
    assert (
        render("telegram.ext.Updater", "Getting updates: %s", [3, 4]) == "Getting updates: [3, 4]"
    )
    assert render("telegram", payload) == "<dict: [hidden]>"
    # the bot's own loggers are left alone (they log ids and counts only)
    assert render("bot.volunteers", "registration %s saved", 12) == "registration 12 saved"
