"""Figures for the admins' weekly digest: questions asked, share answered, top unanswered.

The scheduler calls :func:`admin_figures` and renders the result; nothing here sends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import VN_TZ
from bot.curation.grouping import group_items
from bot.curation.ratings import rating_totals
from bot.curation.review import open_items
from bot.db.models_curation import DailyQuestionCount

TOP_UNANSWERED = 5


@dataclass(frozen=True)
class TopQuestion:
    text: str
    count: int  # how many times it (or a near-identical phrasing) was asked
    rated_down: int


@dataclass(frozen=True)
class CurationFigures:
    start: dt.date  # first local day counted
    end: dt.date  # last local day counted (inclusive)
    asked: int
    answered: int
    thumbs_up: int
    thumbs_down: int
    top_unanswered: list[TopQuestion] = field(default_factory=list)

    @property
    def share_answered(self) -> float | None:
        """answered / asked, or None when nothing was asked."""
        return self.answered / self.asked if self.asked else None


async def admin_figures(
    session: AsyncSession,
    *,
    now: dt.datetime,
    days: int = 7,
    top: int = TOP_UNANSWERED,
) -> CurationFigures:
    """The last ``days`` local days up to and including today (Asia/Ho_Chi_Minh)."""
    end = now.astimezone(VN_TZ).date()
    start = end - dt.timedelta(days=days - 1)
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(DailyQuestionCount.asked), 0),
                func.coalesce(func.sum(DailyQuestionCount.answered), 0),
            ).where(DailyQuestionCount.day >= start, DailyQuestionCount.day <= end)
        )
    ).one()
    since = dt.datetime.combine(start, dt.time(), VN_TZ)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), VN_TZ)
    up, down = await rating_totals(session, since, until)
    groups = group_items(await open_items(session, since, until))[:top]
    return CurationFigures(
        start=start,
        end=end,
        asked=int(row[0]),
        answered=int(row[1]),
        thumbs_up=up,
        thumbs_down=down,
        top_unanswered=[TopQuestion(g.text, g.count, g.rated_down) for g in groups],
    )


def figures_text(figures: CurationFigures, lang: str) -> str:
    """The admins' digest section as HTML, in ``lang`` (numbers and dates through Babel)."""
    from babel.numbers import format_percent

    from bot.i18n import format_date, format_number, t, tn

    period = t(
        lang,
        "<b>Questions to the bot</b>, {start} – {end}",
        start=format_date(figures.start, lang, "short"),
        end=format_date(figures.end, lang, "short"),
    )
    if not figures.asked:
        lines = [period, t(lang, "No questions were asked.")]
    else:
        share = format_percent(figures.share_answered or 0.0, locale=lang)
        lines = [
            period,
            tn(
                lang,
                "{n} question asked, {share} answered outright.",
                "{n} questions asked, {share} answered outright.",
                figures.asked,
                share=share,
            ),
        ]
    if figures.thumbs_up or figures.thumbs_down:
        lines.append(
            f"👍 {format_number(figures.thumbs_up, lang)} · "
            f"👎 {format_number(figures.thumbs_down, lang)}"
        )
    if figures.top_unanswered:
        lines.append(t(lang, "Most asked without a good answer (see /chuatraloi):"))
        for q in figures.top_unanswered:
            lines.append(
                tn(lang, "• «{text}» — {n} time", "• «{text}» — {n} times", q.count, text=q.text)
            )
    return "\n".join(lines)
