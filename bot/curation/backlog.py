"""Questions waiting to be logged for the curators, written in batches off the answer path.

Counting every question (and storing the unanswered ones) must not make the answer
wait for a database write: the question path only queues it here, and a background
flush writes everything queued in one transaction. Readers of the log (the curators'
list, ratings) flush first, so they always see every question asked before them. The
user id stays in memory only until the flush turns it into a pseudonym.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import VN_TZ
from bot.curation.pseudonym import pseudonymize
from bot.curation.questions import add_counts, kind_of, store_question
from bot.db.engine import Database, write_session
from knowledge.answer import Answer

KeyFor = Callable[[AsyncSession], Awaitable[bytes]]


#: at most this many questions wait in memory; beyond it the oldest are dropped
MAX_QUEUED = 10_000


@dataclass(frozen=True)
class Asked:
    at: dt.datetime
    user_id: int
    text: str
    answer: Answer


#: the candidate tasks (id, score) of an unanswered question, ranked at flush time
RankFor = Callable[[Asked], list[tuple[str, float]]]


class QuestionBacklog:
    def __init__(self) -> None:
        self._queued: list[Asked] = []
        self._lock = asyncio.Lock()
        #: a background flush is on its way (set and cleared by the one who schedules it)
        self.flush_scheduled = False

    def __len__(self) -> int:
        return len(self._queued)

    def add(self, item: Asked) -> None:
        self._queued.append(item)
        if len(self._queued) > MAX_QUEUED:
            del self._queued[: len(self._queued) - MAX_QUEUED]

    async def flush(self, db: Database, key_for: KeyFor, rank: RankFor) -> int:
        """Write every queued question in one transaction; the number written.
        ``rank`` gives an unanswered question's candidate tasks (off the answer path)."""
        async with self._lock:
            batch, self._queued = self._queued, []
            if not batch:
                return 0
            try:
                async with write_session(db.session_factory) as session:
                    counts: Counter[tuple[dt.date, bool]] = Counter()
                    key = await key_for(session)
                    for item in batch:
                        kind = kind_of(item.answer)
                        counts[item.at.astimezone(VN_TZ).date(), kind is None] += 1
                        if kind is not None:
                            await store_question(
                                session,
                                at=item.at,
                                pseudonym=pseudonymize(key, item.user_id),
                                text=item.text,
                                lang=item.answer.lang,
                                kind=kind,
                                confidence=item.answer.confidence,
                                candidates=rank(item),
                            )
                    for day in sorted({day for day, _ in counts}):
                        answered = counts[day, True]
                        await add_counts(session, day, answered + counts[day, False], answered)
            except BaseException:
                self._queued[:0] = batch  # try again with the next flush
                raise
            return len(batch)
