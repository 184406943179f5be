"""Coordinators run campaigns: /chiendich lists, opens (guided), edits, closes and exports.

Every button and every write re-checks, at that moment, that the user manages the
campaign's organiser (``bot.volunteers.access``): callback data only points at an
edition, it never grants anything.

Callback data: ``c:v:<ed>`` view, ``c:l:<ed>`` registrants, ``c:x:<ed>`` CSV,
``c:c:<ed>`` / ``c:cy:<ed>`` close (ask / do), ``c:new`` guided create (then ``c:k:<i>``
campaign kind, ``c:o:<i>`` organiser, ``c:ok`` open, ``c:q`` stop), ``c:e:<ed>:<field>``
edit one field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import re
import warnings
from typing import Any

from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.db.engine import SessionFactory, read_session, write_session
from bot.db.models import Agency
from bot.db.models_volunteers import CampaignEdition, VolunteerRegistration
from bot.i18n import N_, format_datetime, format_number, t, tb
from bot.volunteers.access import NotAllowed, manager_scope
from bot.volunteers.dates import parse_capacity, parse_local_datetime
from bot.volunteers.editions import (
    EditionDraft,
    close_edition,
    create_edition,
    list_managed_editions,
    managed_edition,
    update_edition,
)
from bot.volunteers.reports import counts_per_edition, export_csv, registrants
from bot.volunteers.validation import InvalidInput, display_phone
from handlers.context import (
    BotApplication,
    CommandSpec,
    Context,
    edit_html,
    send_html,
    services,
    user_lang,
)
from handlers.form import NOT_TEXT
from handlers.volunteers import (
    SKILL_LABELS,
    in_private_only,
    is_private,
    notify_promoted,
)
from knowledge.normalize import fold

log = logging.getLogger(__name__)

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
END = ConversationHandler.END
MAX_AGENCY_BUTTONS = 8
REGISTRANTS_SHOWN = 50

_ID = r"(\d{1,12})"
_VIEW = re.compile(rf"^c:(v|l|x|c|cy):{_ID}$")
_EDIT = re.compile(rf"^c:e:{_ID}:(capacity|place|name)$")
_INDEX = re.compile(r"^c:[ko]:(\d{1,3}|-)$")

FALLBACK_ERROR = N_("That does not look right. Please try again.")
ERRORS: dict[str, str] = {
    "date_format": N_("Please type a date as dd/mm/yyyy, with a time if needed: 25/12/2026 07:30."),
    "date_invalid": N_("That date does not exist. Please check the day and month."),
    "ends_before_start": N_("The end must be after the start. Please type the end again."),
    "in_the_past": N_("That is in the past. Please type a date to come."),
    "capacity": N_("Please type a number of places (1 to 100000), or 0 for no limit."),
    "capacity_below_confirmed": N_(
        "More volunteers are already registered than that. Please type a larger number."
    ),
    "edition_name": N_("Please type a name of at most 200 characters."),
    "too_long": N_("That is too long. Please shorten it."),
}


def _factory(context: Context) -> SessionFactory:
    db = services(context).db
    if db is None:
        raise RuntimeError("the database is not open")
    return db.session_factory  # type: ignore[no-any-return]


def _now(context: Context) -> dt.datetime:
    return services(context).clock.now()


def _admins(context: Context) -> frozenset[int]:
    return services(context).settings.admin_user_ids


def _tz(context: Context) -> str:
    return services(context).settings.timezone


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:60], callback_data=data)


def _error(lang: str, reason: str) -> str:
    return t(lang, ERRORS.get(reason, FALLBACK_ERROR))


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()


def _user_id(update: Update) -> int:
    return update.effective_user.id if update.effective_user else 0


async def _not_coordinator(update: Update, context: Context) -> None:
    lang = user_lang(context)
    text = t(lang, "This is for campaign coordinators only. Volunteers can register with /dangky.")
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(tb(lang, "Not allowed."), show_alert=True)
    await send_html(update, context, text)


# -- listing and viewing -------------------------------------------------------------------


def _dates(edition: CampaignEdition, lang: str, tz: str) -> str:
    start = format_datetime(edition.starts_at, lang, tz=tz, fmt="short")
    end = format_datetime(edition.ends_at, lang, tz=tz, fmt="short")
    return f"{start} – {end}"


STATUS_LABELS = {
    "open": N_("open"),
    "closed": N_("registration closed"),
    "cancelled": N_("cancelled"),
}


async def cmd_campaigns(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = _user_id(update)
    async with read_session(_factory(context)) as session:
        scope = await manager_scope(session, user, _admins(context))
        if scope.empty:
            await _not_coordinator(update, context)
            return
        editions = await list_managed_editions(session, user, _admins(context), now=_now(context))
        counts = {c.edition_id: c for c in await counts_per_edition(session, now=_now(context))}
    lines = [t(lang, "<b>Your campaigns</b>")]
    rows = []
    if not editions:
        lines.append(t(lang, "No campaign yet. Open one with the button below."))
    for e in editions:
        c = counts.get(e.id)
        confirmed = c.confirmed if c else 0
        seats = (
            f"{format_number(confirmed, lang)}/{format_number(e.capacity, lang)}"
            if e.capacity
            else format_number(confirmed, lang)
        )
        lines.append(
            f"• <b>{html.escape(e.name)}</b> — {_dates(e, lang, _tz(context))} — "
            + t(
                lang,
                "{status}; registered {seats}, waitlist {waiting}",
                status=tb(lang, STATUS_LABELS.get(e.status, e.status)),
                seats=seats,
                waiting=format_number(c.waitlisted if c else 0, lang),
            )
        )
        rows.append([_button(e.name, f"c:v:{e.id}")])
    rows.append([_button(tb(lang, "➕ Open a new campaign"), "c:new")])
    await send_html(update, context, "\n".join(lines), InlineKeyboardMarkup(rows))


def _edition_card(
    edition: CampaignEdition, lang: str, tz: str, confirmed: int, waiting: int, organiser: str
) -> str:
    capacity = format_number(edition.capacity, lang) if edition.capacity else tb(lang, "no limit")
    lines = [
        f"<b>{html.escape(edition.name)}</b>",
        t(lang, "Organiser: {agency}", agency=organiser),
        t(lang, "Place: {place}", place=edition.place or "—"),
        t(lang, "When: {dates}", dates=_dates(edition, lang, tz)),
        t(
            lang,
            "Registration until: {date}",
            date=format_datetime(edition.registration_closes_at, lang, tz=tz, fmt="short"),
        ),
        t(
            lang,
            "Places: {capacity}; registered {confirmed}; waitlist {waiting}",
            capacity=capacity,
            confirmed=format_number(confirmed, lang),
            waiting=format_number(waiting, lang),
        ),
        t(lang, "Status: {status}", status=tb(lang, STATUS_LABELS.get(edition.status, ""))),
    ]
    if edition.description:
        lines.append(html.escape(edition.description))
    return "\n".join(lines)


async def on_campaign_button(update: Update, context: Context) -> None:
    lang = user_lang(context)
    if not is_private(update):  # registrants' data never goes to a group
        await in_private_only(update, context)
        await _answer(update)
        return
    query = update.callback_query
    match = _VIEW.match(query.data or "") if query else None
    if match is None:
        return
    action, edition_id = match[1], int(match[2])
    user = _user_id(update)
    try:
        if action == "x":
            await _send_csv(update, context, edition_id)
        elif action == "l":
            await _show_registrants(update, context, edition_id)
        elif action == "cy":
            async with write_session(_factory(context)) as session:
                edition = await close_edition(
                    session,
                    edition_id,
                    actor_id=user,
                    now=_now(context),
                    admin_ids=_admins(context),
                )
            await edit_html(
                update,
                context,
                t(lang, "Registration for <b>{campaign}</b> is closed.", campaign=edition.name),
            )
        elif action == "c":
            async with read_session(_factory(context)) as session:
                edition = await managed_edition(session, edition_id, user, _admins(context))
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
    lang = user_lang(context)
    async with read_session(_factory(context)) as session:
        edition = await managed_edition(session, edition_id, _user_id(update), _admins(context))
        counts = {
            c.edition_id: c
            for c in await counts_per_edition(
                session, now=_now(context), agency_ids=[edition.organiser_agency_id]
            )
        }
        agency = await session.get(Agency, edition.organiser_agency_id)
    c = counts.get(edition_id)
    text = _edition_card(
        edition,
        lang,
        _tz(context),
        c.confirmed if c else 0,
        c.waitlisted if c else 0,
        agency.name if agency else edition.organiser_agency_id,
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
    if edition.status == "open":
        rows.append([_button(tb(lang, "🔒 Close registration"), f"c:c:{edition_id}")])
    await send_html(update, context, text, InlineKeyboardMarkup(rows))


def _skills(lang: str, codes: tuple[str, ...]) -> str:
    return ", ".join(tb(lang, SKILL_LABELS[c]) for c in codes if c in SKILL_LABELS)


async def _show_registrants(update: Update, context: Context, edition_id: int) -> None:
    lang = user_lang(context)
    async with read_session(_factory(context)) as session:
        edition, rows = await registrants(
            session, edition_id, actor_id=_user_id(update), admin_ids=_admins(context)
        )
    lines = [t(lang, "<b>Registrants of {campaign}</b>", campaign=edition.name)]
    if not rows:
        lines.append(t(lang, "Nobody has registered yet."))
    for i, r in enumerate(rows[:REGISTRANTS_SHOWN], start=1):
        if r.erased:
            lines.append(f"{i}. " + t(lang, "(data erased at the volunteer's request)"))
            continue
        details = [
            html.escape(r.full_name or ""),
            display_phone(r.phone) if r.phone else "",
            html.escape(", ".join(x for x in (r.commune, r.district) if x)),
        ]
        skills = _skills(lang, r.skills)
        if skills:
            details.append(html.escape(skills) + (f" ({r.blood_group})" if r.blood_group else ""))
        if r.status == "waitlisted":
            details.append(t(lang, "waitlist"))
        lines.append(f"{i}. " + " — ".join(d for d in details if d))
    if len(rows) > REGISTRANTS_SHOWN:
        lines.append(
            t(
                lang,
                "… and {n} more: see the CSV file.",
                n=format_number(len(rows) - REGISTRANTS_SHOWN, lang),
            )
        )
    await send_html(update, context, "\n".join(lines))


async def _send_csv(update: Update, context: Context, edition_id: int) -> None:
    lang = user_lang(context)
    async with write_session(_factory(context)) as session:
        edition, data, n = await export_csv(
            session,
            edition_id,
            actor_id=_user_id(update),
            now=_now(context),
            tz=services(context).settings.tz,
            admin_ids=_admins(context),
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


# -- guided create ------------------------------------------------------------------------


def _draft(context: Context) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    if not isinstance(draft, dict):
        draft = {}
        if context.user_data is not None:
            context.user_data[DRAFT] = draft
    return draft


def _clear(context: Context, key: str = DRAFT) -> None:
    if context.user_data is not None:
        context.user_data.pop(key, None)


def _stop_row(lang: str) -> list[InlineKeyboardButton]:
    return [_button(tb(lang, "✖ Stop"), "c:q")]


async def on_new(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    if not is_private(update):
        await in_private_only(update, context)
        return END
    async with read_session(_factory(context)) as session:
        scope = await manager_scope(session, _user_id(update), _admins(context))
    if scope.empty:
        await _not_coordinator(update, context)
        return END
    await _answer(update)
    _clear(context)
    draft = _draft(context)
    kinds = list(services(context).kb.campaigns.values())
    draft["kinds"] = [k.id for k in kinds]
    rows = [
        [_button(k.name if lang == "vi" or not k.name_en else k.name_en, f"c:k:{i}")]
        for i, k in enumerate(kinds)
    ]
    rows.append([_button(tb(lang, "Another campaign"), "c:k:-")])
    rows.append(_stop_row(lang))
    await send_html(
        update,
        context,
        t(
            lang,
            "<b>Open a new campaign</b> (step 1/8)\nWhich recurring campaign is it? "
            "You can stop at any time with /huy.",
        ),
        InlineKeyboardMarkup(rows),
    )
    return KIND


async def on_kind(update: Update, context: Context) -> str:
    await _answer(update)
    lang = user_lang(context)
    match = _INDEX.match(update.callback_query.data or "") if update.callback_query else None
    draft = _draft(context)
    kinds = draft.get("kinds", [])
    if match is None or (match[1] != "-" and int(match[1]) >= len(kinds)):
        return KIND
    key = None if match[1] == "-" else kinds[int(match[1])]
    draft["campaign_key"] = key
    kb = services(context).kb
    suggestion = ""
    if key and key in kb.campaigns:
        year = _now(context).year
        suggestion = f"{kb.campaigns[key].name} {year}"
        draft["description"] = kb.campaigns[key].description
    await edit_html(
        update,
        context,
        t(lang, "Campaign: {campaign}", campaign=suggestion or tb(lang, "another campaign")),
    )
    text = t(lang, "<b>Step 2/8.</b> The name volunteers will see:")
    if suggestion:
        text += "\n" + t(lang, "For example: {example}", example=f"{suggestion} — phường Tân Phong")
    await send_html(update, context, text)
    return NAME


async def on_name(update: Update, context: Context) -> str:
    lang = user_lang(context)
    name = " ".join((update.effective_message.text or "").split())
    if not name or len(name) > 200:
        await send_html(update, context, _error(lang, "edition_name"))
        return NAME
    draft = _draft(context)
    draft["name"] = name
    async with read_session(_factory(context)) as session:
        scope = await manager_scope(session, _user_id(update), _admins(context))
        if scope.everything:
            agencies: list[Agency] = []
        else:
            agencies = list(
                (
                    await session.scalars(
                        select(Agency)
                        .where(Agency.id.in_(sorted(scope.agencies)))
                        .order_by(Agency.name)
                    )
                ).all()
            )
    if agencies and len(agencies) <= MAX_AGENCY_BUTTONS:
        return await _offer_agencies(update, context, agencies)
    await send_html(
        update,
        context,
        t(
            lang,
            "<b>Step 3/8.</b> Which agency organises it? Type part of its name "
            "(for example: Hội Chữ thập đỏ tỉnh).",
        ),
    )
    return ORGANISER


async def _offer_agencies(update: Update, context: Context, agencies: list[Agency]) -> str:
    lang = user_lang(context)
    draft = _draft(context)
    draft["choices"] = [a.id for a in agencies]
    rows = [[_button(a.name, f"c:o:{i}")] for i, a in enumerate(agencies)]
    rows.append(_stop_row(lang))
    await send_html(
        update,
        context,
        t(lang, "<b>Step 3/8.</b> Which agency organises it?"),
        InlineKeyboardMarkup(rows),
    )
    return ORGANISER


async def on_organiser_text(update: Update, context: Context) -> str:
    lang = user_lang(context)
    needle = fold(update.effective_message.text or "")
    if len(needle) < 2:
        await send_html(update, context, t(lang, "Please type at least two letters of the name."))
        return ORGANISER
    kb = services(context).kb
    async with read_session(_factory(context)) as session:
        scope = await manager_scope(session, _user_id(update), _admins(context))
        rows = (
            await session.scalars(
                select(Agency).where(Agency.archived.is_(False)).order_by(Agency.name)
            )
        ).all()
    found = []
    for agency in rows:
        if not scope.covers(agency.id):
            continue
        record = kb.agencies.get(agency.id)
        names = [agency.name, *(record.aliases if record else [])]
        if any(needle in fold(n) for n in names):
            found.append(agency)
    if not found:
        await send_html(
            update,
            context,
            t(lang, "No agency in your scope matches that. Please try another part of the name."),
        )
        return ORGANISER
    return await _offer_agencies(update, context, found[:MAX_AGENCY_BUTTONS])


async def on_organiser_button(update: Update, context: Context) -> str:
    await _answer(update)
    lang = user_lang(context)
    match = _INDEX.match(update.callback_query.data or "") if update.callback_query else None
    draft = _draft(context)
    choices = draft.get("choices", [])
    if match is None or match[1] == "-" or int(match[1]) >= len(choices):
        return ORGANISER
    draft["organiser"] = choices[int(match[1])]
    async with read_session(_factory(context)) as session:
        agency = await session.get(Agency, draft["organiser"])
    await edit_html(
        update,
        context,
        t(lang, "Organiser: {agency}", agency=agency.name if agency else draft["organiser"]),
    )
    await send_html(update, context, t(lang, "<b>Step 4/8.</b> Where does it take place?"))
    return PLACE


async def on_place(update: Update, context: Context) -> str:
    lang = user_lang(context)
    place = " ".join((update.effective_message.text or "").split())
    if not place or len(place) > 200:
        await send_html(update, context, _error(lang, "too_long" if place else "edition_name"))
        return PLACE
    _draft(context)["place"] = place
    await send_html(
        update,
        context,
        t(
            lang,
            "<b>Step 5/8.</b> When does it start? dd/mm/yyyy hh:mm, for example 15/05/2026 07:30",
        ),
    )
    return START


async def on_start(update: Update, context: Context) -> str:
    lang = user_lang(context)
    tz = services(context).settings.tz
    try:
        starts = parse_local_datetime(
            update.effective_message.text or "", tz, default_time=dt.time(7, 30)
        )
        if starts <= _now(context):
            raise InvalidInput("in_the_past")
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return START
    _draft(context)["starts_at"] = starts.isoformat()
    await send_html(update, context, t(lang, "<b>Step 6/8.</b> When does it end? dd/mm/yyyy hh:mm"))
    return FINISH


async def on_finish(update: Update, context: Context) -> str:
    lang = user_lang(context)
    tz = services(context).settings.tz
    draft = _draft(context)
    try:
        ends = parse_local_datetime(
            update.effective_message.text or "", tz, default_time=dt.time(17, 0)
        )
        if ends < dt.datetime.fromisoformat(draft["starts_at"]):
            raise InvalidInput("ends_before_start")
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return FINISH
    draft["ends_at"] = ends.isoformat()
    await send_html(
        update,
        context,
        t(
            lang,
            "<b>Step 7/8.</b> How many volunteers can take part? Type a number, or 0 for no limit.",
        ),
    )
    return CAPACITY


async def on_capacity(update: Update, context: Context) -> str:
    lang = user_lang(context)
    try:
        capacity = parse_capacity(update.effective_message.text or "")
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return CAPACITY
    _draft(context)["capacity"] = capacity
    await send_html(
        update,
        context,
        t(
            lang,
            "<b>Step 8/8.</b> A short description for volunteers (or - to keep the standard one):",
        ),
    )
    return DESCRIPTION


def _summary(lang: str, draft: dict[str, Any], tz: str, organiser: str) -> str:
    starts = dt.datetime.fromisoformat(draft["starts_at"])
    ends = dt.datetime.fromisoformat(draft["ends_at"])
    capacity = draft.get("capacity")
    return "\n".join(
        [
            t(lang, "<b>Please check the new campaign</b>"),
            f"<b>{html.escape(draft['name'])}</b>",
            t(lang, "Organiser: {agency}", agency=organiser),
            t(lang, "Place: {place}", place=draft.get("place", "")),
            t(
                lang,
                "When: {dates}",
                dates=(
                    f"{format_datetime(starts, lang, tz=tz, fmt='short')} – "
                    f"{format_datetime(ends, lang, tz=tz, fmt='short')}"
                ),
            ),
            t(
                lang,
                "Places: {capacity}",
                capacity=(format_number(capacity, lang) if capacity else tb(lang, "no limit")),
            ),
            html.escape(draft.get("description", "")),
        ]
    )


async def on_description(update: Update, context: Context) -> str:
    lang = user_lang(context)
    text = (update.effective_message.text or "").strip()
    draft = _draft(context)
    if text != "-":
        if len(text) > 2000:
            await send_html(update, context, _error(lang, "too_long"))
            return DESCRIPTION
        draft["description"] = text
    async with read_session(_factory(context)) as session:
        agency = await session.get(Agency, draft.get("organiser", ""))
    summary = _summary(lang, draft, _tz(context), agency.name if agency else "")
    markup = InlineKeyboardMarkup(
        [[_button(tb(lang, "✅ Open the campaign"), "c:ok"), *_stop_row(lang)]]
    )
    await send_html(update, context, summary, markup)
    return CONFIRM


async def on_create(update: Update, context: Context) -> int | str:
    await _answer(update)
    lang = user_lang(context)
    draft = _draft(context)
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
        _clear(context)
        await edit_html(
            update, context, t(lang, "Something is missing. Please start again with /chiendich.")
        )
        return END
    try:
        async with write_session(_factory(context)) as session:
            edition = await create_edition(
                session,
                edition_draft,
                actor_id=_user_id(update),
                now=_now(context),
                admin_ids=_admins(context),
            )
    except NotAllowed:
        _clear(context)
        await _not_coordinator(update, context)
        return END
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return CONFIRM
    _clear(context)
    await edit_html(
        update,
        context,
        t(
            lang,
            "✅ <b>{campaign}</b> is open. Volunteers can register with /dangky.",
            campaign=edition.name,
        ),
    )
    return END


async def on_stop(update: Update, context: Context) -> int:
    await _answer(update)
    lang = user_lang(context)
    _clear(context)
    _clear(context, EDIT)
    text = t(lang, "Stopped. Nothing was changed.")
    if update.callback_query is not None:
        await edit_html(update, context, text)
    else:
        await send_html(update, context, text)
    return END


async def on_not_text(update: Update, context: Context) -> None:
    await send_html(update, context, t(user_lang(context), NOT_TEXT))


async def on_use_buttons(update: Update, context: Context) -> None:
    await send_html(
        update, context, t(user_lang(context), "Please use the buttons above, or /huy to stop.")
    )


# -- editing one field --------------------------------------------------------------------

EDIT_PROMPTS = {
    "capacity": N_("Type the new number of places (or 0 for no limit):"),
    "place": N_("Type the new place:"),
    "name": N_("Type the new name:"),
}


async def on_edit(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    if not is_private(update):
        await in_private_only(update, context)
        return END
    match = _EDIT.match(update.callback_query.data or "") if update.callback_query else None
    if match is None:
        return END
    edition_id, field = int(match[1]), match[2]
    try:
        async with read_session(_factory(context)) as session:
            edition = await managed_edition(session, edition_id, _user_id(update), _admins(context))
    except NotAllowed:
        await _not_coordinator(update, context)
        return END
    await _answer(update)
    if context.user_data is not None:
        context.user_data[EDIT] = {"edition_id": edition_id, "field": field}
    await send_html(
        update,
        context,
        f"<b>{html.escape(edition.name)}</b>\n"
        + t(lang, EDIT_PROMPTS[field])
        + "\n"
        + t(lang, "(/huy to stop)"),
    )
    return VALUE


async def on_edit_value(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    pending = (context.user_data or {}).get(EDIT) or {}
    if "edition_id" not in pending:
        return END
    raw = update.effective_message.text or ""
    field = pending["field"]
    try:
        value: object = parse_capacity(raw) if field == "capacity" else " ".join(raw.split())
        async with write_session(_factory(context)) as session:
            edition, promoted_ids = await update_edition(
                session,
                int(pending["edition_id"]),
                {field: value},
                actor_id=_user_id(update),
                now=_now(context),
                admin_ids=_admins(context),
            )
            promoted = (
                list(
                    (
                        await session.scalars(
                            select(VolunteerRegistration).where(
                                VolunteerRegistration.id.in_(promoted_ids)
                            )
                        )
                    ).all()
                )
                if promoted_ids
                else []
            )
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return VALUE
    except NotAllowed:
        _clear(context, EDIT)
        await _not_coordinator(update, context)
        return END
    _clear(context, EDIT)
    text = t(lang, "✅ Saved: <b>{campaign}</b>.", campaign=edition.name)
    if promoted:
        text += "\n" + t(
            lang,
            "{n} volunteer(s) moved up from the waitlist and were told.",
            n=format_number(len(promoted), lang),
        )
    await send_html(update, context, text)
    await notify_promoted(context, promoted)
    return END


def _conversations(persistent: bool) -> list[ConversationHandler]:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    buttons_only = MessageHandler(text, on_use_buttons)
    stop = [
        CommandHandler(["huy", "cancel"], on_stop),
        CallbackQueryHandler(on_stop, pattern=r"^c:q$"),
        # a sticker or photo mid-dialogue: a reminder of the question, not small talk
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            on_not_text,
        ),
    ]
    with warnings.catch_warnings():
        # Per user and chat on purpose; buttons are checked by state (see handlers/volunteers).
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message")
        create = ConversationHandler(
            entry_points=[CallbackQueryHandler(on_new, pattern=r"^c:new$")],  # from /chiendich
            states={
                KIND: [CallbackQueryHandler(on_kind, pattern=r"^c:k:"), buttons_only],
                NAME: [MessageHandler(text, on_name)],
                ORGANISER: [
                    CallbackQueryHandler(on_organiser_button, pattern=r"^c:o:"),
                    MessageHandler(text, on_organiser_text),
                ],
                PLACE: [MessageHandler(text, on_place)],
                START: [MessageHandler(text, on_start)],
                FINISH: [MessageHandler(text, on_finish)],
                CAPACITY: [MessageHandler(text, on_capacity)],
                DESCRIPTION: [MessageHandler(text, on_description)],
                CONFIRM: [CallbackQueryHandler(on_create, pattern=r"^c:ok$"), buttons_only],
            },
            fallbacks=stop,
            allow_reentry=True,
            name=CREATE_NAME,
            persistent=persistent,
        )
        edit = ConversationHandler(
            entry_points=[CallbackQueryHandler(on_edit, pattern=r"^c:e:")],
            states={VALUE: [MessageHandler(text, on_edit_value)]},
            fallbacks=stop,
            allow_reentry=True,
            name=EDIT_NAME,
            persistent=persistent,
        )
    return [create, edit]


COMMANDS = [CommandSpec("chiendich", N_("Campaigns (coordinators)"))]


def register(application: BotApplication) -> None:
    """Add the coordinators' campaign handlers (see ``bot/app.py``)."""
    persistent = application.persistence is not None
    for conversation in _conversations(persistent):
        application.add_handler(conversation)
    application.add_handler(
        CommandHandler(["chiendich", "campaigns"], cmd_campaigns, filters=filters.ChatType.PRIVATE)
    )
    application.add_handler(CallbackQueryHandler(on_campaign_button, pattern=r"^c:(v|l|x|c|cy):"))
    application.add_handler(CallbackQueryHandler(on_stale, pattern=r"^c:"))
    application.services.commands.extend(COMMANDS)


async def on_stale(update: Update, context: Context) -> None:
    lang = user_lang(context)
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(
                tb(lang, "This button is no longer active. Start again with /chiendich."),
                show_alert=True,
            )
