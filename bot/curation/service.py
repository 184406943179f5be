"""The curation loop as one service: what the chat handlers call, with no Telegram in it.

- the question path queues every question (:meth:`CurationService.queue`); a background
  flush writes them in batches (:meth:`flush`), pseudonymised;
- 👍/👎 under an answer (:meth:`rate`);
- curators list the unanswered questions, see a group's candidate tasks, link a group
  to a task (the engine is rebuilt with the new phrasing) or dismiss it;
- admins reload the knowledge base from its files (validated aside, then swapped);
- replicas pick up each other's links (:meth:`refresh_if_changed`);
- personal data: a person's logged questions and ratings, exported or erased.

One instance per running bot (``Services.curation``) holds the runtime state: the
lock that serialises engine swaps, the pseudonym key, the queue and the phrasing mark.
Permissions are checked inside the transaction of the read or write they guard.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.clock import Clock
from bot.curation.access import may_curate
from bot.curation.backlog import Asked, QuestionBacklog
from bot.curation.candidates import candidates_for
from bot.curation.grouping import Group
from bot.curation.live import build_engine, load_validated
from bot.curation.privacy import erase_user, export_user
from bot.curation.pseudonym import pseudonym_key, pseudonymize
from bot.curation.questions import is_answered
from bot.curation.ratings import DOWN, RatedQuestion, rate_answer
from bot.curation.review import (
    Outcome,
    Result,
    dismiss_group,
    find_group,
    link_group,
    load_phrasings,
    phrasings_mark,
    unanswered_groups,
)
from bot.db.engine import Database, read_session, write_session
from bot.settings import Settings
from knowledge.answer import Answer
from knowledge.base import KnowledgeBase
from knowledge.engine import Engine
from knowledge.lexicon import Lexicon
from knowledge.loader import KnowledgeError

log = logging.getLogger(__name__)

LIST_LIMIT = 10  # groups shown by /chuatraloi
SHOWN_CANDIDATES = 5  # candidate tasks offered per group
ALLOWED_CANDIDATES = 8  # accepted on press (a little slack if the ranking moved)
#: seconds a queued question waits for others to share its write (readers flush at once)
FLUSH_DELAY = 1.0


class Host(Protocol):
    """What the service runs against (``Services``): the knowledge base and engine it
    swaps, and the database opened at start-up."""

    kb: KnowledgeBase
    engine: Engine

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def db(self) -> Any: ...


class NoDatabase(Exception):
    """The curation tools need the database, and it is not open."""


class NotCurator(Exception):
    """Only admins and coordinators curate."""


class NotAdmin(Exception):
    """Only admins reload the knowledge base."""


class Rated(StrEnum):
    fresh = "fresh"
    again = "again"  # this person already rated this answer
    failed = "failed"  # the database refused; nothing was recorded


@dataclass(frozen=True)
class ReloadReport:
    documents: int
    tasks: int
    agencies: int
    phrasings: int


class CurationService:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.lock = asyncio.Lock()  # engine swaps: reload, link, refresh
        self.backlog = QuestionBacklog()
        self.mark: tuple[int, int] | None = None  # (count, max id) of the engine's phrasings
        self._key: bytes | None = None

    # -- plumbing ---------------------------------------------------------------------

    @property
    def db(self) -> Database | None:
        db = self.host.db
        return db if isinstance(db, Database) else None

    def _require_db(self) -> Database:
        db = self.db
        if db is None:
            raise NoDatabase
        return db

    def knowledge_dir(self) -> Path | None:
        configured = self.host.settings.knowledge_dir
        return Path(configured) if configured else None

    async def _pseudonym_key(self, session: AsyncSession) -> bytes:
        """The pseudonym key, read once per running bot (it never changes)."""
        if self._key is None:
            secret = self.host.settings.pseudonym_secret
            self._key = await pseudonym_key(
                session, self.host.clock.now(), secret.get_secret_value() if secret else None
            )
        return self._key

    def _swap(self, kb: KnowledgeBase, engine: Engine) -> None:
        """Put a new knowledge base and engine in service at once (no await in between)."""
        self.host.kb, self.host.engine = kb, engine

    async def _may_curate(self, session: AsyncSession, user_id: int) -> bool:
        return await may_curate(session, self.host.settings.admin_user_ids, user_id)

    # -- the question path ------------------------------------------------------------

    def queue(self, user_id: int, question: str, answer: Answer) -> bool:
        """Queue a question for the log; True when the caller must schedule :meth:`flush_soon`
        (no flush is on its way yet)."""
        self.backlog.add(Asked(self.host.clock.now(), user_id, question, answer))
        if self.backlog.flush_scheduled:
            return False
        self.backlog.flush_scheduled = True
        return True

    @staticmethod
    def remembered(question: str, answer: Answer) -> RatedQuestion | None:
        """What to remember under an answer's rating buttons for a later 👎 (an answer
        already below the threshold is in the curators' list; its 👎 only counts)."""
        if not is_answered(answer):
            return None
        return RatedQuestion(question, answer.lang, answer.confidence, ())

    async def flush(self) -> None:
        """Write the queued questions (never raises: it runs in the background, and a
        failed batch stays queued for the next flush)."""
        db = self.db
        if db is None:
            return
        try:
            await self.backlog.flush(
                db,
                self._pseudonym_key,
                lambda asked: candidates_for(self.host.engine, asked.text, asked.answer),
            )
        except Exception as exc:  # no traceback: its SQL parameters hold question texts
            log.error("could not log questions for curation: %s", type(exc).__name__)

    async def flush_soon(self) -> None:
        """One background flush per :data:`FLUSH_DELAY`: questions asked meanwhile share it."""
        try:
            await asyncio.sleep(FLUSH_DELAY)
        finally:
            self.backlog.flush_scheduled = False
            await self.flush()

    # -- 👍 / 👎 -----------------------------------------------------------------------

    async def rate(
        self,
        user_id: int,
        *,
        token: str,
        task_id: str | None,
        rating: int,
        remembered: RatedQuestion | None,
    ) -> Rated:
        """Record a rating; a 👎 on a remembered answer puts its question in the list."""
        db = self._require_db()
        question = None
        if rating == DOWN and remembered is not None:
            found = candidates_for(self.host.engine, remembered.text)
            question = RatedQuestion(
                remembered.text, remembered.lang, remembered.confidence, tuple(found)
            )
        now = self.host.clock.now()
        await self.flush()  # the rated question is counted before its rating
        try:
            async with write_session(db.session_factory) as session:
                key = await self._pseudonym_key(session)
                fresh = await rate_answer(
                    session,
                    at=now,
                    pseudonym=pseudonymize(key, user_id),
                    token=token,
                    task_id=task_id,
                    rating=rating,
                    question=question,
                )
        except SQLAlchemyError as exc:  # no traceback: its SQL parameters hold the question
            log.error("could not record a rating: %s", type(exc).__name__)
            return Rated.failed
        return Rated.fresh if fresh else Rated.again

    # -- curators ---------------------------------------------------------------------

    async def unanswered(self, user_id: int) -> list[Group]:
        """The most frequent unanswered questions of the last 30 days, grouped."""
        db = self._require_db()
        await self.flush()  # the questions asked just before count too
        async with read_session(db.session_factory) as session:
            if not await self._may_curate(session, user_id):
                raise NotCurator
            return await unanswered_groups(session, self.host.clock.now(), limit=LIST_LIMIT)

    def allowed_candidates(self, group: Group) -> list[str]:
        """The tasks a group may be linked to: what the engine proposed when the questions
        were asked, then what the running engine proposes now; only tasks the base has."""
        kb = self.host.kb
        ordered = [t for t in group.candidates() if t in kb.tasks]
        for task, _ in candidates_for(self.host.engine, group.text):
            if task not in ordered:
                ordered.append(task)
        return ordered[:ALLOWED_CANDIDATES]

    async def candidates(self, user_id: int, question_id: int) -> tuple[Group, list[str]] | None:
        """The group holding ``question_id`` and the tasks offered for it; None when it
        has been handled meanwhile."""
        db = self._require_db()
        async with read_session(db.session_factory) as session:
            if not await self._may_curate(session, user_id):
                raise NotCurator
            group = await find_group(session, self.host.clock.now(), question_id)
        if group is None:
            return None
        return group, self.allowed_candidates(group)[:SHOWN_CANDIDATES]

    async def link(self, user_id: int, question_id: int, task_id: str | None) -> Result:
        """Link the group to one of its candidate tasks; the engine learns the phrasings."""
        db = self._require_db()
        async with self.lock:
            now = self.host.clock.now()
            async with write_session(db.session_factory) as session:
                if not await self._may_curate(session, user_id):
                    raise NotCurator
                group = await find_group(session, now, question_id)
                allowed = set(self.allowed_candidates(group)) if group else set()
                result = await link_group(
                    session,
                    question_id=question_id,
                    task_id=task_id or "",
                    allowed_tasks=allowed,
                    actor=user_id,
                    now=now,
                )
            if result.outcome is Outcome.done:
                await self._rebuild()
        return result

    async def dismiss(self, user_id: int, question_id: int) -> Result:
        db = self._require_db()
        async with write_session(db.session_factory) as session:
            if not await self._may_curate(session, user_id):
                raise NotCurator
            return await dismiss_group(
                session, question_id=question_id, actor=user_id, now=self.host.clock.now()
            )

    def task_label(self, task_id: str) -> str:
        """'<document short name> <ref>: <title>' of a task of the running base."""
        kb = self.host.kb
        task = kb.tasks[task_id]
        doc = kb.documents[task.document]
        name = doc.short_names[0] if doc.short_names else doc.label
        return f"{name} {task.ref}: {task.title}"

    # -- the engine and the knowledge base --------------------------------------------

    async def _phrasings(self, kb: KnowledgeBase) -> dict[str, list[str]]:
        """The curated phrasings of ``kb``'s tasks; records the mark they were read at."""
        self.mark = None
        db = self.db
        if db is None:
            return {}
        async with read_session(db.session_factory) as session:
            self.mark = await phrasings_mark(session)
            return await load_phrasings(session, set(kb.tasks))

    async def _rebuild(
        self, kb: KnowledgeBase | None = None, lexicon: Lexicon | None = None
    ) -> int:
        kb = kb or self.host.kb
        phrasings = await self._phrasings(kb)
        lexicon = lexicon or self.host.engine.lexicon  # keep a reloaded lexicon
        engine = await asyncio.to_thread(build_engine, kb, phrasings, lexicon)
        self._swap(kb, engine)
        return sum(len(v) for v in phrasings.values())

    async def rebuild_engine(
        self, kb: KnowledgeBase | None = None, lexicon: Lexicon | None = None
    ) -> int:
        """Rebuild the engine over ``kb`` (default: the running one) with the phrasings in
        the database, then swap it in. Returns the number of phrasings applied."""
        async with self.lock:
            return await self._rebuild(kb, lexicon)

    async def refresh_if_changed(self) -> bool:
        """Rebuild when another replica linked a phrasing since this one last looked."""
        db = self.db
        if db is None:
            return False
        async with self.lock:
            async with read_session(db.session_factory) as session:
                mark = await phrasings_mark(session)
            if mark == self.mark:
                return False
            await self._rebuild()
            return True

    async def reload_knowledge(self) -> ReloadReport:
        """Load the files aside, validate them, then swap; raises KnowledgeError and leaves
        the running base untouched when anything is wrong."""
        async with self.lock:
            loaded = await asyncio.to_thread(load_validated, self.knowledge_dir())
            phrasings = await self._phrasings(loaded.kb)
            engine = await asyncio.to_thread(build_engine, loaded.kb, phrasings, loaded.lexicon)
            await self.sync_database(loaded.kb)  # the DB's tasks and agencies follow the files
            self._swap(loaded.kb, engine)
        kb = loaded.kb
        return ReloadReport(
            len(kb.documents),
            len(kb.tasks),
            len(kb.agencies),
            sum(len(v) for v in phrasings.values()),
        )

    async def reload_as(self, actor_id: int) -> ReloadReport:
        """/taiknowledge: admins only; the reload and its refusal are audited."""
        if not self.host.settings.is_admin(actor_id):
            raise NotAdmin
        try:
            report = await self.reload_knowledge()
        except KnowledgeError as exc:
            log.warning("knowledge reload refused: %d problem(s)", len(exc.problems))
            await self._audit(actor_id, "knowledge.reload_refused", problems=len(exc.problems))
            raise
        await self._audit(actor_id, "knowledge.reload", tasks=report.tasks)
        return report

    async def sync_database(self, kb: KnowledgeBase) -> None:
        """Make the database's agencies and tasks match ``kb`` (idempotent; archives, never
        deletes), so progress, reminders and digests see what the bot answers from."""
        db = self.db
        if db is None:
            return
        from bot.db.sync import sync_knowledge

        report = await sync_knowledge(db.session_factory, kb, clock=self.host.clock)
        if report.changed:
            log.info("knowledge base synced: %s", report.summary())

    async def _audit(self, actor: int, action: str, **details: object) -> None:
        db = self.db
        if db is None:
            return
        try:
            async with write_session(db.session_factory) as session:
                await audit.record(
                    session,
                    self.host.clock,
                    actor_id=actor,
                    action=action,
                    object_type="knowledge",
                    object_id="-",
                    **details,
                )
        except Exception:
            log.exception("could not audit %s", action)

    async def start(self) -> None:
        """At start-up: serve the configured knowledge base with the curators' phrasings."""
        directory = self.knowledge_dir()
        loaded = None
        if directory is not None:
            try:
                loaded = await asyncio.to_thread(load_validated, directory)
            except KnowledgeError as exc:
                log.error(
                    "KNOWLEDGE_DIR %s is not valid (%d problem(s)); serving the packaged base",
                    directory,
                    len(exc.problems),
                )
        db = self.db
        try:
            if loaded is None:
                mark = None
                if db is not None:
                    async with read_session(db.session_factory) as session:
                        mark = await phrasings_mark(session)
                if mark is None or mark == (0, 0):  # nothing to add: keep the engine as built
                    self.mark = mark
                    return
            else:
                await self.sync_database(loaded.kb)
            applied = await self.rebuild_engine(
                loaded.kb if loaded else None, loaded.lexicon if loaded else None
            )
        except Exception as exc:
            log.error("could not apply the curated phrasings at start-up: %s", type(exc).__name__)
            return
        log.info("curation: %d curated phrasing(s) applied", applied)

    # -- personal data ----------------------------------------------------------------

    async def export_questions_of(self, user_id: int) -> dict[str, object]:
        """The person's logged questions and ratings (for the personal-data export)."""
        db = self.db
        if db is None:
            return {}
        await self.flush()
        # A write session: the first pseudonym key of an install is created (and must stay).
        async with write_session(db.session_factory) as session:
            return await export_user(session, await self._pseudonym_key(session), user_id)

    async def erase_questions_of(self, user_id: int) -> int:
        """Delete the person's logged questions and ratings (for the personal-data erasure)."""
        db = self.db
        if db is None:
            return 0
        await self.flush()
        async with write_session(db.session_factory) as session:
            return await erase_user(session, await self._pseudonym_key(session), user_id)
