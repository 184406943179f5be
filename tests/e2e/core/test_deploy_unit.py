"""The systemd unit in deploy/ starts the bot: its ExecStart, Environment and
WorkingDirectory are read from the file and run (the install prefix /opt/kl44-bot
mapped to this checkout), against the local Bot API emulator. The bot answers a user,
its health check says it is active, then it stops cleanly on the unit's KillSignal
within TimeoutStopSec."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import sys
import urllib.request
from pathlib import Path

from emulator import Emulator
from tests.harness import free_port

ROOT = Path(__file__).resolve().parents[3]
UNIT = ROOT / "deploy" / "kl44-bot.service"
PREFIX = "/opt/kl44-bot"


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return dict(json.loads(response.read()))


def read_unit() -> dict[str, list[str]]:
    """``key -> values`` of the [Service] section (systemd allows repeated keys)."""
    section, values = "", {}
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section == "Service":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


async def test_the_unit_starts_the_bot_and_stops_it_cleanly(tmp_path: Path) -> None:
    unit = read_unit()
    command = shlex.split(unit["ExecStart"][0])
    assert command[0] == f"{PREFIX}/.venv/bin/python"
    command[0] = sys.executable
    workdir = unit["WorkingDirectory"][0].replace(PREFIX, str(ROOT))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    for assignment in unit.get("Environment", []):
        key, _, value = assignment.partition("=")
        env[key] = value
    assert env["DATABASE_URL"].startswith("sqlite+aiosqlite:////var/lib/kl44-bot/")
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'kl44.db'}"  # StateDirectory

    emulator = await Emulator().start()
    # What the operator puts in EnvironmentFile=/etc/kl44-bot/env:
    port = free_port()
    env.update(
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_BASE_URL=emulator.base_url,
        METRICS_PORT=str(port),
    )
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await emulator.wait_polling(timeout=60)
        lan = emulator.private_chat(None, "Lan")
        await lan.send("ai chu tri ra soat luat hoat dong chu thap do")
        assert (await lan.reply(timeout=30)).text.startswith("Chủ trì: Bộ Nội vụ")
        health = await asyncio.to_thread(get_json, f"http://127.0.0.1:{port}/healthz")
        assert health["status"] == "ok" and health["role"] == "active"

        assert unit["KillSignal"] == ["SIGTERM"]
        process.send_signal(signal.SIGTERM)
        stop_within = float(unit["TimeoutStopSec"][0])
        assert await asyncio.wait_for(process.wait(), timeout=stop_within) == 0
        output = (await process.stdout.read()).decode() if process.stdout else ""
        assert "Traceback" not in output
        assert emulator.token not in output  # the secret never reaches the journal
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await emulator.stop()
