"""Coordinators run campaigns: /chiendich lists, opens (guided), edits, closes and exports.

A thin adapter: the rules and the queries are :mod:`bot.campaigns` (its ``service``
opens the units of work); the two dialogues are forms declared as tables of steps
(``handlers/form.py``). Every button and every write re-checks, at that moment, that the
user manages the campaign's organiser: callback data only points at an edition, it never
grants anything.

Callback data: ``c:v:<ed>`` view, ``c:l:<ed>`` registrants, ``c:x:<ed>`` CSV,
``c:c:<ed>`` / ``c:cy:<ed>`` close (ask / do), ``c:new`` guided create (then ``c:k:<i>``
campaign kind, ``c:o:<i>`` organiser, ``c:ok`` open, ``c:q`` stop), ``c:e:<ed>:<field>``
edit one field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.campaigns import service, texts
from bot.campaigns.access import NotAllowed
from bot.campaigns.dates import parse_capacity, parse_end, parse_start
from bot.campaigns.editions import EditionDraft
from bot.campaigns.service import AgencyChoice
from bot.campaigns.validation import (
    clean_description,
    clean_edition_name,
    clean_edition_place,
    clean_field,
)
from bot.context import BotApplication, BotContext, CommandSpec
from bot.i18n import N_, format_number, t, tb
from bot.volunteers.validation import InvalidInput
from handlers.context import edit_html, send_html
from handlers.form import END, STAY, Form, Reply, Step, Transition, Turn, plain, text_prompt
from handlers.volunteers import in_private_only, is_private, notify_promoted

Context = BotContext

CREATE_NAME = "campaign_create"
EDIT_NAME = "campaign_edit"
DRAFT = "campaign_draft"
EDIT = "campaign_edit"
KIND, NAME, ORGANISER, PLACE, START, FINISH, CAPACITY, DESCRIPTION, CONFIRM = (
    "kind",
    "name",
    "organiser",
    "place",
    "start",
    "finish",
    "capacity",
    "description",
    "confirm",
)
VALUE = "value"

_ID = r"(\d{1,12})"
_VIEW = re.compile(rf"^c:(v|l|x|c|cy):{_ID}$")
_EDIT = re.compile(rf"^c:e:{_ID}:(capacity|place|name)$")
_INDEX = re.compile(r"^c:[ko]:(\d{1,3}|-)$")


def _admins(context: Context) -> frozenset[int]:
    return context.services.settings.admin_user_ids


def _tz(context: Context) -> str:
    return context.services.settings.timezone


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:60], callback_data=data)


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()


def _user_id(update: Update) -> int:
    return update.effective_user.id if update.effective_user else 0


async def _not_coordinator(update: Update, context: Context) -> None:
    lang = context.lang
    text = t(lang, "This is for campaign coordinators only. Volunteers can register with /dangky.")
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(tb(lang, "Not allowed."), show_alert=True)
    await send_html(update, context, text)


# -- listing and viewing -------------------------------------------------------------------


async def cmd_campaigns(update: Update, context: Context) -> None:
    lang = context.lang
    now = context.services.clock.now()
    seen = await service.overview(context.db, _user_id(update), _admins(context), now)
    if seen.scope.empty:
        await _not_coordinator(update, context)
        return
    lines = [t(lang, "<b>Your campaigns</b>")]
    rows = []
    if not seen.editions:
        lines.append(t(lang, "No campaign yet. Open one with the button below."))
    for e in seen.editions:
        c = seen.counts.get(e.id)
        confirmed = c.confirmed if c else 0
        seats = (
            f"{format_number(confirmed, lang)}/{format_number(e.capacity, lang)}"
            if e.capacity
            else format_number(confirmed, lang)
        )
        lines.append(
            f"• <b>{html.escape(e.name)}</b> — {texts.dates(e, lang, _tz(context))} — "
            + t(
                lang,
                "{status}; registered {seats}, waitlist {waiting}",
                status=tb(lang, texts.STATUS_LABELS.get(e.status, e.status)),
                seats=seats,
                waiting=format_number(c.waitlisted if c else 0, lang),
            )
        )
        rows.append([_button(e.name, f"c:v:{e.id}")])
    rows.append([_button(tb(lang, "➕ Open a new campaign"), "c:new")])
    await send_html(update, context, "\n".join(lines), InlineKeyboardMarkup(rows))


async def on_campaign_button(update: Update, context: Context) -> None:
    lang = context.lang
    if not is_private(update):  # registrants' data never goes to a group
        await in_private_only(update, context)
        await _answer(update)
        return
    query = update.callback_query
    match = _VIEW.match(query.data or "") if query else None
    if match is None:
        return
    action, edition_id = match[1], int(match[2])
    user, admins, now = _user_id(update), _admins(context), context.services.clock.now()
    try:
        if action == "x":
            await _send_csv(update, context, edition_id)
        elif action == "l":
            await _show_registrants(update, context, edition_id)
        elif action == "cy":
            edition = await service.close(context.db, edition_id, user, admins, now)
            await edit_html(
                update,
                context,
                t(lang, "Registration for <b>{campaign}</b> is closed.", campaign=edition.name),
            )
        elif action == "c":
            edition = await service.managed(context.db, edition_id, user, admins)
            await edit_html(
                update,
                context,
                t(
                    lang,
                    "Close registration for <b>{campaign}</b>? Volunteers already registered "
                    "stay registered.",
                    campaign=edition.name,
                ),
                InlineKeyboardMarkup(
                    [
                        [
                            _button(tb(lang, "🔒 Yes, close it"), f"c:cy:{edition_id}"),
                            _button(tb(lang, "No"), f"c:v:{edition_id}"),
                        ]
                    ]
                ),
            )
        else:
            await _show_edition(update, context, edition_id)
    except NotAllowed:
        await _not_coordinator(update, context)  # answers the press with an alert
        return
    await _answer(update)


async def _show_edition(update: Update, context: Context, edition_id: int) -> None:
    lang = context.lang
    view = await service.view(
        context.db, edition_id, _user_id(update), _admins(context), context.services.clock.now()
    )
    rows = [
        [
            _button(tb(lang, "👥 Registrants"), f"c:l:{edition_id}"),
            _button(tb(lang, "📄 CSV file"), f"c:x:{edition_id}"),
        ],
        [
            _button(tb(lang, "✏️ Places"), f"c:e:{edition_id}:capacity"),
            _button(tb(lang, "✏️ Place"), f"c:e:{edition_id}:place"),
            _button(tb(lang, "✏️ Name"), f"c:e:{edition_id}:name"),
        ],
    ]
    if view.edition.status == "open":
        rows.append([_button(tb(lang, "🔒 Close registration"), f"c:c:{edition_id}")])
    await send_html(
        update, context, texts.edition_card(view, lang, _tz(context)), InlineKeyboardMarkup(rows)
    )


async def _show_registrants(update: Update, context: Context, edition_id: int) -> None:
    edition, rows = await service.registrants(
        context.db, edition_id, _user_id(update), _admins(context)
    )
    await send_html(update, context, texts.registrant_list(edition.name, rows, context.lang))


async def _send_csv(update: Update, context: Context, edition_id: int) -> None:
    lang = context.lang
    edition, data, n = await service.registrants_file(
        context.db,
        edition_id,
        _user_id(update),
        _admins(context),
        context.services.clock.now(),
        context.services.settings.tz,
    )
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_document(
        chat.id,
        document=data,
        filename=f"dangky_chiendich_{edition_id}.csv",
        caption=t(
            lang, "{campaign}: {n} registrant(s)", campaign=edition.name, n=format_number(n, lang)
        ),
    )


# -- guided create: the form --------------------------------------------------------------


async def start_create(turn: Turn) -> Transition:
    """``c:new`` under /chiendich: which recurring campaign it is."""
    update, context = turn.update, turn.context
    if not is_private(update):
        await in_private_only(update, context)
        return END
    scope = await service.scope_of(context.db, turn.user_id, _admins(context))
    if scope.empty:
        await _not_coordinator(update, context)
        return END
    await turn.answer()
    CREATE.clear(context)
    kinds = list(context.services.kb.campaigns.values())
    turn.draft["kinds"] = [k.id for k in kinds]
    rows = [
        [turn.button(k.name if turn.lang == "vi" or not k.name_en else k.name_en, f"c:k:{i}")]
        for i, k in enumerate(kinds)
    ]
    rows.append([turn.button(turn.tb("Another campaign"), "c:k:-")])
    rows.append([turn.stop_button()])
    await turn.send(
        turn.t(
            "<b>Open a new campaign</b> (step 1/8)\nWhich recurring campaign is it? "
            "You can stop at any time with /huy."
        ),
        InlineKeyboardMarkup(rows),
    )
    return KIND


async def on_kind(turn: Turn, match: re.Match[str]) -> Transition:
    await turn.answer()
    picked = _INDEX.match(match.string)
    draft = turn.draft
    kinds = draft.get("kinds", [])
    if picked is None or (picked[1] != "-" and int(picked[1]) >= len(kinds)):
        return KIND
    key = None if picked[1] == "-" else kinds[int(picked[1])]
    draft["campaign_key"] = key
    kb = turn.context.services.kb
    suggestion = ""
    if key and key in kb.campaigns:
        suggestion = f"{kb.campaigns[key].name} {turn.now.year}"
        draft["description"] = kb.campaigns[key].description
    draft["suggestion"] = suggestion
    await turn.edit(
        turn.t("Campaign: {campaign}", campaign=suggestion or turn.tb("another campaign"))
    )
    return await turn.ask(NAME)


async def ask_name(turn: Turn) -> Reply:
    text = turn.t("<b>Step 2/8.</b> The name volunteers will see:")
    suggestion = turn.draft.get("suggestion")
    if suggestion:
        text += "\n" + turn.t("For example: {example}", example=f"{suggestion} — phường Tân Phong")
    return text


def _organiser_markup(turn: Turn, choices: list[AgencyChoice]) -> InlineKeyboardMarkup:
    turn.draft["choices"] = [a.id for a in choices]
    rows = [[turn.button(a.name, f"c:o:{i}")] for i, a in enumerate(choices)]
    rows.append([turn.stop_button()])
    return InlineKeyboardMarkup(rows)


async def ask_organiser(turn: Turn) -> Reply:
    """Buttons for a small scope; otherwise a part of the name is typed."""
    choices = await service.organiser_choices(turn.context.db, turn.user_id, _admins(turn.context))
    if choices:
        return (
            turn.t("<b>Step 3/8.</b> Which agency organises it?"),
            _organiser_markup(turn, choices),
        )
    return turn.t(
        "<b>Step 3/8.</b> Which agency organises it? Type part of its name "
        "(for example: Hội Chữ thập đỏ tỉnh)."
    )


async def on_organiser_text(turn: Turn, raw: str) -> Transition:
    if len(" ".join(raw.split())) < 2:
        await turn.send(turn.t("Please type at least two letters of the name."))
        return ORGANISER
    kb = turn.context.services.kb
    aliases = {agency_id: record.aliases for agency_id, record in kb.agencies.items()}
    found = await service.find_organisers(
        turn.context.db, turn.user_id, _admins(turn.context), raw, aliases
    )
    if not found:
        await turn.send(
            turn.t("No agency in your scope matches that. Please try another part of the name.")
        )
        return ORGANISER
    await turn.send(
        turn.t("<b>Step 3/8.</b> Which agency organises it?"), _organiser_markup(turn, found)
    )
    return ORGANISER


def pick_organiser(turn: Turn, match: re.Match[str]) -> object:
    picked = _INDEX.match(match.string)
    choices = turn.draft.get("choices", [])
    if picked is None or picked[1] == "-" or int(picked[1]) >= len(choices):
        return STAY
    return choices[int(picked[1])]


async def echo_organiser(turn: Turn, agency_id: str) -> None:
    name = await service.agency_name(turn.context.db, agency_id)
    await turn.edit(turn.t("Organiser: {agency}", agency=name or agency_id))


def parse_starts(turn: Turn, raw: str) -> str:
    tz = turn.context.services.settings.tz
    return parse_start(raw, tz, turn.now).isoformat()


def parse_ends(turn: Turn, raw: str) -> str:
    tz = turn.context.services.settings.tz
    return parse_end(raw, tz, dt.datetime.fromisoformat(turn.draft["starts_at"])).isoformat()


async def ask_confirm(turn: Turn) -> Reply:
    name = await service.agency_name(turn.context.db, turn.draft.get("organiser", ""))
    summary = texts.new_campaign_summary(turn.lang, turn.draft, _tz(turn.context), name or "")
    markup = InlineKeyboardMarkup(
        [[turn.button(turn.tb("✅ Open the campaign"), "c:ok"), turn.stop_button()]]
    )
    return summary, markup


async def on_create(turn: Turn, match: re.Match[str]) -> Transition:
    await turn.answer()
    draft = turn.draft
    try:
        edition_draft = EditionDraft(
            name=draft["name"],
            organiser_agency_id=draft["organiser"],
            starts_at=dt.datetime.fromisoformat(draft["starts_at"]),
            ends_at=dt.datetime.fromisoformat(draft["ends_at"]),
            description=draft.get("description", ""),
            place=draft.get("place", ""),
            capacity=draft.get("capacity"),
            campaign_key=draft.get("campaign_key"),
        )
    except (KeyError, ValueError):
        return await turn.end(turn.t("Something is missing. Please start again with /chiendich."))
    try:
        edition = await service.open_edition(
            turn.context.db, edition_draft, turn.user_id, _admins(turn.context), turn.now
        )
    except NotAllowed:
        CREATE.clear(turn.context)
        await _not_coordinator(turn.update, turn.context)
        return END
    except InvalidInput as exc:
        await turn.send(turn.t(exc.message, **exc.params))
        return CONFIRM
    return await turn.end(
        turn.t(
            "✅ <b>{campaign}</b> is open. Volunteers can register with /dangky.",
            campaign=edition.name,
        )
    )


STOPPED = N_("Stopped. Nothing was changed.")
PLACE_PROMPT = N_("<b>Step 4/8.</b> Where does it take place?")
START_PROMPT = N_(
    "<b>Step 5/8.</b> When does it start? dd/mm/yyyy hh:mm, for example 15/05/2026 07:30"
)
FINISH_PROMPT = N_("<b>Step 6/8.</b> When does it end? dd/mm/yyyy hh:mm")
CAPACITY_PROMPT = N_(
    "<b>Step 7/8.</b> How many volunteers can take part? Type a number, or 0 for no limit."
)
DESCRIPTION_PROMPT = N_(
    "<b>Step 8/8.</b> A short description for volunteers (or - to keep the standard one):"
)

CREATE = Form(
    name=CREATE_NAME,
    draft_key=DRAFT,
    prefix="c",
    steps=[
        Step(KIND, buttons=r"^c:k:", on_button=on_kind),
        Step(NAME, prompt=ask_name, field="name", parse=plain(clean_edition_name)),
        Step(
            ORGANISER,
            prompt=ask_organiser,
            field="organiser",
            buttons=r"^c:o:",
            pick=pick_organiser,
            save=echo_organiser,
            on_text=on_organiser_text,
        ),
        Step.question(PLACE, PLACE_PROMPT, "place", clean_edition_place),
        Step(START, prompt=text_prompt(START_PROMPT), field="starts_at", parse=parse_starts),
        Step(FINISH, prompt=text_prompt(FINISH_PROMPT), field="ends_at", parse=parse_ends),
        Step.question(CAPACITY, CAPACITY_PROMPT, "capacity", parse_capacity),
        Step.question(DESCRIPTION, DESCRIPTION_PROMPT, "description", clean_description),
        Step(CONFIRM, prompt=ask_confirm, buttons=r"^c:ok$", on_button=on_create),
    ],
    cancel_text=STOPPED,
)


# -- editing one field: a one-step form ---------------------------------------------------

EDIT_PROMPTS = {
    "capacity": N_("Type the new number of places (or 0 for no limit):"),
    "place": N_("Type the new place:"),
    "name": N_("Type the new name:"),
}


async def start_edit(turn: Turn) -> Transition:
    """``c:e:<edition>:<field>`` on an edition's card."""
    update, context = turn.update, turn.context
    if not is_private(update):
        await in_private_only(update, context)
        return END
    match = _EDIT.match(update.callback_query.data or "") if update.callback_query else None
    if match is None:
        return END
    edition_id, field = int(match[1]), match[2]
    try:
        edition = await service.managed(context.db, edition_id, turn.user_id, _admins(context))
    except NotAllowed:
        await _not_coordinator(update, context)
        return END
    await turn.answer()
    EDITOR.clear(context)
    turn.draft.update({"edition_id": edition_id, "field": field, "edition": edition.name})
    return await turn.ask(VALUE)


async def ask_value(turn: Turn) -> Reply:
    return (
        f"<b>{html.escape(turn.draft.get('edition', ''))}</b>\n"
        + turn.t(EDIT_PROMPTS[turn.draft["field"]])
        + "\n"
        + turn.t("(/huy to stop)")
    )


def parse_value(turn: Turn, raw: str) -> object:
    return clean_field(turn.draft.get("field", ""), raw)


async def save_value(turn: Turn, value: object) -> Transition:
    draft = turn.draft
    if "edition_id" not in draft:
        return END
    try:
        edition, promoted = await service.edit_field(
            turn.context.db,
            int(draft["edition_id"]),
            draft["field"],
            value,
            turn.user_id,
            _admins(turn.context),
            turn.now,
        )
    except NotAllowed:
        EDITOR.clear(turn.context)
        await _not_coordinator(turn.update, turn.context)
        return END
    text = turn.t("✅ Saved: <b>{campaign}</b>.", campaign=edition.name)
    if promoted:
        text += "\n" + turn.t(
            "{n} volunteer(s) moved up from the waitlist and were told.",
            n=format_number(len(promoted), turn.lang),
        )
    await turn.end(text)
    await notify_promoted(turn.context, promoted)
    return END


EDITOR = Form(
    name=EDIT_NAME,
    draft_key=EDIT,
    prefix="c",
    steps=[Step(VALUE, prompt=ask_value, parse=parse_value, save=save_value)],
    cancel_text=STOPPED,
)


COMMANDS = [CommandSpec("chiendich", N_("Campaigns (coordinators)"))]


def register(application: BotApplication) -> None:
    """Add the coordinators' campaign handlers (see ``bot/app.py``)."""
    persistent = application.persistence is not None
    create = CallbackQueryHandler(CREATE.entry(start_create), pattern=r"^c:new$")
    edit = CallbackQueryHandler(EDITOR.entry(start_edit), pattern=r"^c:e:")
    application.add_handler(CREATE.handler([create], persistent=persistent))
    application.add_handler(EDITOR.handler([edit], persistent=persistent))
    application.add_handler(
        CommandHandler(["chiendich", "campaigns"], cmd_campaigns, filters=filters.ChatType.PRIVATE)
    )
    application.add_handler(CallbackQueryHandler(on_campaign_button, pattern=r"^c:(v|l|x|c|cy):"))
    application.add_handler(CallbackQueryHandler(on_stale, pattern=r"^c:"))
    application.services.commands.extend(COMMANDS)


async def on_stale(update: Update, context: Context) -> None:
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(
                tb(context.lang, "This button is no longer active. Start again with /chiendich."),
                show_alert=True,
            )
