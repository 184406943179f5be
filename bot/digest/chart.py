"""A PNG bar chart of task status per group (agency, or agency level for big scopes).

matplotlib (Agg backend, no display) because it is the well-kept standard and ships
the DejaVu fonts that cover Vietnamese diacritics. The bot draws through
``ChartRenderer``, in a helper process, so matplotlib never adds to its own memory.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing as mp
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

from bot.i18n import N_, tb

STATUS_LABELS = {
    "done": N_("Chart legend: done"),
    "in_progress": N_("Chart legend: in progress"),
    "not_started": N_("Chart legend: not started"),
    "blocked": N_("Chart legend: blocked"),
    "overdue": N_("Chart legend: overdue"),
}
STATUS_COLORS = {
    "done": "#2e7d32",
    "in_progress": "#1976d2",
    "not_started": "#9e9e9e",
    "blocked": "#f9a825",
    "overdue": "#c62828",
}
MAX_GROUPS = 15


def status_chart(lang: str, by_group: dict[str, Counter[str]], title: str) -> bytes:
    """Horizontal stacked bars, one per group (the largest ``MAX_GROUPS``)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    groups = sorted(by_group, key=lambda g: (-sum(by_group[g].values()), g))[:MAX_GROUPS]
    groups.reverse()  # largest on top
    height = 1.2 + 0.38 * max(1, len(groups))
    fig = Figure(figsize=(7.5, height), dpi=100)
    ax = fig.add_subplot()
    left = [0] * len(groups)
    for status in ("done", "in_progress", "not_started", "blocked", "overdue"):
        values = [by_group[g].get(status, 0) for g in groups]
        if not any(values):
            continue
        ax.barh(
            [_short(g) for g in groups],
            values,
            left=left,
            color=STATUS_COLORS[status],
            label=tb(lang, STATUS_LABELS[status]),
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_title(title, fontsize=11)
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(name: str, limit: int = 32) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


class ChartRenderer:
    """Draws charts in a helper process, so matplotlib never enters the bot's memory.

    matplotlib and numpy add about 50 MB to a process that imports them; the bot must
    stay under its memory budget, so charts are drawn by one worker process (started
    by ``forkserver``: a clean interpreter, not a copy of the bot) that lives while
    charts are being asked for and exits after ``idle_seconds`` without work.
    """

    def __init__(self, idle_seconds: float = 300.0, in_process: bool = False) -> None:
        self.idle_seconds = idle_seconds
        self.in_process = in_process
        self._pool: ProcessPoolExecutor | None = None
        self._idle: asyncio.TimerHandle | None = None

    async def render(self, lang: str, by_group: dict[str, Counter[str]], title: str) -> bytes:
        if self.in_process:
            return await asyncio.to_thread(status_chart, lang, by_group, title)
        loop = asyncio.get_running_loop()
        if self._idle is not None:
            self._idle.cancel()
        if self._pool is None:
            method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context(method))
        try:
            plain = {group: dict(counts) for group, counts in by_group.items()}
            return await loop.run_in_executor(self._pool, _render_plain, lang, plain, title)
        finally:
            self._idle = loop.call_later(self.idle_seconds, self.close)

    def close(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _render_plain(lang: str, by_group: dict[str, dict[str, int]], title: str) -> bytes:
    return status_chart(lang, {g: Counter(c) for g, c in by_group.items()}, title)
