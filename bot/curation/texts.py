"""What the curation loop says, in the user's language (HTML for ``send_html``).

A question is quoted shortened to one line; the caller passes its ``quote`` (the chat's
own shortening, ``handlers.render.shorten``), so the texts stay free of Telegram.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.curation.grouping import Group
from bot.curation.service import ReloadReport
from bot.i18n import t, tb, tn
from knowledge.loader import KnowledgeError

MAX_PROBLEMS = 10  # problems listed when a reload is refused
QUOTE_LIMIT = 120  # characters of a question quoted in a message

Quote = Callable[[str], str]


def no_database(lang: str) -> str:
    return t(lang, "The curation tools need the database, which is not available right now.")


def curators_only(lang: str) -> str:
    return t(lang, "Sorry, this is for administrators and coordinators only.")


def admins_only(lang: str) -> str:
    return t(lang, "Sorry, this command is for administrators only.")


def gone(lang: str) -> str:
    return t(lang, "This question has already been handled. Send /chuatraloi for the current list.")


def rating_failed(lang: str) -> str:
    return tb(lang, "Sorry, something went wrong on my side. Please try again in a moment.")


def rated_again(lang: str) -> str:
    return tb(lang, "You have already rated this answer.")


def rated_thanks(lang: str) -> str:
    return tb(lang, "Thank you for your feedback!")


def rated_down(lang: str) -> str:
    return t(
        lang,
        "Thank you. The curators will review this question so that the bot answers "
        "it better. You can also rephrase it or use /vanban to browse the documents.",
    )


def nothing_unanswered(lang: str) -> str:
    return t(lang, "No unanswered questions in the last 30 days. 🎉")


def group_line(lang: str, index: int, group: Group, quote: Quote) -> str:
    line = tn(
        lang,
        "{i}. «{text}» — asked once",
        "{i}. «{text}» — asked {n} times",
        group.count,
        i=index,
        text=quote(group.text),
    )
    extras = []
    if len(group.variants) > 1:
        extras.append(tn(lang, "{n} phrasing", "{n} phrasings", len(group.variants)))
    if group.rated_down:
        extras.append(f"👎 {group.rated_down}")
    return f"{line} ({', '.join(extras)})" if extras else line


def unanswered_list(lang: str, groups: list[Group], quote: Quote) -> str:
    head = t(
        lang,
        "<b>Unanswered questions, last 30 days</b>\n"
        "Most frequent first; similar phrasings are grouped. Link a group to the task it "
        "is about (the bot then answers it), or dismiss it.",
    )
    lines = [group_line(lang, i, g, quote) for i, g in enumerate(groups, start=1)]
    return head + "\n\n" + "\n".join(lines)


def no_candidates(lang: str, group: Group, quote: Quote) -> str:
    return t(
        lang,
        "I have no candidate task for «{text}». Dismiss it, or add the answer to the "
        "knowledge base files and reload them with /taiknowledge.",
        text=quote(group.text),
    )


def which_task(lang: str, group: Group, quote: Quote) -> str:
    return t(
        lang,
        "Which task is «{text}» about? The question becomes a new phrasing of the task "
        "you choose, and the bot answers it from then on.",
        text=quote(group.text),
    )


def cancelled(lang: str) -> str:
    return t(lang, "Linking cancelled.")


def not_a_candidate(lang: str) -> str:
    return t(
        lang,
        "That task is not among the candidates for this question. "
        "Please choose again from /chuatraloi.",
    )


def linked(lang: str, group: Group, task_label: str, quote: Quote) -> str:
    return tn(
        lang,
        "✅ Linked «{text}» ({n} question) to {task}. From now on the bot answers "
        "this question with that task.",
        "✅ Linked «{text}» ({n} questions) to {task}. From now on the bot answers "
        "this question with that task.",
        group.count,
        text=quote(group.text),
        task=task_label,
    )


def dismissed(lang: str, group: Group, quote: Quote) -> str:
    return tn(
        lang,
        "Dismissed «{text}» ({n} question).",
        "Dismissed «{text}» ({n} questions).",
        group.count,
        text=quote(group.text),
    )


def reloaded(lang: str, report: ReloadReport) -> str:
    return t(
        lang,
        "✅ Knowledge base reloaded: {documents} documents, {tasks} tasks, {agencies} "
        "agencies; {phrasings} curated phrasings applied.",
        documents=report.documents,
        tasks=report.tasks,
        agencies=report.agencies,
        phrasings=report.phrasings,
    )


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
