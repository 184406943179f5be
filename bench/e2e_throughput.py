"""Questions answered per second by the full bot through the emulator, vs a bare PTB echo bot.

One run, same emulator, same questions, same simulated users:

1. the emulator runs in this process, and so do the simulated users (they inject
   messages and wait for the replies, as the e2e tests do);
2. each bot runs in its own child process, polling the emulator over HTTP, exactly
   as it would poll Telegram (``python -m bench.e2e_throughput --serve echo|bot``);
3. ``USERS`` users each ask, wait for the answer, and ask again, until ``QUESTIONS``
   questions are answered; throughput = questions / wall time.

All bots start first; then, round after round, each answers its share while the others
sit idle in a long poll, so a change in the machine's load hits all of them alike.

Printed: questions/s of the echo bot and of the full bot, their ratio (budget ≥ 0.7),
and the full bot's resident memory (VmRSS of its process) after answering 1,000
questions (budget ≤ 150 MB). The full bot runs with its database on a temporary SQLite
file and PTB's rate limiter off: the limiter caps every bot at Telegram's 30 messages/s,
which would measure the cap, not the bot. Extra lines: the bot with only the core
areas (no progress, curation, volunteers… handlers), with CONCURRENT_UPDATES=32
(chats served concurrently), and with the limiter on.

Run: ``.venv/bin/python bench/e2e_throughput.py [--questions 1000] [--users 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS_FILE = ROOT / "tests" / "qa" / "questions.yaml"
START_TIMEOUT = 60.0
REPLY_TIMEOUT = 30.0


def questions() -> list[str]:
    items = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return [item["q"] for item in items if item.get("q", "").strip()]


# -- the bots (child processes) ------------------------------------------------------


def serve(kind: str, token: str, base_url: str, database_url: str) -> None:
    """Run one bot until SIGINT/SIGTERM (PTB's run_polling handles both)."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    if kind == "echo":

        async def echo(update: Update, context: object) -> None:
            assert update.effective_message is not None
            await update.effective_message.reply_text(update.effective_message.text or "?")

        app = ApplicationBuilder().token(token).base_url(base_url).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
    else:
        from bot.settings import Settings
        from kl44 import build_application

        # the environment wins; no /metrics server (several bots run side by side)
        overrides = {
            "rate_limit": False,
            "log_level": "WARNING",
            "metrics_port": 0,
            "throttle_messages": 0,  # a few simulated users send hundreds of questions
        }
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            **{k: v for k, v in overrides.items() if k.upper() not in os.environ},
            telegram_bot_token=token,
            telegram_base_url=base_url,
            database_url=database_url,
        )
        app = build_application(settings, areas=[] if kind == "bot-core" else None)
    app.run_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)


# -- the measurement (this process) -------------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Subject:
    """One bot process polling its own emulator, and the users that talk to it."""

    def __init__(self, name: str, kind: str, env: dict[str, str] | None = None) -> None:
        self.name, self.kind, self.env = name, kind, env or {}
        self.elapsed = 0.0
        self.answered = 0

    async def start(self, users: int, scratch: str) -> None:
        from emulator import Emulator

        self.emulator = await Emulator().start()
        cmd = [
            sys.executable, "-m", "bench.e2e_throughput", "--serve", self.kind,
            "--token", self.emulator.token, "--base-url", self.emulator.base_url,
            "--database-url", f"sqlite+aiosqlite:///{scratch}/{self.name}.db",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT), **self.env}
        self.proc = subprocess.Popen(cmd, cwd=scratch, env=env)
        await self.emulator.wait_polling(timeout=START_TIMEOUT)
        self.chats = [self.emulator.private_chat(first_name=f"U{i}") for i in range(users)]

    async def ask(self, questions: list[str], count: int) -> None:
        """``count`` questions from all users in turn (each waits for its answer)."""
        source = iter(questions)
        left = count

        async def user(chat) -> None:
            nonlocal left
            while left > 0:
                left -= 1
                chat.skip_all()  # a multi-part answer counts once
                await chat.send(next(source))
                await chat.reply(REPLY_TIMEOUT)

        began = time.perf_counter()
        await asyncio.gather(*(user(c) for c in self.chats))
        self.elapsed += time.perf_counter() - began
        self.answered += count

    @property
    def rate(self) -> float:
        return self.answered / self.elapsed if self.elapsed else float("nan")

    async def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # the emulator keeps serving while it stops
        try:
            await asyncio.wait_for(asyncio.to_thread(self.proc.wait), 30)
        except TimeoutError:
            self.proc.kill()
            await asyncio.to_thread(self.proc.wait)
        await self.emulator.stop()


async def main_async(total: int, users: int, rounds: int) -> int:
    qs = questions()
    stream = list(itertools.islice(itertools.cycle(qs), total + users))
    subjects = [
        Subject("echo", "echo"),
        Subject("bot", "bot"),
        Subject("bot-core", "bot-core"),
        Subject("bot-concurrent", "bot", {"CONCURRENT_UPDATES": "32"}),
        Subject("bot-limited", "bot", {"RATE_LIMIT": "true"}),
    ]
    print(
        f"e2e throughput: {total} questions per bot from {users} users asking in turn "
        f"({len(qs)} distinct), in {rounds} interleaved rounds"
    )
    with tempfile.TemporaryDirectory(prefix="kl44-bench-") as scratch:
        try:
            for subject in subjects:
                await subject.start(users, scratch)
                await subject.ask(stream, users)  # warm-up, not counted
                subject.elapsed, subject.answered = 0.0, 0
            chunk = total // rounds
            for r in range(rounds):
                part = stream[users + r * chunk : users + (r + 1) * chunk]
                for subject in subjects:  # the idle bots sit in a long poll meanwhile
                    await subject.ask(part, len(part))
            memory = rss_mb(subjects[1].proc.pid)
        finally:
            for subject in subjects:
                await subject.stop()
    echo, bot, _core, concurrent, _limited = subjects
    notes = {
        "echo": "bare PTB echo bot",
        "bot": "full kl44 bot (defaults, limiter off)",
        "bot-core": "core areas only (questions, browsing)",
        "bot-concurrent": "full bot, CONCURRENT_UPDATES=32",
        "bot-limited": "full bot with PTB's rate limiter",
    }
    for subject in subjects:
        print(f"  {notes[subject.name]:<40} {subject.rate:8.1f} questions/s")
    ratio = bot.rate / echo.rate
    print(f"ratio full/echo: {ratio:.2f}  (budget >= 0.7)  {'OK' if ratio >= 0.7 else 'OVER'}")
    print(f"ratio full (concurrent)/echo: {concurrent.rate / echo.rate:.2f}")
    print(
        f"resident memory of the bot after {bot.answered + users} questions: {memory:.1f} MB  "
        f"(budget <= 150 MB)  {'OK' if memory <= 150 else 'OVER'}"
    )
    errors = {s.name: dict(s.emulator.stats.errors) for s in subjects if s.emulator.stats.errors}
    if errors:
        print(f"emulator errors: {errors}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--serve", choices=["echo", "bot", "bot-core"], help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.token, args.base_url, args.database_url)
        return 0
    return asyncio.run(main_async(args.questions, args.users, args.rounds))


if __name__ == "__main__":
    raise SystemExit(main())
