"""``python -m bot db backup FILE`` / ``restore FILE`` on SQLite and PostgreSQL: a backup
taken from a running bot's database, later changes, a restore, and the bot started again
on the restored database sees the state of the backup."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.db.engine import Database
from tests.harness import BotHarness

ROOT = Path(__file__).resolve().parents[3]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def say(bot: BotHarness, text: str) -> str:
    chat = bot.chat(user_id=4242)
    await chat.send(text)
    return (await chat.reply()).text


async def test_the_bot_starts_on_a_restored_backup(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    async with BotHarness.start(database_url=db_url) as bot:
        assert await say(bot, "/lang en") == "From now on I will answer in English."

    backup_file = tmp_path / "kl44.backup"
    made = cli("backup", str(backup_file), "--url", db_url)
    assert made.returncode == 0, made.stderr
    assert backup_file.stat().st_size > 0
    assert "backed up" in made.stdout

    async with BotHarness.start(database_url=db_url) as bot:  # a change after the backup
        assert await say(bot, "/lang vi") == "Từ giờ tôi sẽ trả lời bằng tiếng Việt."

    restored = cli("restore", str(backup_file), "--url", db_url)
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout

    async with BotHarness.start(database_url=db_url) as bot:  # the state of the backup
        assert (await say(bot, "/help")).startswith("How to use the bot")


async def test_restore_refuses_a_file_that_is_not_a_backup(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n", encoding="utf-8")
    done = cli("restore", str(junk), "--url", db_url)
    assert done.returncode == 1
    assert done.stderr.startswith("restore failed:")
    assert "Traceback" not in done.stderr
    missing = cli("restore", str(tmp_path / "absent.backup"), "--url", db_url)
    assert missing.returncode == 1 and "no backup file" in missing.stderr


def test_backup_needs_exactly_one_file() -> None:
    done = cli("backup")
    assert done.returncode == 2 and "usage" in done.stderr
