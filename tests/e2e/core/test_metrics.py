"""An operator scrapes /metrics and /healthz while people use the bot: the counters move."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request

from tests.harness import BotHarness, free_port


async def scrape(port: int, path: str) -> tuple[int, str]:
    """GET from another thread, as Prometheus would (the bot serves in this event loop)."""
    return await asyncio.to_thread(_get, port, path)


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:  # 503 still has a body
        return exc.code, exc.read().decode()


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if wanted else "") + r" (\S+)"
    found = re.search(r"^" + pattern + r"$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def test_counters_move_as_people_use_the_bot() -> None:
    port = free_port()
    async with BotHarness.start(settings={"metrics_port": port}) as bot:
        status, health = await scrape(port, "/healthz")
        assert status == 200 and json.loads(health)["status"] == "ok"
        _, before = await scrape(port, "/metrics")

        lan = bot.chat()
        await lan.send("ai chu tri ra soat luat hoat dong chu thap do")
        await lan.reply()
        await lan.send("thoi tiet ha noi hom nay the nao")  # out of scope: refused
        await lan.reply()
        await lan.send("/help")
        await lan.reply()
        await lan.send("/khonglenhnao")
        await lan.reply()

        _, after = await scrape(port, "/metrics")

        def moved(**labels: str) -> float:
            name = "kl44_updates_total"
            return sample(after, name, **labels) - sample(before, name, **labels)

        assert moved(handler="text") == 2
        assert moved(handler="/help") == 1
        assert moved(handler="command") == 1  # an unknown command makes no series of its own
        assert "khonglenhnao" not in after
        assert sample(after, "kl44_update_seconds_count", handler="text") >= 2
        assert sample(after, "kl44_answers_total", outcome="answered") >= 1
        assert sample(after, "kl44_answers_total", outcome="refused") >= 1
        for name in ("kl44_outbox_depth", "kl44_replica_active", "kl44_errors_total"):
            assert re.search(rf"^{name} ", after, re.MULTILINE), name
