"""The curation loop in chat: /chuatraloi, link/dismiss buttons, 👍/👎 under answers,
/taiknowledge; plus the hook the question path calls to log what went unanswered.

Thin: the rules live in :mod:`bot.curation` (``Services.curation``, a
:class:`~bot.curation.service.CurationService`), the texts in :mod:`bot.curation.texts`.

Callback data (≤ 64 bytes; ``<id>`` a logged question's id, ``<task>`` ``callbacks.ref``):

- ``cq:k:<id>``          show the candidate tasks of the group holding question ``id``
- ``cq:l:<id>:<task>``   link that group to ``task`` (re-verified against the candidates)
- ``cq:x:<id>``          dismiss that group
- ``cq:c``               cancel the choice
- ``cr:<u|d>:<token>:<task or ->``  👍/👎 under an answer
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import ref
from bot.context import BotContext as Context
from bot.curation import texts
from bot.curation.grouping import Group
from bot.curation.ratings import DOWN, UP, RatedQuestion
from bot.curation.review import Outcome
from bot.curation.service import CurationService, NoDatabase, NotAdmin, NotCurator, Rated
from bot.i18n import tb
from handlers.context import edit_html, send_html
from handlers.guards import button_on_message, private_only
from handlers.render import shorten
from knowledge.loader import KnowledgeError

if TYPE_CHECKING:
    from bot.context import BotApplication
    from knowledge.answer import Answer

log = logging.getLogger(__name__)

# user_data: rating token -> RatedQuestion (what was asked, for a 👎). Memory only: the
# database persistence keeps JSON values only, so the question text is never stored next
# to the real user id; after a restart a 👎 still counts, without the question.
RATED_KEY = "curation_rated"
RATED_KEEP = 20
REFRESH_SECONDS = 60  # how often a replica looks for phrasings linked elsewhere

_ID = r"(?:[a-z0-9_]{1,40}|~[a-z2-7]{10})"
_CQ = re.compile(rf"^cq:(?:(k|x):(\d{{1,18}})|(l):(\d{{1,18}}):({_ID})|(c))$")
_CR = re.compile(rf"^cr:([ud]):([A-Za-z0-9_-]{{8}}):({_ID}|-)$")


def _curation(context: Context) -> CurationService:
    return context.services.curation


def _quote(text: str) -> str:
    return shorten(text, texts.QUOTE_LIMIT)


async def _say(update: Update, context: Context, text: str) -> None:
    """Answer the pressed button (if any) and send ``text``."""
    query = update.callback_query
    if query is not None:
        await query.answer()
    await send_html(update, context, text)


# -- the hook in the question path ------------------------------------------------------------


def _remember(context: Context, token: str, question: RatedQuestion) -> None:
    if context.user_data is None:
        return
    rated = context.user_data.setdefault(RATED_KEY, {})
    rated[token] = question
    while len(rated) > RATED_KEEP:
        rated.pop(next(iter(rated)))


def rating_row(answer: Answer, token: str) -> list[InlineKeyboardButton]:
    task = ref(answer.tasks[0]) if answer.tasks else "-"
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


async def record_answer(
    update: Update, context: Context, question: str, answer: Answer
) -> list[InlineKeyboardButton] | None:
    """Count the question, store it if it went unanswered, and return the 👍/👎 row to put
    under the answer (None for refusals or without a database). Never raises: the answer
    must go out whatever happens here."""
    curation = _curation(context)
    user = update.effective_user
    if curation.db is None or user is None:
        return None
    try:
        if curation.queue(user.id, question, answer):
            context.application.create_task(curation.flush_soon(), update=update)
    except Exception as exc:  # best effort; never the question's text in a log line
        log.error("could not queue a question for curation: %s", type(exc).__name__)
        return None
    if answer.refused:
        return None
    token = secrets.token_urlsafe(6)
    remembered = curation.remembered(question, answer)
    if remembered is not None:
        _remember(context, token, remembered)
    return rating_row(answer, token)


# -- 👍 / 👎 -------------------------------------------------------------------------------


def _without_rating(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    if markup is None:
        return None
    rows = [
        [b for b in row if not str(b.callback_data or "").startswith("cr:")]
        for row in markup.inline_keyboard
    ]
    rows = [r for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


async def on_rating_button(update: Update, context: Context) -> None:
    from handlers.context import invalid_button

    query = update.callback_query
    m = _CR.match(query.data or "") if query else None
    user = update.effective_user
    if query is None or m is None or user is None or not button_on_message(query):
        await invalid_button(update, context)  # forged, or not under an answer of this chat
        return
    lang = context.lang
    svc = context.services
    token = m.group(2)
    rated = (context.user_data or {}).get(RATED_KEY, {})
    remembered = rated.get(token) if isinstance(rated, dict) else None
    try:
        outcome = await svc.curation.rate(
            user.id,
            token=token,
            task_id=svc.resolver.task(m.group(3)) if m.group(3) != "-" else None,
            rating=UP if m.group(1) == "u" else DOWN,
            remembered=remembered if isinstance(remembered, RatedQuestion) else None,
        )
    except NoDatabase:
        await _say(update, context, texts.no_database(lang))
        return
    if outcome is Rated.failed:
        await query.answer(texts.rating_failed(lang))
        return
    if isinstance(rated, dict):
        rated.pop(token, None)
    if outcome is Rated.again:
        await query.answer(texts.rated_again(lang))
        return
    await query.answer(texts.rated_thanks(lang))
    message = query.message
    if isinstance(message, Message):
        try:
            await query.edit_message_reply_markup(_without_rating(message.reply_markup))
        except BadRequest as exc:
            log.info("could not remove the rating buttons: %s", exc)
    if m.group(1) == "d":
        await send_html(update, context, texts.rated_down(lang))


# -- /chuatraloi ---------------------------------------------------------------------------


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
    lang = context.lang
    user = update.effective_user
    if user is None:
        return
    try:
        groups = await _curation(context).unanswered(user.id)
    except NoDatabase:
        await send_html(update, context, texts.no_database(lang))
        return
    except NotCurator:
        await send_html(update, context, texts.curators_only(lang))
        return
    if not groups:
        await send_html(update, context, texts.nothing_unanswered(lang))
        return
    await send_html(
        update, context, texts.unanswered_list(lang, groups, _quote), list_keyboard(lang, groups)
    )


async def on_curation_button(update: Update, context: Context) -> None:
    from handlers.context import invalid_button

    query = update.callback_query
    m = _CQ.match(query.data or "") if query else None
    user = update.effective_user
    if query is None or m is None or user is None:
        await invalid_button(update, context)
        return
    lang = context.lang
    try:
        if _curation(context).db is None:
            raise NoDatabase
        if m.group(6):  # cancel
            await query.answer()
            await edit_html(update, context, texts.cancelled(lang))
        elif m.group(1) == "k":
            await _show_candidates(update, context, user.id, lang, int(m.group(2)))
        elif m.group(1) == "x":
            await _dismiss(update, context, user.id, lang, int(m.group(2)))
        else:
            task_id = context.services.resolver.task(m.group(5))
            await _link(update, context, user.id, lang, int(m.group(4)), task_id)
    except NoDatabase:
        await _say(update, context, texts.no_database(lang))
    except NotCurator:
        await _say(update, context, texts.curators_only(lang))


async def _show_candidates(
    update: Update, context: Context, user_id: int, lang: str, question_id: int
) -> None:
    curation = _curation(context)
    found = await curation.candidates(user_id, question_id)
    if found is None:
        await _say(update, context, texts.gone(lang))
        return
    group, tasks = found
    if not tasks:
        await _say(update, context, texts.no_candidates(lang, group, _quote))
        return
    rows = [
        [
            InlineKeyboardButton(
                shorten(curation.task_label(task)),
                callback_data=f"cq:l:{group.leader_id}:{ref(task)}",
            )
        ]
        for task in tasks
    ]
    rows.append([InlineKeyboardButton(tb(lang, "Cancel linking"), callback_data="cq:c")])
    await _say_with(update, context, texts.which_task(lang, group, _quote), rows)


async def _say_with(
    update: Update, context: Context, text: str, rows: list[list[InlineKeyboardButton]]
) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
    await send_html(update, context, text, InlineKeyboardMarkup(rows))


async def _link(
    update: Update,
    context: Context,
    user_id: int,
    lang: str,
    question_id: int,
    task_id: str | None,
) -> None:
    curation = _curation(context)
    result = await curation.link(user_id, question_id, task_id)
    query = update.callback_query
    if query is not None:
        await query.answer()
    if result.outcome is Outcome.gone:
        await edit_html(update, context, texts.gone(lang))
    elif result.outcome is Outcome.not_a_candidate or result.group is None or not task_id:
        await edit_html(update, context, texts.not_a_candidate(lang))
    else:
        label = curation.task_label(task_id)
        await edit_html(update, context, texts.linked(lang, result.group, label, _quote))


async def _dismiss(
    update: Update, context: Context, user_id: int, lang: str, question_id: int
) -> None:
    result = await _curation(context).dismiss(user_id, question_id)
    if result.outcome is not Outcome.done or result.group is None:
        await _say(update, context, texts.gone(lang))
        return
    await _say(update, context, texts.dismissed(lang, result.group, _quote))


# -- /taiknowledge ------------------------------------------------------------------------------


async def cmd_reload_knowledge(update: Update, context: Context) -> None:
    """/taiknowledge (admins): reload the knowledge base from its files, validated first."""
    lang = context.lang
    user = update.effective_user
    try:
        if user is None:
            raise NotAdmin
        report = await _curation(context).reload_as(user.id)
    except NotAdmin:
        await send_html(update, context, texts.admins_only(lang))
        return
    except KnowledgeError as exc:
        await send_html(update, context, texts.problems_text(lang, exc))
        return
    await send_html(update, context, texts.reloaded(lang, report))


# -- wiring --------------------------------------------------------------------------------------


async def _refresh_job(context: Context) -> None:
    try:
        if await _curation(context).refresh_if_changed():
            log.info("curation: phrasings changed elsewhere; engine rebuilt")
    except Exception as exc:
        log.error("curation: phrasing refresh failed: %s", type(exc).__name__)


async def _startup(application: BotApplication) -> None:
    await application.services.curation.start()


def register(application: BotApplication) -> None:
    add = application.add_handler
    add(CommandHandler(["chuatraloi", "unanswered"], private_only(cmd_unanswered)))
    add(CommandHandler(["taiknowledge", "reloadkb"], cmd_reload_knowledge))
    add(CallbackQueryHandler(on_curation_button, pattern=r"^cq:"))
    add(CallbackQueryHandler(on_rating_button, pattern=r"^cr:"))
    application.services.startup.append(_startup)
    if application.job_queue is not None:  # replicas pick up each other's links
        application.job_queue.run_repeating(
            _refresh_job, interval=REFRESH_SECONDS, first=REFRESH_SECONDS, name="curation-refresh"
        )
