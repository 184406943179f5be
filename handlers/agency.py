"""/coquan <agency>: everything an agency must do, across documents, grouped by level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import callbacks as cb
from bot.ask.agencies import busiest_agencies
from bot.i18n import t
from handlers.context import (
    Context,
    command_argument,
    send_html,
    set_pending,
)
from handlers.render import render_answer, shorten
from knowledge.normalize import clean_input

if TYPE_CHECKING:
    from knowledge.model import Agency
    from knowledge.succession import Succession

MAX_CHOICES = 8
MAX_AGENCY_TEXT = 200


def agency_label(agency: Agency, lang: str, succession: Succession | None = None) -> str:
    name = agency.name_en if lang == "en" and agency.name_en else agency.name
    today = succession.label(agency, lang) if succession is not None else None
    return shorten(f"{name} — {today}" if today else name)


def agency_keyboard(
    agencies: list[Agency], lang: str, succession: Succession | None = None
) -> InlineKeyboardMarkup:
    """One button per agency; a body changed in 2025 shows today's name beside the printed one."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    agency_label(a, lang, succession), callback_data=cb.agency_data(a.id)
                )
            ]
            for a in agencies[:MAX_CHOICES]
        ]
    )


async def show_agency(update: Update, context: Context, agency_id: str) -> None:
    lang = context.lang
    answer = context.services.engine.agency_overview(agency_id, lang)
    await send_html(update, context, render_answer(answer, lang))


async def ask_which_agency(update: Update, context: Context) -> None:
    """No agency named: ask for one (the next plain text is read as its name)."""
    lang = context.lang
    set_pending(context, "agency")
    text = t(
        lang,
        "Which agency? Type its name, for example <i>Bộ Nội vụ</i>, <i>Sở Y tế</i>, "
        "<i>UBND tỉnh</i>, or choose one below:",
    )
    svc = context.services
    keyboard = agency_keyboard(busiest_agencies(svc.kb, MAX_CHOICES), lang, svc.engine.succession)
    await send_html(update, context, text, keyboard)


async def find_and_show(update: Update, context: Context, text: str) -> None:
    """Recognise the agency named in ``text``: one → its tasks; several → buttons; none → say so."""
    lang = context.lang
    query = clean_input(text, limit=MAX_AGENCY_TEXT)
    if not query:
        await ask_which_agency(update, context)
        return
    found = context.services.engine.find_agencies(query)
    if len(found) == 1:
        await show_agency(update, context, found[0].id)
    elif found:
        await send_html(
            update,
            context,
            t(lang, "Several agencies match “{text}”. Which one do you mean?", text=query),
            agency_keyboard(found, lang, context.services.engine.succession),
        )
    else:
        await send_html(
            update,
            context,
            t(
                lang,
                "I do not recognise an agency in “{text}”. Try its full name or a usual "
                "abbreviation, for example: /coquan Bộ Nội vụ",
                text=shorten(query, 80),
            ),
        )


async def cmd_agency(update: Update, context: Context) -> None:
    """/coquan [agency]."""
    text = command_argument(update)
    if not clean_input(text):
        await ask_which_agency(update, context)
        return
    await find_and_show(update, context, text)


async def on_agency_button(update: Update, context: Context) -> None:
    """``a:<agency>``: the tasks of the chosen agency, as a new message."""
    from handlers.context import invalid_button

    query = update.callback_query
    parsed = cb.parse(query.data if query else None)
    agency_id = (
        context.services.resolver.agency(parsed.args[0])
        if parsed and parsed.kind == "agency"
        else None
    )
    if agency_id is None:
        await invalid_button(update, context)
        return
    if query is not None:
        await query.answer()
    set_pending(context, None)
    await show_agency(update, context, agency_id)
