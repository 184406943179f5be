"""Several replicas: one links a phrasing, the others pick it up on their next refresh."""

from __future__ import annotations

from bot.context import Services
from bot.curation.live import build_engine
from bot.db.engine import Database, write_session
from bot.db.models_curation import Phrasing
from bot.settings import Settings
from knowledge.engine import ANSWER_THRESHOLD

QUESTION = "ai lam app hien mau"


async def test_a_replica_rebuilds_only_when_phrasings_changed(
    database: Database, kb, clock
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    replica = Services(settings=settings, engine=build_engine(kb, {}), kb=kb, clock=clock)
    replica.db = database
    assert await replica.curation.rebuild_engine() == 0
    assert replica.engine.answer(QUESTION).refused
    lexicon = replica.engine.lexicon
    assert not await replica.curation.refresh_if_changed()

    target = "kh_lai_chau_iii_4_2"
    async with write_session(database.session_factory) as session:  # "another replica"
        session.add(
            Phrasing(
                task_id=target,
                text=QUESTION,
                normalized=QUESTION,
                created_at=clock.now(),
                created_by=1,
            )
        )
    running = replica.engine
    assert await replica.curation.refresh_if_changed()
    assert replica.engine is not running and replica.engine.lexicon is lexicon
    answer = replica.engine.answer(QUESTION)
    assert not answer.refused and answer.confidence >= ANSWER_THRESHOLD
    assert answer.tasks == [target]
    assert not await replica.curation.refresh_if_changed()
