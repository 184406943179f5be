"""The curation loop in chat: /chuatraloi, link/dismiss buttons, 👍/👎 under answers,
/taiknowledge; plus the hook the question path calls to log what went unanswered.

Callback data (≤ 64 bytes; ``<id>`` a logged question's id, ``<task>`` ``callbacks.ref``):

- ``cq:k:<id>``          show the candidate tasks of the group holding question ``id``
- ``cq:l:<id>:<task>``   link that group to ``task`` (re-verified against the candidates)
- ``cq:x:<id>``          dismiss that group
- ``cq:c``               cancel the choice
- ``cr:<u|d>:<token>:<task or ->``  👍/👎 under an answer

Permissions are checked on every press, inside the write's own transaction.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.curation.access import may_curate
from bot.curation.backlog import Asked, QuestionBacklog
from bot.curation.candidates import candidates_for
from bot.curation.grouping import Group
from bot.curation.live import build_engine, load_validated
from bot.curation.privacy import erase_user, export_user
from bot.curation.pseudonym import pseudonym_key, pseudonymize
from bot.curation.questions import is_answered
from bot.curation.ratings import DOWN, UP, RatedQuestion, rate_answer
from bot.curation.review import (
    Outcome,
    dismiss_group,
    find_group,
    link_group,
    load_phrasings,
    phrasings_mark,
    unanswered_groups,
)
from bot.db.engine import Database, read_session, write_session
from bot.db.models import AuditLog
from bot.i18n import t, tb, tn
from handlers import callbacks as cb
from handlers.context import Context, Services, edit_html, send_html, services, user_lang
from handlers.render import shorten
from knowledge.loader import KnowledgeError

if TYPE_CHECKING:
    from handlers.context import BotApplication
    from knowledge.answer import Answer
    from knowledge.base import KnowledgeBase
    from knowledge.engine import Engine
    from knowledge.lexicon import Lexicon

log = logging.getLogger(__name__)

LIST_LIMIT = 10  # groups shown by /chuatraloi
SHOWN_CANDIDATES = 5  # candidate tasks offered per group
ALLOWED_CANDIDATES = 8  # accepted on press (a little slack if the ranking moved)
MAX_PROBLEMS = 10  # problems listed when a reload is refused
# user_data: rating token -> RatedQuestion (what was asked, for a 👎). Memory only: the
# database persistence keeps JSON values only, so the question text is never stored next
# to the real user id; after a restart a 👎 still counts, without the question.
RATED_KEY = "curation_rated"
RATED_KEEP = 20
LOCK_KEY = "curation_lock"
KEY_KEY = "curation_pseudonym_key"
BACKLOG_KEY = "curation_backlog"
#: seconds a queued question waits for others to share its write (readers flush at once)
FLUSH_DELAY = 1.0
MARK_KEY = "curation_phrasings_mark"  # (count, max id) of the phrasings the engine has
REFRESH_SECONDS = 60  # how often a replica looks for phrasings linked elsewhere

_ID = r"(?:[a-z0-9_]{1,40}|~[a-z2-7]{10})"
_CQ = re.compile(rf"^cq:(?:(k|x):(\d{{1,18}})|(l):(\d{{1,18}}):({_ID})|(c))$")
_CR = re.compile(rf"^cr:([ud]):([A-Za-z0-9_-]{{8}}):({_ID}|-)$")


# -- helpers ------------------------------------------------------------------------------


def _db(context: Context) -> Database | None:
    db = services(context).db
    return db if isinstance(db, Database) else None


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def _lock(svc: Services) -> asyncio.Lock:
    lock = svc.extras.get(LOCK_KEY)
    if not isinstance(lock, asyncio.Lock):
        lock = svc.extras[LOCK_KEY] = asyncio.Lock()
    return lock


def _knowledge_dir(svc: Services) -> Path | None:
    configured = getattr(svc.settings, "knowledge_dir", None)
    return Path(configured) if configured else None


def swap(svc: Services, kb: KnowledgeBase, engine: Engine) -> None:
    """Put a new knowledge base and engine in service at once (no await in between)."""
    resolver = cb.Resolver(kb)
    svc.kb, svc.engine, svc.resolver = kb, engine, resolver


async def rebuild_engine(
    svc: Services, kb: KnowledgeBase | None = None, lexicon: Lexicon | None = None
) -> int:
    """Rebuild the engine over ``kb`` (default: the running one) with the phrasings in the
    database, then swap it in. Returns the number of phrasings applied. Callers that
    may race hold :func:`_lock`."""
    kb = kb or svc.kb
    phrasings: dict[str, list[str]] = {}
    mark = None
    db = svc.db if isinstance(svc.db, Database) else None
    if db is not None:
        async with read_session(db.session_factory) as session:
            mark = await phrasings_mark(session)
            phrasings = await load_phrasings(session, set(kb.tasks))
    lexicon = lexicon or getattr(svc.engine, "lexicon", None)  # keep a reloaded lexicon
    engine = await asyncio.to_thread(build_engine, kb, phrasings, lexicon)
    swap(svc, kb, engine)
    svc.extras[MARK_KEY] = mark
    return sum(len(v) for v in phrasings.values())


async def refresh_if_changed(svc: Services) -> bool:
    """Rebuild when another replica linked a phrasing since this one last looked."""
    db = svc.db if isinstance(svc.db, Database) else None
    if db is None:
        return False
    async with _lock(svc):
        async with read_session(db.session_factory) as session:
            mark = await phrasings_mark(session)
        if mark == svc.extras.get(MARK_KEY):
            return False
        await rebuild_engine(svc)
        return True


async def _refresh_job(context: Context) -> None:
    try:
        if await refresh_if_changed(services(context)):
            log.info("curation: phrasings changed elsewhere; engine rebuilt")
    except Exception as exc:
        log.error("curation: phrasing refresh failed: %s", type(exc).__name__)


async def _deny(update: Update, context: Context, text: str) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
    await send_html(update, context, text)


async def _pseudonym_key(svc: Services, session: AsyncSession) -> bytes:
    """The pseudonym key, read once per running bot (it never changes)."""
    key = svc.extras.get(KEY_KEY)
    if not isinstance(key, bytes):
        secret = svc.settings.pseudonym_secret
        key = await pseudonym_key(
            session, svc.clock.now(), secret.get_secret_value() if secret else None
        )
        svc.extras[KEY_KEY] = key
    return key


def _no_db_text(lang: str) -> str:
    return t(lang, "The curation tools need the database, which is not available right now.")


def _curators_only(lang: str) -> str:
    return t(lang, "Sorry, this is for administrators and coordinators only.")


def _quote(text: str, limit: int = 120) -> str:
    return shorten(text, limit)


# -- the hook in the question path ------------------------------------------------------------


def _remember(context: Context, token: str, question: RatedQuestion) -> None:
    if context.user_data is None:
        return
    rated = context.user_data.setdefault(RATED_KEY, {})
    rated[token] = question
    while len(rated) > RATED_KEEP:
        rated.pop(next(iter(rated)))


def rating_row(answer: Answer, token: str) -> list[InlineKeyboardButton]:
    task = cb.ref(answer.tasks[0]) if answer.tasks else "-"
    return [
        InlineKeyboardButton("👍", callback_data=f"cr:u:{token}:{task}"),
        InlineKeyboardButton("👎", callback_data=f"cr:d:{token}:{task}"),
    ]


def with_row(
    markup: InlineKeyboardMarkup | None, row: list[InlineKeyboardButton] | None
) -> InlineKeyboardMarkup | None:
    """``markup`` with one more row of buttons at the bottom."""
    if not row:
        return markup
    rows = [list(r) for r in markup.inline_keyboard] if markup else []
    return InlineKeyboardMarkup([*rows, row])


def _backlog(svc: Services) -> QuestionBacklog:
    backlog = svc.extras.get(BACKLOG_KEY)
    if not isinstance(backlog, QuestionBacklog):
        backlog = svc.extras[BACKLOG_KEY] = QuestionBacklog()
    return backlog


async def flush_backlog(svc: Services, db: Database) -> None:
    """Write the questions queued by the answer path (never raises: it runs in the
    background, and a failed batch stays queued for the next flush)."""
    try:
        await _backlog(svc).flush(
            db,
            lambda session: _pseudonym_key(svc, session),
            lambda asked: candidates_for(svc.engine, asked.text, asked.answer),
        )
    except Exception as exc:  # no traceback: its SQL parameters hold question texts
        log.error("could not log questions for curation: %s", type(exc).__name__)


async def export_questions_of(context: Context, user_id: int) -> dict[str, object]:
    """The person's logged questions and ratings (for the personal-data export)."""
    db = _db(context)
    if db is None:
        return {}
    svc = services(context)
    await flush_backlog(svc, db)
    # A write session: the first pseudonym key of an install is created (and must stay).
    async with write_session(db.session_factory) as session:
        return await export_user(session, await _pseudonym_key(svc, session), user_id)


async def erase_questions_of(context: Context, user_id: int) -> int:
    """Delete the person's logged questions and ratings (for the personal-data erasure)."""
    db = _db(context)
    if db is None:
        return 0
    svc = services(context)
    await flush_backlog(svc, db)
    async with write_session(db.session_factory) as session:
        return await erase_user(session, await _pseudonym_key(svc, session), user_id)


async def _flush_soon(svc: Services, db: Database) -> None:
    """One background flush per :data:`FLUSH_DELAY`: questions asked meanwhile share it."""
    try:
        await asyncio.sleep(FLUSH_DELAY)
    finally:
        _backlog(svc).flush_scheduled = False
        await flush_backlog(svc, db)


async def record_answer(
    update: Update, context: Context, question: str, answer: Answer
) -> list[InlineKeyboardButton] | None:
    """Count the question, store it if it went unanswered, and return the 👍/👎 row to put
    under the answer (None for refusals or without a database). Never raises: the answer
    must go out whatever happens here."""
    db = _db(context)
    user_id = _user_id(update)
    if db is None or user_id is None:
        return None
    svc = services(context)
    try:
        unanswered = not is_answered(answer)
        backlog = _backlog(svc)
        backlog.add(Asked(svc.clock.now(), user_id, question, answer))
        if not backlog.flush_scheduled:
            backlog.flush_scheduled = True
            context.application.create_task(_flush_soon(svc, db), update=update)
    except Exception as exc:  # best effort; never the question's text in a log line
        log.error("could not queue a question for curation: %s", type(exc).__name__)
        return None
    if answer.refused:
        return None
    token = secrets.token_urlsafe(6)
    # An answer already below the threshold is in the list; 👎 then only counts as a rating.
    if not unanswered:
        _remember(context, token, RatedQuestion(question, answer.lang, answer.confidence, ()))
    return rating_row(answer, token)


# -- 👍 / 👎 -------------------------------------------------------------------------------


def _without_rating(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    if markup is None:
        return None
    rows = [
        [b for b in row if not (b.callback_data or "").startswith("cr:")]
        for row in markup.inline_keyboard
    ]
    rows = [r for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


async def on_rating_button(update: Update, context: Context) -> None:
    from handlers.context import invalid_button

    query = update.callback_query
    m = _CR.match(query.data or "") if query else None
    db = _db(context)
    user_id = _user_id(update)
    if query is None or m is None or user_id is None:
        await invalid_button(update, context)
        return
    lang = user_lang(context)
    if db is None:
        await _deny(update, context, _no_db_text(lang))
        return
    svc = services(context)
    rating = UP if m.group(1) == "u" else DOWN
    token = m.group(2)
    task_id = svc.resolver.task(m.group(3)) if m.group(3) != "-" else None
    rated = (context.user_data or {}).get(RATED_KEY, {})
    remembered = rated.get(token) if isinstance(rated, dict) else None
    question = None
    if rating == DOWN and isinstance(remembered, RatedQuestion):
        found = candidates_for(svc.engine, remembered.text)
        question = RatedQuestion(
            remembered.text, remembered.lang, remembered.confidence, tuple(found)
        )
    now = svc.clock.now()
    await flush_backlog(svc, db)  # the rated question is counted before its rating
    try:
        async with write_session(db.session_factory) as session:
            key = await _pseudonym_key(svc, session)
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
        await query.answer(
            tb(lang, "Sorry, something went wrong on my side. Please try again in a moment.")
        )
        return
    if isinstance(rated, dict):
        rated.pop(token, None)
    if not fresh:
        await query.answer(tb(lang, "You have already rated this answer."))
        return
    await query.answer(tb(lang, "Thank you for your feedback!"))
    message = query.message
    if isinstance(message, Message):
        try:
            await query.edit_message_reply_markup(_without_rating(message.reply_markup))
        except BadRequest as exc:
            log.info("could not remove the rating buttons: %s", exc)
    if rating == DOWN:
        await send_html(
            update,
            context,
            t(
                lang,
                "Thank you. The curators will review this question so that the bot answers "
                "it better. You can also rephrase it or use /vanban to browse the documents.",
            ),
        )


# -- /chuatraloi ---------------------------------------------------------------------------


def _group_line(lang: str, index: int, group: Group) -> str:
    line = tn(
        lang,
        "{i}. «{text}» — asked once",
        "{i}. «{text}» — asked {n} times",
        group.count,
        i=index,
        text=_quote(group.text),
    )
    extras = []
    if len(group.variants) > 1:
        extras.append(tn(lang, "{n} phrasing", "{n} phrasings", len(group.variants)))
    if group.rated_down:
        extras.append(f"👎 {group.rated_down}")
    return f"{line} ({', '.join(extras)})" if extras else line


def list_keyboard(lang: str, groups: list[Group]) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(tb(lang, "🔗 Link {i}", i=i), callback_data=f"cq:k:{g.leader_id}"),
            InlineKeyboardButton(
                tb(lang, "✖ Dismiss {i}", i=i), callback_data=f"cq:x:{g.leader_id}"
            ),
        ]
        for i, g in enumerate(groups, start=1)
    ]
    return InlineKeyboardMarkup(rows)


async def cmd_unanswered(update: Update, context: Context) -> None:
    """/chuatraloi: the most frequent unanswered questions of the last 30 days, grouped."""
    lang = user_lang(context)
    db = _db(context)
    user_id = _user_id(update)
    if db is None or user_id is None:
        await send_html(update, context, _no_db_text(lang))
        return
    svc = services(context)
    await flush_backlog(svc, db)  # the questions asked just before count too
    async with read_session(db.session_factory) as session:
        if not await may_curate(session, svc.settings.admin_user_ids, user_id):
            await send_html(update, context, _curators_only(lang))
            return
        groups = await unanswered_groups(session, svc.clock.now(), limit=LIST_LIMIT)
    if not groups:
        await send_html(update, context, t(lang, "No unanswered questions in the last 30 days. 🎉"))
        return
    head = t(
        lang,
        "<b>Unanswered questions, last 30 days</b>\n"
        "Most frequent first; similar phrasings are grouped. Link a group to the task it "
        "is about (the bot then answers it), or dismiss it.",
    )
    lines = [_group_line(lang, i, g) for i, g in enumerate(groups, start=1)]
    await send_html(update, context, head + "\n\n" + "\n".join(lines), list_keyboard(lang, groups))


def allowed_candidates(svc: Services, group: Group) -> list[str]:
    """The tasks a group may be linked to: what the engine proposed when the questions were
    asked, then what the running engine proposes now; only tasks the base still has."""
    ordered = [t for t in group.candidates() if t in svc.kb.tasks]
    for task, _ in candidates_for(svc.engine, group.text):
        if task not in ordered:
            ordered.append(task)
    return ordered[:ALLOWED_CANDIDATES]


def _task_label(svc: Services, task_id: str) -> str:
    task = svc.kb.tasks[task_id]
    doc = svc.kb.documents[task.document]
    name = doc.short_names[0] if doc.short_names else doc.label
    return f"{name} {task.ref}: {task.title}"


async def _curator_session_check(
    update: Update, context: Context
) -> tuple[Database, int, str] | None:
    lang = user_lang(context)
    db = _db(context)
    user_id = _user_id(update)
    if db is None or user_id is None:
        await _deny(update, context, _no_db_text(lang))
        return None
    return db, user_id, lang


async def on_curation_button(update: Update, context: Context) -> None:
    from handlers.context import invalid_button

    query = update.callback_query
    m = _CQ.match(query.data or "") if query else None
    if query is None or m is None:
        await invalid_button(update, context)
        return
    checked = await _curator_session_check(update, context)
    if checked is None:
        return
    db, user_id, lang = checked
    svc = services(context)
    if m.group(6):  # cancel
        await query.answer()
        await edit_html(update, context, t(lang, "Linking cancelled."))
        return
    action = m.group(1) or m.group(3)
    question_id = int(m.group(2) or m.group(4))
    if action == "k":
        await _show_candidates(update, context, db, user_id, lang, question_id)
    elif action == "x":
        await _dismiss(update, context, db, user_id, lang, question_id)
    else:
        task_id = svc.resolver.task(m.group(5))
        await _link(update, context, db, user_id, lang, question_id, task_id)


async def _show_candidates(
    update: Update, context: Context, db: Database, user_id: int, lang: str, question_id: int
) -> None:
    svc = services(context)
    query = update.callback_query
    async with read_session(db.session_factory) as session:
        if not await may_curate(session, svc.settings.admin_user_ids, user_id):
            await _deny(update, context, _curators_only(lang))
            return
        group = await find_group(session, svc.clock.now(), question_id)
    if query is not None:
        await query.answer()
    if group is None:
        await send_html(update, context, _gone_text(lang))
        return
    tasks = allowed_candidates(svc, group)[:SHOWN_CANDIDATES]
    if not tasks:
        await send_html(
            update,
            context,
            t(
                lang,
                "I have no candidate task for «{text}». Dismiss it, or add the answer to the "
                "knowledge base files and reload them with /taiknowledge.",
                text=_quote(group.text),
            ),
        )
        return
    rows = [
        [
            InlineKeyboardButton(
                shorten(_task_label(svc, task)),
                callback_data=f"cq:l:{group.leader_id}:{cb.ref(task)}",
            )
        ]
        for task in tasks
    ]
    rows.append([InlineKeyboardButton(tb(lang, "Cancel linking"), callback_data="cq:c")])
    await send_html(
        update,
        context,
        t(
            lang,
            "Which task is «{text}» about? The question becomes a new phrasing of the task "
            "you choose, and the bot answers it from then on.",
            text=_quote(group.text),
        ),
        InlineKeyboardMarkup(rows),
    )


def _gone_text(lang: str) -> str:
    return t(lang, "This question has already been handled. Send /chuatraloi for the current list.")


async def _link(
    update: Update,
    context: Context,
    db: Database,
    user_id: int,
    lang: str,
    question_id: int,
    task_id: str | None,
) -> None:
    svc = services(context)
    query = update.callback_query
    async with _lock(svc):
        now = svc.clock.now()
        async with write_session(db.session_factory) as session:
            if not await may_curate(session, svc.settings.admin_user_ids, user_id):
                result = None
            else:
                group = await find_group(session, now, question_id)
                allowed = set(allowed_candidates(svc, group)) if group else set()
                result = await link_group(
                    session,
                    question_id=question_id,
                    task_id=task_id or "",
                    allowed_tasks=allowed,
                    actor=user_id,
                    now=now,
                )
        if result is None:
            await _deny(update, context, _curators_only(lang))
            return
        if result.outcome is Outcome.done:
            await rebuild_engine(svc)
    if query is not None:
        await query.answer()
    if result.outcome is Outcome.gone:
        await edit_html(update, context, _gone_text(lang))
    elif result.outcome is Outcome.not_a_candidate or result.group is None or not task_id:
        await edit_html(
            update,
            context,
            t(
                lang,
                "That task is not among the candidates for this question. "
                "Please choose again from /chuatraloi.",
            ),
        )
    else:
        await edit_html(
            update,
            context,
            tn(
                lang,
                "✅ Linked «{text}» ({n} question) to {task}. From now on the bot answers "
                "this question with that task.",
                "✅ Linked «{text}» ({n} questions) to {task}. From now on the bot answers "
                "this question with that task.",
                result.group.count,
                text=_quote(result.group.text),
                task=_task_label(svc, task_id),
            ),
        )


async def _dismiss(
    update: Update, context: Context, db: Database, user_id: int, lang: str, question_id: int
) -> None:
    svc = services(context)
    query = update.callback_query
    async with write_session(db.session_factory) as session:
        if not await may_curate(session, svc.settings.admin_user_ids, user_id):
            result = None
        else:
            result = await dismiss_group(
                session, question_id=question_id, actor=user_id, now=svc.clock.now()
            )
    if result is None:
        await _deny(update, context, _curators_only(lang))
        return
    if query is not None:
        await query.answer()
    if result.outcome is not Outcome.done or result.group is None:
        await send_html(update, context, _gone_text(lang))
        return
    await send_html(
        update,
        context,
        tn(
            lang,
            "Dismissed «{text}» ({n} question).",
            "Dismissed «{text}» ({n} questions).",
            result.group.count,
            text=_quote(result.group.text),
        ),
    )


# -- /taiknowledge ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReloadReport:
    documents: int
    tasks: int
    agencies: int
    phrasings: int


async def reload_knowledge(svc: Services) -> ReloadReport:
    """Load the files aside, validate them, then swap; raises KnowledgeError and leaves the
    running base untouched when anything is wrong."""
    async with _lock(svc):
        loaded = await asyncio.to_thread(load_validated, _knowledge_dir(svc))
        phrasings: dict[str, list[str]] = {}
        db = svc.db if isinstance(svc.db, Database) else None
        mark = None
        if db is not None:
            async with read_session(db.session_factory) as session:
                mark = await phrasings_mark(session)
                phrasings = await load_phrasings(session, set(loaded.kb.tasks))
        engine = await asyncio.to_thread(build_engine, loaded.kb, phrasings, loaded.lexicon)
        await sync_database(svc, loaded.kb)  # tasks and agencies in the DB follow the files
        swap(svc, loaded.kb, engine)
        svc.extras[MARK_KEY] = mark
    kb = loaded.kb
    return ReloadReport(
        len(kb.documents), len(kb.tasks), len(kb.agencies), sum(len(v) for v in phrasings.values())
    )


async def sync_database(svc: Services, kb: KnowledgeBase) -> None:
    """Make the database's agencies and tasks match ``kb`` (idempotent; archives, never
    deletes), so progress, reminders and digests see what the bot answers from."""
    db = svc.db if isinstance(svc.db, Database) else None
    if db is None:
        return
    from bot.db.sync import sync_knowledge

    await sync_knowledge(db.session_factory, kb, clock=svc.clock)


def problems_text(lang: str, exc: KnowledgeError) -> str:
    head = tn(
        lang,
        "❌ The knowledge base was not reloaded: {n} problem found. The bot keeps answering "
        "from the version already running.",
        "❌ The knowledge base was not reloaded: {n} problems found. The bot keeps answering "
        "from the version already running.",
        len(exc.problems),
    )
    lines = [
        t(
            lang,
            "• {file}, record {record}: {reason}",
            file=p.file,
            record=p.record,
            reason=p.reason,
        )
        for p in exc.problems[:MAX_PROBLEMS]
    ]
    more = len(exc.problems) - MAX_PROBLEMS
    if more > 0:
        lines.append(tn(lang, "…and {n} more.", "…and {n} more.", more))
    return head + "\n" + "\n".join(lines)


async def cmd_reload_knowledge(update: Update, context: Context) -> None:
    """/taiknowledge (admins): reload the knowledge base from its files, validated first."""
    lang = user_lang(context)
    svc = services(context)
    user_id = _user_id(update)
    if user_id is None or not svc.settings.is_admin(user_id):
        await send_html(update, context, t(lang, "Sorry, this command is for administrators only."))
        return
    try:
        report = await reload_knowledge(svc)
    except KnowledgeError as exc:
        log.warning("knowledge reload refused: %d problem(s)", len(exc.problems))
        await _audit(svc, user_id, "knowledge.reload_refused", problems=len(exc.problems))
        await send_html(update, context, problems_text(lang, exc))
        return
    await _audit(svc, user_id, "knowledge.reload", tasks=report.tasks)
    await send_html(
        update,
        context,
        t(
            lang,
            "✅ Knowledge base reloaded: {documents} documents, {tasks} tasks, {agencies} "
            "agencies; {phrasings} curated phrasings applied.",
            documents=report.documents,
            tasks=report.tasks,
            agencies=report.agencies,
            phrasings=report.phrasings,
        ),
    )


async def _audit(svc: Services, actor: int, action: str, **details: object) -> None:
    db = svc.db if isinstance(svc.db, Database) else None
    if db is None:
        return
    try:
        async with write_session(db.session_factory) as session:
            session.add(
                AuditLog(
                    actor_id=actor,
                    action=action,
                    object_type="knowledge",
                    object_id="-",
                    details=details,
                    at=svc.clock.now(),
                )
            )
    except Exception:
        log.exception("could not audit %s", action)


# -- wiring --------------------------------------------------------------------------------------


async def _startup(application: BotApplication) -> None:
    """Serve the configured knowledge base with the curators' phrasings from the start."""
    svc = application.services
    directory = _knowledge_dir(svc)
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
    db = svc.db if isinstance(svc.db, Database) else None
    try:
        if loaded is None:
            mark = None
            if db is not None:
                async with read_session(db.session_factory) as session:
                    mark = await phrasings_mark(session)
            if mark is None or mark == (0, 0):  # nothing to add: keep the engine as built
                svc.extras[MARK_KEY] = mark
                return
        else:
            await sync_database(svc, loaded.kb)
        applied = await rebuild_engine(
            svc, loaded.kb if loaded else None, loaded.lexicon if loaded else None
        )
    except Exception as exc:
        log.error("could not apply the curated phrasings at start-up: %s", type(exc).__name__)
        return
    log.info("curation: %d curated phrasing(s) applied", applied)


def register(application: BotApplication) -> None:
    add = application.add_handler
    add(CommandHandler(["chuatraloi", "unanswered"], cmd_unanswered))
    add(CommandHandler(["taiknowledge", "reloadkb"], cmd_reload_knowledge))
    add(CallbackQueryHandler(on_curation_button, pattern=r"^cq:"))
    add(CallbackQueryHandler(on_rating_button, pattern=r"^cr:"))
    application.services.startup.append(_startup)
    if application.job_queue is not None:  # replicas pick up each other's links
        application.job_queue.run_repeating(
            _refresh_job, interval=REFRESH_SECONDS, first=REFRESH_SECONDS, name="curation-refresh"
        )
