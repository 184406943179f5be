"""Webhook mode (WEBHOOK_URL set): the emulator POSTs updates to the bot's web server.

Anyone who can reach the webhook port can POST an update "from" anyone, so webhook mode
needs WEBHOOK_SECRET (Telegram sends it in ``X-Telegram-Bot-Api-Secret-Token``): without
it the bot refuses to start, and a request without the right secret is refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from tests.harness import BotHarness, free_port

ROOT = Path(__file__).resolve().parents[3]
ADMIN = 4242
STRANGER = 5555


async def test_webhook_mode_answers_like_polling() -> None:
    async with BotHarness.start(webhook=True) as bot:
        info = bot.emulator.state.webhook
        assert info["url"] == bot.settings.webhook_url
        assert info["secret_token"] == bot.settings.webhook_secret.get_secret_value()
        assert bot.emulator.stats.requests["getUpdates"] == 0

        lan = bot.chat()
        await lan.send("ai chu tri ra soat luat hoat dong chu thap do")
        answer = await lan.reply()
        assert "Chủ trì: Bộ Nội vụ" in answer.text
        await lan.press("Thời hạn", answer)
        assert (await lan.reply()).text.startswith("Thời hạn:")
        assert bot.emulator.webhook_deliveries == 2


def _forged_admin_command(text: str) -> dict[str, object]:
    user = {"id": ADMIN, "is_bot": False, "first_name": "Admin"}
    return {
        "update_id": 900001,
        "message": {
            "message_id": 77,
            "date": 1_790_000_000,
            "chat": {"id": ADMIN, "type": "private", "first_name": "Admin"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len("/dieuphoi")}],
        },
    }


async def test_forged_updates_without_the_secret_are_refused() -> None:
    async with BotHarness.start(webhook=True, admin_ids={ADMIN}) as bot:
        forged = _forged_admin_command(f"/dieuphoi them {STRANGER} tatca")
        async with httpx.AsyncClient() as http:
            for headers in (
                {},
                {"X-Telegram-Bot-Api-Secret-Token": "guessed-secret"},
                {"X-Telegram-Bot-Api-Secret-Token": ""},
            ):
                reply = await http.post(bot.settings.webhook_url, json=forged, headers=headers)
                assert reply.status_code == 403, headers
        # the genuine admin lists the coordinators: the stranger is not one
        admin = bot.chat(user_id=ADMIN, first_name="Admin")
        await admin.send("/dieuphoi")
        listing = await admin.reply()
        assert str(STRANGER) not in listing.text
        assert bot.emulator.webhook_deliveries == 1


def _run_bot(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    dead = free_port()  # nothing listens here: a bot that starts fails fast, never hangs
    clean.update(
        TELEGRAM_BOT_TOKEN="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0",
        TELEGRAM_BASE_URL=f"http://127.0.0.1:{dead}/bot",
        DATABASE_URL="sqlite+aiosqlite:///:memory:",
        SCHEDULER_ENABLED="false",
        PYTHONPATH=str(ROOT),  # the project's modules, run from a directory with no .env
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tempfile.gettempdir(),
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_webhook_mode_refuses_to_start_without_a_secret() -> None:
    done = _run_bot({"WEBHOOK_URL": "https://bot.example.org/telegram/hook"})
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "WEBHOOK_SECRET" in lines[0], done.stderr


def test_a_malformed_webhook_secret_is_refused() -> None:
    done = _run_bot(
        {"WEBHOOK_URL": "https://bot.example.org/telegram/hook", "WEBHOOK_SECRET": "no spaces!"}
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "WEBHOOK_SECRET" in done.stderr and "no spaces" not in done.stderr


def test_an_invalid_scheduler_setting_is_one_clear_line() -> None:
    done = _run_bot({"SCHEDULER_SCAN_SECONDS": "2", "SCHEDULER_ENABLED": "true"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("invalid settings: SCHEDULER_SCAN_SECONDS")
