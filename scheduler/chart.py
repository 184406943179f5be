"""A PNG bar chart of task status per group (agency, or agency level for big scopes).

matplotlib (Agg backend, no display) because it is the well-kept standard and ships
the DejaVu fonts that cover Vietnamese diacritics; it is imported only when a chart
is drawn, so a bot that never sends a digest never loads it.
"""

from __future__ import annotations

import io
from collections import Counter

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
