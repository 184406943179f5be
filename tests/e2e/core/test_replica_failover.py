"""Crashes lose nothing. Two bot processes on one PostgreSQL: one answers, the other
stands by; ``kill -9`` of the active one mid-conversation: the standby takes over within
15 seconds, the volunteer goes on at the same step with what they typed kept, no update
is lost and none is answered twice; a language chosen on the dead replica holds on the
new one. And one process on SQLite killed right after answering a step (before the
once-a-second save): the restarted bot takes that step again, nothing typed is lost."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import SYSTEM_CLOCK
from bot.db.engine import read_session
from bot.db.migrate import open_database
from bot.db.models_volunteers import VolunteerRegistration
from emulator import ChatHandle, Emulator
from tests.db.volunteers.helpers import open_edition, seed_agencies
from tests.e2e.volunteers.test_volunteers import open_form
from tests.harness import free_port

ROOT = Path(__file__).resolve().parents[3]
FAILOVER_BUDGET = 15.0


class Replica:
    def __init__(self, name: str, process: asyncio.subprocess.Process, port: int) -> None:
        self.name = name
        self.process = process
        self.port = port
        self.lines: list[str] = []
        self.active = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.lines.append(line)
            if "this replica is now active" in line:
                self.active.set()

    async def role(self) -> str:
        """What the replica's /healthz says it is (active, standby)."""

        def get() -> str:
            url = f"http://127.0.0.1:{self.port}/healthz"
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(json.loads(response.read())["role"])

        return await asyncio.to_thread(get)

    async def role_is(self, role: str) -> bool:
        try:
            return await self.role() == role
        except OSError:  # not listening yet
            return False

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self._reader


async def start_replica(emulator: Emulator, url: str, name: str) -> Replica:
    """``python -m bot run`` as the systemd unit or the container would start it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_BASE_URL=emulator.base_url,
        DATABASE_URL=url,
        METRICS_PORT=str(port),
        SCHEDULER_ENABLED="false",
        LOG_LEVEL="INFO",
    )
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "run"),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    return Replica(name, process, port)


@asynccontextmanager
async def replicas(emulator: Emulator, url: str, count: int = 2) -> AsyncIterator[list[Replica]]:
    started: list[Replica] = []
    try:
        for i in range(count):
            started.append(await start_replica(emulator, url, f"replica-{i}"))
            if i == 0:  # the first one becomes active before the second starts
                await asyncio.wait_for(started[0].active.wait(), timeout=60)
        yield started
    finally:
        for replica in started:
            await replica.stop()


async def seed(url: str) -> None:
    db = await open_database(url)
    try:
        await seed_agencies(db.session_factory, SYSTEM_CLOCK.now())
        await open_edition(db.session_factory, SYSTEM_CLOCK.now())
    finally:
        await db.dispose()


async def until(
    condition: Callable[[], Awaitable[bool]] | Callable[[], bool], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError


async def no_more_replies(chat: ChatHandle, seconds: float = 3.0) -> None:
    with pytest.raises(TimeoutError):
        await chat.reply(timeout=seconds)


async def test_kill_the_active_replica_mid_conversation(postgres_url_factory) -> None:
    url = await postgres_url_factory()
    await seed(url)
    emulator = await Emulator().start()
    try:
        async with replicas(emulator, url) as (first, second):
            await emulator.wait_polling(timeout=30)
            assert not second.active.is_set()  # the second one stands by
            await until(lambda: bool(second.lines), 30)
            assert await first.role() == "active"
            await until(lambda: second.role_is("standby"), 30)

            tom = emulator.private_chat(None, "Tom")
            await tom.send("/lang en")
            assert (await tom.reply(timeout=20)).text == "From now on I will answer in English."

            lan = emulator.private_chat(None, "Lan")
            await open_form(lan)
            await lan.send("Nguyễn Thị Lan")
            assert "Bước 2/6" in (await lan.reply(timeout=20)).text
            await lan.send("0912 345 678")
            assert "Bước 3/6" in (await lan.reply(timeout=20)).text
            await asyncio.sleep(1.5)  # the step's state is saved once a second

            first.kill()
            killed_at = time.monotonic()
            await lan.send("Phường Tân Phong")  # typed while nobody is active
            assert "Bước 4/6" in (await lan.reply(timeout=FAILOVER_BUDGET + 10)).text
            failover = time.monotonic() - killed_at
            assert second.active.is_set() and await second.role() == "active"
            assert failover < FAILOVER_BUDGET, f"failover took {failover:.1f} s"
            print(f"\nfailover: first reply from the standby {failover:.1f} s after kill -9")

            await lan.send("Thành phố Lai Châu")
            assert "Bước 5/6" in (await lan.reply(timeout=20)).text
            await tom.send("/help")
            assert (await tom.reply(timeout=20)).text.startswith("How to use the bot")
            await no_more_replies(lan)  # nothing answered twice
            await no_more_replies(tom, 0.5)
            assert not any("Traceback" in line for line in second.lines)
    finally:
        await emulator.stop()


async def test_a_crash_right_after_a_step_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kl44.db'}"
    await seed(url)
    emulator = await Emulator().start()
    try:
        async with replicas(emulator, url, count=1) as (first,):
            await emulator.wait_polling(timeout=30)
            lan = emulator.private_chat(None, "Lan")
            await open_form(lan)
            await lan.send("Nguyễn Thị Lan")
            assert "Bước 2/6" in (await lan.reply(timeout=20)).text
            await lan.send("0912 345 678")
            assert "Bước 3/6" in (await lan.reply(timeout=20)).text
            first.kill()  # at once: the step's state is not saved yet
        async with replicas(emulator, url, count=1):
            # the unsaved step is taken again (its prompt may come twice), then on
            await lan.send("Phường Tân Phong")
            assert "Bước 4/6" in (await lan.reply_containing("Bước 4/6", timeout=30)).text
            await lan.send("Thành phố Lai Châu, tỉnh Lai Châu")
            assert "Bước 5/6" in (await lan.reply(timeout=20)).text
            await lan.press("Xong")
            await lan.edit(timeout=20)
            await lan.reply(timeout=20)
            await lan.press("Tôi đồng ý")
            await lan.edit(timeout=20)
            await lan.reply(timeout=20)  # the summary
            await lan.press("Xác nhận")
            assert "đăng ký thành công" in (await lan.edit(timeout=20)).text
        db = await open_database(url, upgrade=False)
        try:
            async with read_session(db.session_factory) as session:
                rows = list(await session.scalars(select(VolunteerRegistration)))
        finally:
            await db.dispose()
        assert len(rows) == 1
        assert rows[0].phone is not None and rows[0].phone.endswith("912345678")
        assert rows[0].commune == "Phường Tân Phong"
    finally:
        await emulator.stop()
