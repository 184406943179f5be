"""Volunteers in chat: /dangky (register), /cuatoi (my registrations), /xoadulieu (erase).

Thin handlers: every rule lives in :mod:`bot.volunteers`. The registration dialogue is
a named, persistent ``ConversationHandler`` (one handler per state); what the volunteer
typed so far is kept in ``user_data`` (plain JSON) so a restart of the bot - with the
database persistence - resumes at the same step with nothing lost.

Callback data (all re-checked on use; ids are only pointers, the domain checks them):

- ``v:e:<edition>``  pick a campaign; ``v:w:y|n`` waitlist yes/no; ``v:s:<skill>|done``
  toggle a skill; ``v:b:<group>|-`` blood group; ``v:c:y|n`` consent; ``v:ok`` confirm;
  ``v:q`` stop (the dialogue);
- ``vm:x:<reg>`` ask to cancel a registration, ``vm:y:<reg>`` cancel it, ``vm:n`` keep;
- ``vd:y`` / ``vd:n`` erase my data, or not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import json
import logging
import re
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.db.engine import SessionFactory, read_session, write_session
from bot.db.models_volunteers import CampaignEdition, VolunteerRegistration
from bot.i18n import N_, format_datetime, format_number, t, tb
from bot.volunteers.editions import get_edition, list_open_editions, registration_open
from bot.volunteers.registrations import (
    Outcome,
    RegistrationForm,
    cancel_registration,
    erase_personal_data,
    existing_registration,
    has_seat,
    my_registrations,
    personal_data_export,
)
from bot.volunteers.registrations import register as register_volunteer
from bot.volunteers.reminders import (
    OUTBOX_KIND,
    CampaignReminder,
    Deliver,
    outbox_key,
    send_due_reminders,
)
from bot.volunteers.reports import registrations_for_digest
from bot.volunteers.validation import (
    BLOOD_GROUPS,
    SKILLS,
    InvalidInput,
    clean_name,
    clean_place,
    display_phone,
    normalize_blood_group,
    normalize_phone,
    skills_in_text,
)
from handlers.context import (
    BotApplication,
    CommandSpec,
    Context,
    edit_html,
    send_html,
    services,
    user_lang,
)

log = logging.getLogger(__name__)

CONVERSATION_NAME = "volunteer_registration"
#: A registration left unfinished this long is dropped with what was typed.
ABANDONED_AFTER = dt.timedelta(hours=12)
DRAFT = "volunteer_draft"

CHOOSE, WAITLIST, NAME, PHONE, COMMUNE, DISTRICT, SKILLS_STEP, BLOOD, CONSENT, CONFIRM = (
    "choose",
    "waitlist",
    "name",
    "phone",
    "commune",
    "district",
    "skills",
    "blood",
    "consent",
    "confirm",
)
END = ConversationHandler.END

SKILL_LABELS: dict[str, str] = {
    "first_aid": N_("First aid"),
    "blood_donation": N_("Blood donation"),
    "disaster_response": N_("Disaster response"),
    "logistics": N_("Logistics and transport"),
    "medical": N_("Medical staff"),
}

FALLBACK_ERROR = N_("That does not look right. Please try again.")
ERRORS: dict[str, str] = {
    "empty": N_("That was empty. Please type your answer."),
    "too_long": N_("That is too long (at most 100 characters). Please shorten it."),
    "name_short": N_("Please type your full name (family name and given name)."),
    "name_digits": N_("A name cannot contain digits. Please type your full name."),
    "name_chars": N_("Please use only letters in your name."),
    "place_short": N_("Please type the name of the place in letters."),
    "phone_empty": N_("Please type your phone number."),
    "phone_chars": N_(
        "A phone number has only digits (spaces and dots are fine), for example "
        "0912 345 678 or +84 912 345 678."
    ),
    "phone_format": N_(
        "That is not a Vietnamese phone number. A mobile number has 10 digits and starts "
        "with 03, 05, 07, 08 or 09 (or +84 without the 0), for example 0912 345 678."
    ),
    "phone_foreign": N_("Please give a Vietnamese phone number (0… or +84…)."),
    "blood_group": N_("Please choose a blood group with the buttons (or type e.g. O+, AB-)."),
}

_EDITION = re.compile(r"^v:e:(\d{1,12})$")
_SKILL = re.compile(r"^v:s:([a-z_]{1,32})$")
_BLOOD = re.compile(r"^v:b:([ABO]{1,2}[+-]|-)$")
_MY = re.compile(r"^vm:([xy]):(\d{1,12})$")


# -- small helpers ------------------------------------------------------------------------


def _factory(context: Context) -> SessionFactory:
    db = services(context).db
    if db is None:
        raise RuntimeError("the database is not open")
    return db.session_factory  # type: ignore[no-any-return]


def _now(context: Context) -> dt.datetime:
    return services(context).clock.now()


def _tz(context: Context) -> str:
    return services(context).settings.timezone


def _draft(context: Context) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    if not isinstance(draft, dict):
        draft = {}
        if context.user_data is not None:
            context.user_data[DRAFT] = draft
    return draft


def _clear_draft(context: Context) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def _when(edition: CampaignEdition, lang: str, tz: str) -> str:
    return format_datetime(edition.starts_at, lang, tz=tz, fmt="short")


def _error(lang: str, reason: str) -> str:
    return t(lang, ERRORS.get(reason, FALLBACK_ERROR))


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _stop_button(lang: str) -> InlineKeyboardButton:
    return _button(tb(lang, "✖ Stop"), "v:q")


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()


async def notify_promoted(context: Context, promoted: list[VolunteerRegistration]) -> None:
    """Tell each volunteer moved up from the waitlist that they now have a place."""
    if not promoted:
        return
    async with read_session(_factory(context)) as session:
        for reg in promoted:
            if reg.chat_id is None:
                continue
            edition = await session.get(CampaignEdition, reg.edition_id)
            if edition is None:
                continue
            lang = reg.language
            text = t(
                lang,
                "🎉 Good news: a place has opened up in <b>{campaign}</b> ({when}) and it is "
                "yours. You are now registered. See /cuatoi to view or cancel it.",
                campaign=edition.name,
                when=_when(edition, lang, _tz(context)),
            )
            try:
                await context.bot.send_message(reg.chat_id, text)
            except TelegramError as exc:
                log.warning(
                    "could not tell registration %s about its promotion (%s)",
                    reg.id,
                    type(exc).__name__,
                )


# -- /dangky: choosing a campaign ---------------------------------------------------------


def _seats_line(edition: CampaignEdition, lang: str) -> str:
    if edition.capacity is None:
        return t(lang, "no limit on places")
    left = max(edition.capacity - edition.confirmed_count, 0)
    if left == 0:
        return t(lang, "full — waitlist open")
    return t(
        lang,
        "{left} of {total} places left",
        left=format_number(left, lang),
        total=format_number(edition.capacity, lang),
    )


async def cmd_register(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    async with read_session(_factory(context)) as session:
        editions = await list_open_editions(session, _now(context))
    if not editions:
        await send_html(
            update,
            context,
            t(lang, "No campaign is open for registration right now. Please check again later."),
        )
        return END
    _clear_draft(context)
    _draft(context)
    lines = [t(lang, "<b>Volunteer registration</b>\nWhich campaign would you like to join?")]
    rows = []
    for e in editions[:20]:
        where = f" — {html.escape(e.place)}" if e.place else ""
        lines.append(
            f"• <b>{html.escape(e.name)}</b>: {_when(e, lang, _tz(context))}"
            f"{where} ({_seats_line(e, lang)})"
        )
        rows.append([_button(e.name[:60], f"v:e:{e.id}")])
    rows.append([_stop_button(lang)])
    lines.append(t(lang, "You can stop at any time with /huy."))
    await send_html(update, context, "\n".join(lines), InlineKeyboardMarkup(rows))
    return CHOOSE


async def on_pick(update: Update, context: Context) -> str | int:
    await _answer(update)
    lang = user_lang(context)
    query = update.callback_query
    match = _EDITION.match(query.data or "") if query else None
    user = update.effective_user
    if match is None or user is None:
        return CHOOSE
    edition_id = int(match[1])
    now = _now(context)
    async with read_session(_factory(context)) as session:
        edition = await get_edition(session, edition_id)
        if edition is None or not registration_open(edition, now):
            await edit_html(
                update,
                context,
                t(
                    lang,
                    "This campaign is no longer open for registration. See /dangky for "
                    "the campaigns open now.",
                ),
            )
            return END
        existing = await existing_registration(session, edition_id, user.id)
    if existing is not None:
        await edit_html(
            update,
            context,
            t(
                lang,
                "You are already registered for <b>{campaign}</b>. See /cuatoi.",
                campaign=edition.name,
            ),
        )
        _clear_draft(context)
        return END
    draft = _draft(context)
    draft.clear()
    draft.update(
        {
            "edition_id": edition_id,
            "campaign": edition.name,
            "waitlist": False,
            "started_at": now.isoformat(),
        }
    )
    if not has_seat(edition):
        await edit_html(
            update,
            context,
            t(
                lang,
                "All places in <b>{campaign}</b> are taken. Would you like to join the "
                "waitlist? If a place opens up, the first on the waitlist gets it and is told "
                "at once.",
                campaign=edition.name,
            ),
            InlineKeyboardMarkup(
                [
                    [
                        _button(tb(lang, "✅ Join the waitlist"), "v:w:y"),
                        _button(tb(lang, "✖ No, thanks"), "v:w:n"),
                    ]
                ]
            ),
        )
        return WAITLIST
    await edit_html(update, context, t(lang, "You chose <b>{campaign}</b>.", campaign=edition.name))
    return await _ask_name(update, context)


async def on_waitlist(update: Update, context: Context) -> str | int:
    await _answer(update)
    lang = user_lang(context)
    query = update.callback_query
    if query is None or query.data not in ("v:w:y", "v:w:n"):
        return WAITLIST
    draft = _draft(context)
    if query.data == "v:w:n" or "edition_id" not in draft:
        _clear_draft(context)
        await edit_html(update, context, t(lang, "All right. Nothing was saved."))
        return END
    draft["waitlist"] = True
    if draft.get("consent"):  # the seat went while confirming: register straight away
        await edit_html(update, context, t(lang, "You chose the waitlist."))
        return await _submit(update, context)
    await edit_html(
        update,
        context,
        t(
            lang,
            "You chose the waitlist for <b>{campaign}</b>.",
            campaign=draft.get("campaign", ""),
        ),
    )
    return await _ask_name(update, context)


# -- text steps ---------------------------------------------------------------------------


async def _ask_name(update: Update, context: Context) -> str:
    lang = user_lang(context)
    await send_html(update, context, t(lang, "<b>Step 1/6.</b> Your full name:"))
    return NAME


async def on_name(update: Update, context: Context) -> str:
    lang = user_lang(context)
    try:
        _draft(context)["full_name"] = clean_name(update.effective_message.text or "")
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return NAME
    await send_html(
        update,
        context,
        t(
            lang,
            "<b>Step 2/6.</b> Your phone number (for example 0912 345 678 or +84 912 345 678):",
        ),
    )
    return PHONE


async def on_phone(update: Update, context: Context) -> str:
    lang = user_lang(context)
    try:
        _draft(context)["phone"] = normalize_phone(update.effective_message.text or "")
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return PHONE
    await send_html(update, context, t(lang, "<b>Step 3/6.</b> Your commune or ward:"))
    return COMMUNE


async def on_commune(update: Update, context: Context) -> str:
    lang = user_lang(context)
    try:
        _draft(context)["commune"] = clean_place(update.effective_message.text or "")
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return COMMUNE
    await send_html(update, context, t(lang, "<b>Step 4/6.</b> Your district and province:"))
    return DISTRICT


def _skills_markup(lang: str, chosen: list[str]) -> InlineKeyboardMarkup:
    rows = []
    for code in SKILLS:
        mark = "☑️ " if code in chosen else "⬜ "
        rows.append([_button(mark + tb(lang, SKILL_LABELS[code]), f"v:s:{code}")])
    rows.append([_button(tb(lang, "➡️ Done"), "v:s:done")])
    return InlineKeyboardMarkup(rows)


def _skills_text(lang: str) -> str:
    return t(
        lang,
        "<b>Step 5/6.</b> Your skills (optional): tap the ones you have, then <b>Done</b>.",
    )


async def on_district(update: Update, context: Context) -> str:
    lang = user_lang(context)
    try:
        _draft(context)["district"] = clean_place(update.effective_message.text or "")
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return DISTRICT
    chosen = _draft(context).setdefault("skills", [])
    await send_html(update, context, _skills_text(lang), _skills_markup(lang, chosen))
    return SKILLS_STEP


async def on_skill(update: Update, context: Context) -> str:
    await _answer(update)
    lang = user_lang(context)
    query = update.callback_query
    match = _SKILL.match(query.data or "") if query else None
    if match is None:
        return SKILLS_STEP
    draft = _draft(context)
    chosen: list[str] = draft.setdefault("skills", [])
    code = match[1]
    if code == "done":
        names = ", ".join(tb(lang, SKILL_LABELS[c]) for c in chosen) or tb(lang, "none")
        await edit_html(update, context, t(lang, "Skills: {skills}", skills=names))
        if "blood_donation" in chosen:
            return await _ask_blood(update, context)
        return await _ask_consent(update, context)
    if code not in SKILLS:
        return SKILLS_STEP
    if code in chosen:
        chosen.remove(code)
    else:
        chosen.append(code)
    await edit_html(update, context, _skills_text(lang), _skills_markup(lang, chosen))
    return SKILLS_STEP


async def on_skill_text(update: Update, context: Context) -> str:
    """Skills typed instead of tapped ("so cap cuu, lai xe"): ticked on a fresh list."""
    lang = user_lang(context)
    found = skills_in_text(update.effective_message.text or "")
    if not found:
        await send_html(
            update,
            context,
            t(lang, "I could not match that to the list. Tap your skills below, then Done."),
            _skills_markup(lang, _draft(context).setdefault("skills", [])),
        )
        return SKILLS_STEP
    chosen: list[str] = _draft(context).setdefault("skills", [])
    chosen.extend(code for code in found if code not in chosen)
    names = ", ".join(tb(lang, SKILL_LABELS[c]) for c in found)
    await send_html(
        update,
        context,
        t(lang, "Ticked: {skills}. Tap to change, then Done.", skills=names),
        _skills_markup(lang, chosen),
    )
    return SKILLS_STEP


async def _ask_blood(update: Update, context: Context) -> str:
    lang = user_lang(context)
    groups = [_button(g, f"v:b:{g}") for g in BLOOD_GROUPS]
    markup = InlineKeyboardMarkup(
        [groups[:4], groups[4:], [_button(tb(lang, "I don't know"), "v:b:-")]]
    )
    await send_html(update, context, t(lang, "Your blood group, if you know it:"), markup)
    return BLOOD


async def on_blood_button(update: Update, context: Context) -> str:
    await _answer(update)
    lang = user_lang(context)
    query = update.callback_query
    match = _BLOOD.match(query.data or "") if query else None
    if match is None or (match[1] != "-" and match[1] not in BLOOD_GROUPS):
        return BLOOD
    group = None if match[1] == "-" else match[1]
    _draft(context)["blood_group"] = group
    shown = group or tb(lang, "not known")
    await edit_html(update, context, t(lang, "Blood group: {group}", group=shown))
    return await _ask_consent(update, context)


async def on_blood_text(update: Update, context: Context) -> str:
    lang = user_lang(context)
    try:
        group = normalize_blood_group(update.effective_message.text or "")
    except InvalidInput as exc:
        await send_html(update, context, _error(lang, exc.reason))
        return BLOOD
    _draft(context)["blood_group"] = group
    return await _ask_consent(update, context)


# -- consent, summary, confirmation -------------------------------------------------------


async def _ask_consent(update: Update, context: Context) -> str:
    lang = user_lang(context)
    text = t(
        lang,
        "<b>Step 6/6. Consent to the processing of your personal data</b>\n"
        "Under Decree 13/2023/NĐ-CP on personal data protection, the organiser of "
        "<b>{campaign}</b> will use your name, phone number, place and skills only to "
        "organise this campaign and to contact you about it. Your data is not shared for "
        "any other purpose. You can see or cancel your registrations with /cuatoi and "
        "erase your data at any time with /xoadulieu.\n\nDo you agree?",
        campaign=_draft(context).get("campaign", ""),
    )
    markup = InlineKeyboardMarkup(
        [[_button(tb(lang, "✅ I agree"), "v:c:y"), _button(tb(lang, "✖ I do not agree"), "v:c:n")]]
    )
    await send_html(update, context, text, markup)
    return CONSENT


def _summary(lang: str, draft: dict[str, Any]) -> str:
    skills = ", ".join(tb(lang, SKILL_LABELS[c]) for c in draft.get("skills", []) if c in SKILLS)
    lines = [
        t(lang, "<b>Please check your registration</b>"),
        t(lang, "Campaign: {campaign}", campaign=draft.get("campaign", "")),
        t(lang, "Full name: {name}", name=draft.get("full_name", "")),
        t(lang, "Phone: {phone}", phone=display_phone(draft.get("phone", ""))),
        t(lang, "Commune/ward: {place}", place=draft.get("commune", "")),
        t(lang, "District/province: {place}", place=draft.get("district", "")),
        t(lang, "Skills: {skills}", skills=skills or tb(lang, "none")),
    ]
    if draft.get("blood_group"):
        lines.append(t(lang, "Blood group: {group}", group=draft["blood_group"]))
    if draft.get("waitlist"):
        lines.append(t(lang, "You will be on the waitlist."))
    return "\n".join(lines)


async def on_consent(update: Update, context: Context) -> str | int:
    await _answer(update)
    lang = user_lang(context)
    query = update.callback_query
    if query is None or query.data not in ("v:c:y", "v:c:n"):
        return CONSENT
    if query.data == "v:c:n":
        _clear_draft(context)
        await edit_html(
            update,
            context,
            t(lang, "Without your consent we cannot register you. Nothing was saved."),
        )
        return END
    draft = _draft(context)
    draft["consent"] = True
    await edit_html(
        update,
        context,
        t(lang, "Thank you: you agreed to the processing of your personal data for this campaign."),
    )
    markup = InlineKeyboardMarkup([[_button(tb(lang, "✅ Confirm"), "v:ok"), _stop_button(lang)]])
    await send_html(update, context, _summary(lang, draft), markup)
    return CONFIRM


async def on_confirm(update: Update, context: Context) -> str | int:
    await _answer(update)
    if update.callback_query is None or update.callback_query.data != "v:ok":
        return CONFIRM
    return await _submit(update, context)


async def _submit(update: Update, context: Context) -> str | int:
    lang = user_lang(context)
    user = update.effective_user
    chat = update.effective_chat
    draft = _draft(context)
    if user is None or "edition_id" not in draft:
        _clear_draft(context)
        await send_html(
            update, context, t(lang, "Something is missing. Please start again with /dangky.")
        )
        return END
    form = RegistrationForm(
        full_name=draft.get("full_name", ""),
        phone=draft.get("phone", ""),
        commune=draft.get("commune", ""),
        district=draft.get("district", ""),
        skills=list(draft.get("skills", [])),
        blood_group=draft.get("blood_group"),
        consent=bool(draft.get("consent")),
    )
    try:
        async with write_session(_factory(context)) as session:
            result = await register_volunteer(
                session,
                int(draft["edition_id"]),
                user.id,
                form,
                now=_now(context),
                chat_id=chat.id if chat else user.id,
                language=lang,
                accept_waitlist=bool(draft.get("waitlist")),
            )
    except InvalidInput:
        _clear_draft(context)
        await send_html(
            update, context, t(lang, "Something is missing. Please start again with /dangky.")
        )
        return END
    campaign = draft.get("campaign", "")
    if result.outcome is Outcome.full:
        markup = InlineKeyboardMarkup(
            [
                [
                    _button(tb(lang, "✅ Join the waitlist"), "v:w:y"),
                    _button(tb(lang, "✖ No, thanks"), "v:w:n"),
                ]
            ]
        )
        await edit_html(
            update,
            context,
            t(
                lang,
                "The last place in <b>{campaign}</b> was just taken. Would you like to "
                "join the waitlist?",
                campaign=campaign,
            ),
            markup,
        )
        return WAITLIST
    _clear_draft(context)
    if result.outcome is Outcome.confirmed:
        text = t(
            lang,
            "✅ You are registered for <b>{campaign}</b>. Thank you! We will remind "
            "you the day before it starts. See /cuatoi to view or cancel.",
            campaign=campaign,
        )
    elif result.outcome is Outcome.waitlisted:
        text = t(
            lang,
            "🕒 You are on the waitlist for <b>{campaign}</b>, position {position}. "
            "We will tell you as soon as a place opens up.",
            campaign=campaign,
            position=format_number(result.waitlist_position or 1, lang),
        )
    elif result.outcome is Outcome.duplicate:
        text = t(
            lang,
            "You are already registered for <b>{campaign}</b>. See /cuatoi.",
            campaign=campaign,
        )
    else:
        text = t(
            lang, "Sorry, registration for <b>{campaign}</b> has just closed.", campaign=campaign
        )
    await edit_html(update, context, text)
    return END


# -- leaving the dialogue, and what does not fit a step -----------------------------------


async def cmd_cancel(update: Update, context: Context) -> int:
    await _answer(update)
    lang = user_lang(context)
    _clear_draft(context)
    text = t(lang, "Registration stopped. Nothing was saved. You can start again with /dangky.")
    if update.callback_query is not None:
        await edit_html(update, context, text)
    else:
        await send_html(update, context, text)
    return END


def _started(draft: dict[str, Any]) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(draft["started_at"]))
    except (KeyError, ValueError):
        return None


def draft_expired(draft: dict[str, Any], now: dt.datetime) -> bool:
    """A form with no campaign, or started more than ``ABANDONED_AFTER`` ago."""
    started = _started(draft)
    return "edition_id" not in draft or started is None or now - started > ABANDONED_AFTER


Step = Callable[[Update, Context], Awaitable[Any]]


def _guarded(step: Step) -> Step:
    """Run a step only while its form is fresh (the check survives restarts, unlike
    PTB's conversation timeout): an expired form is dropped and the dialogue ends."""

    @functools.wraps(step)
    async def run(update: Update, context: Context) -> Any:
        if not draft_expired(_draft(context), _now(context)):
            return await step(update, context)
        await _answer(update)
        _clear_draft(context)
        await send_html(
            update,
            context,
            t(
                user_lang(context),
                "This registration form has expired and was cleared. "
                "Please start again with /dangky.",
            ),
        )
        return END

    return run


def purge_abandoned_forms(application: BotApplication) -> int:
    """Drop every expired form from user_data (and so from the persistence)."""
    now = application.services.clock.now()
    purged = 0
    for data in application.user_data.values():
        draft = data.get(DRAFT)
        if isinstance(draft, dict) and draft_expired(draft, now):
            data.pop(DRAFT, None)
            purged += 1
    return purged


async def on_abandoned(update: Update, context: Context) -> None:
    """A dialogue left half-way for hours: drop what was typed (data minimisation)."""
    _clear_draft(context)


async def on_use_buttons(update: Update, context: Context) -> None:
    lang = user_lang(context)
    await send_html(update, context, t(lang, "Please use the buttons above, or /huy to stop."))


async def on_not_text(update: Update, context: Context) -> None:
    lang = user_lang(context)
    await send_html(
        update, context, t(lang, "Please answer the question above with text, or /huy to stop.")
    )


async def on_stale_button(update: Update, context: Context) -> None:
    """A registration button from a finished (or forgotten) dialogue."""
    lang = user_lang(context)
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(TelegramError):
            await query.answer(
                tb(lang, "This button is no longer active. Start again with /dangky."),
                show_alert=True,
            )


def registration_conversation(persistent: bool) -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    buttons_only = MessageHandler(text, on_use_buttons)
    with warnings.catch_warnings():
        # per_message=False is intended: the dialogue is per user and chat; its buttons
        # are checked by state, so PTB's hint about tracking every message does not apply.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message")
        return _conversation(text, buttons_only, persistent)


def _conversation(
    text: filters.BaseFilter, buttons_only: MessageHandler, persistent: bool
) -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        entry_points=[
            CommandHandler(["dangky", "register"], cmd_register, filters=filters.ChatType.PRIVATE)
        ],
        states={
            CHOOSE: [CallbackQueryHandler(on_pick, pattern=r"^v:e:"), buttons_only],
            WAITLIST: [CallbackQueryHandler(_guarded(on_waitlist), pattern=r"^v:w:"), buttons_only],
            NAME: [MessageHandler(text, _guarded(on_name))],
            PHONE: [MessageHandler(text, _guarded(on_phone))],
            COMMUNE: [MessageHandler(text, _guarded(on_commune))],
            DISTRICT: [MessageHandler(text, _guarded(on_district))],
            SKILLS_STEP: [
                CallbackQueryHandler(_guarded(on_skill), pattern=r"^v:s:"),
                MessageHandler(text, _guarded(on_skill_text)),
            ],
            BLOOD: [
                CallbackQueryHandler(_guarded(on_blood_button), pattern=r"^v:b:"),
                MessageHandler(text, _guarded(on_blood_text)),
            ],
            CONSENT: [CallbackQueryHandler(_guarded(on_consent), pattern=r"^v:c:"), buttons_only],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, on_abandoned)],
            CONFIRM: [
                CallbackQueryHandler(_guarded(on_confirm), pattern=r"^v:ok$"),
                CallbackQueryHandler(_guarded(on_waitlist), pattern=r"^v:w:"),
                buttons_only,
            ],
        },
        fallbacks=[
            CommandHandler(["huy", "cancel"], cmd_cancel),
            CallbackQueryHandler(cmd_cancel, pattern=r"^v:q$"),
            MessageHandler(
                filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
                on_not_text,
            ),
        ],
        allow_reentry=True,
        conversation_timeout=ABANDONED_AFTER,
        name=CONVERSATION_NAME,
        persistent=persistent,
    )


# -- /cuatoi: my registrations ------------------------------------------------------------


async def cmd_mine(update: Update, context: Context) -> None:
    lang = user_lang(context)
    user = update.effective_user
    if user is None:
        return
    async with read_session(_factory(context)) as session:
        mine = await my_registrations(session, user.id, now=_now(context))
    if not mine:
        await send_html(
            update,
            context,
            t(lang, "You have no current registrations. Register with /dangky."),
        )
        return
    lines = [t(lang, "<b>Your registrations</b>")]
    rows = []
    for r in mine:
        when = format_datetime(r.starts_at, lang, tz=_tz(context), fmt="short")
        if r.status == "confirmed":
            status = t(lang, "registered")
        else:
            status = t(
                lang, "waitlist, position {n}", n=format_number(r.waitlist_position or 1, lang)
            )
        place = f", {html.escape(r.place)}" if r.place else ""
        lines.append(f"• <b>{html.escape(r.edition_name)}</b>: {when}{place} — {status}")
        label = tb(lang, "✖ Cancel: {name}", name=r.edition_name)
        rows.append([_button(label[:60], f"vm:x:{r.registration_id}")])
    rows.append([_button(tb(lang, "📄 My data (file)"), "vm:d")])
    await send_html(update, context, "\n".join(lines), InlineKeyboardMarkup(rows))


async def on_mine_button(update: Update, context: Context) -> None:
    await _answer(update)
    lang = user_lang(context)
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    if query.data == "vm:n":
        await edit_html(update, context, t(lang, "All right, your registration stays."))
        return
    if query.data == "vm:d":
        await _send_my_data(update, context)
        return
    match = _MY.match(query.data or "")
    if match is None:
        return
    action, reg_id = match[1], int(match[2])
    if action == "x":
        async with read_session(_factory(context)) as session:
            reg = await session.get(VolunteerRegistration, reg_id)
            edition = await session.get(CampaignEdition, reg.edition_id) if reg else None
        if reg is None or reg.user_id != user.id or edition is None or reg.status == "cancelled":
            await edit_html(update, context, t(lang, "This registration is no longer active."))
            return
        await edit_html(
            update,
            context,
            t(lang, "Cancel your registration for <b>{campaign}</b>?", campaign=edition.name),
            InlineKeyboardMarkup(
                [
                    [
                        _button(tb(lang, "Yes, cancel it"), f"vm:y:{reg_id}"),
                        _button(tb(lang, "No, keep it"), "vm:n"),
                    ]
                ]
            ),
        )
        return
    async with write_session(_factory(context)) as session:
        result = await cancel_registration(session, reg_id, user.id, now=_now(context))
        name = None
        if result.cancelled is not None:
            edition = await session.get(CampaignEdition, result.cancelled.edition_id)
            name = edition.name if edition else ""
    if result.cancelled is None:
        await edit_html(update, context, t(lang, "This registration is no longer active."))
        return
    await edit_html(
        update,
        context,
        t(lang, "Your registration for <b>{campaign}</b> is cancelled.", campaign=name or ""),
    )
    await notify_promoted(context, result.promoted)


async def _send_my_data(update: Update, context: Context) -> None:
    """The volunteer's own data as a JSON file (only ever to their own private chat)."""
    lang = user_lang(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or not is_private(update):
        return
    async with read_session(_factory(context)) as session:
        data = await personal_data_export(session, user.id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(
        chat.id,
        document=payload,
        filename="du_lieu_tinh_nguyen.json",
        caption=t(lang, "Everything we store about you as a volunteer. Erase it with /xoadulieu."),
    )


# -- /xoadulieu: erase my data -----------------------------------------------------------


async def cmd_erase(update: Update, context: Context) -> None:
    lang = user_lang(context)
    text = t(
        lang,
        "<b>Erase your personal data?</b>\n"
        "Your name, phone number, place, skills and blood group will be erased from all "
        "your volunteer registrations. Registrations for campaigns that have not started "
        "are cancelled. Only anonymous counts are kept. This cannot be undone.",
    )
    markup = InlineKeyboardMarkup(
        [
            [
                _button(tb(lang, "🗑 Yes, erase my data"), "vd:y"),
                _button(tb(lang, "No, keep it"), "vd:n"),
            ]
        ]
    )
    await send_html(update, context, text, markup)


async def on_erase_button(update: Update, context: Context) -> None:
    await _answer(update)
    lang = user_lang(context)
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.data not in ("vd:y", "vd:n"):
        return
    if query.data == "vd:n":
        await edit_html(update, context, t(lang, "All right, nothing was erased."))
        return
    from handlers.curation import erase_questions_of

    async with write_session(_factory(context)) as session:
        result = await erase_personal_data(session, user.id, now=_now(context))
    _clear_draft(context)
    if result.anonymised == 0:
        text = t(lang, "We hold no volunteer registration data about you. Nothing to erase.")
    else:
        text = t(
            lang,
            "Your personal data has been erased from {n} registration(s).",
            n=format_number(result.anonymised, lang),
        )
    # The questions this person asked that the bot kept for its curators go too.
    questions = await erase_questions_of(context, user.id)
    if questions:
        text += "\n" + t(
            lang,
            "Also deleted: {n} question(s) or rating(s) you left with the bot.",
            n=format_number(questions, lang),
        )
    await edit_html(update, context, text)
    await notify_promoted(context, result.promoted)


# -- privacy: personal data only in private chats ---------------------------------------------

PRIVATE_COMMANDS = [
    "dangky",
    "register",
    "cuatoi",
    "mine",
    "xoadulieu",
    "erase",
    "chiendich",
    "campaigns",
]


async def in_private_only(update: Update, context: Context) -> None:
    """Volunteer and campaign commands in a group: personal data stays out of groups."""
    lang = user_lang(context)
    await send_html(
        update,
        context,
        t(lang, "For your privacy, please use this command in a private chat with me."),
    )


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"


# -- the reminder the day before ------------------------------------------------------------

REMINDER_INTERVAL_SECONDS = 600


def reminder_text(reminder: CampaignReminder, tz: str) -> str:
    lang = reminder.language
    lines = [
        t(
            lang,
            "⏰ <b>Reminder</b>: <b>{campaign}</b> starts {when}. Thank you for volunteering!",
            campaign=reminder.edition_name,
            when=format_datetime(reminder.starts_at, lang, tz=tz, fmt="short"),
        )
    ]
    if reminder.place:
        lines.append(t(lang, "Place: {place}", place=reminder.place))
    lines.append(t(lang, "Cannot come? Please cancel with /cuatoi so someone else can go."))
    return "\n".join(lines)


def outbox_delivery(tz: str, now: dt.datetime) -> Deliver:
    """Hand reminders to the scheduler's outbox: its delivery path keeps the flood limits."""
    from scheduler.outbox import Outgoing, enqueue

    async def deliver(session: AsyncSession, reminder: CampaignReminder) -> bool:
        message = Outgoing(
            dedupe_key=outbox_key(reminder.registration_id),
            chat_id=reminder.chat_id,
            kind=OUTBOX_KIND,
            text=reminder_text(reminder, tz),
            not_before=now,
        )
        await enqueue(session, [message], now)
        return True

    return deliver


async def queue_campaign_reminders(application: BotApplication) -> int:
    """Queue every reminder due now (the job's body; tests call it after moving the clock)."""
    db = application.services.db
    if db is None:
        return 0
    now = application.services.clock.now()
    settings = application.services.settings
    return await send_due_reminders(
        db.session_factory, outbox_delivery(settings.timezone, now), now=now, tz=settings.tz
    )


async def _reminder_job(context: Context) -> None:
    try:
        await queue_campaign_reminders(context.application)  # type: ignore[arg-type]
        purge_abandoned_forms(context.application)  # type: ignore[arg-type]
    except Exception:
        log.exception("campaign reminder job failed")


async def _start_reminders(application: BotApplication) -> None:
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _reminder_job,
            interval=REMINDER_INTERVAL_SECONDS,
            first=REMINDER_INTERVAL_SECONDS,
            name="campaign reminders",
        )


# -- wiring -------------------------------------------------------------------------------

COMMANDS = [
    CommandSpec("dangky", N_("Register as a volunteer for a campaign")),
    CommandSpec("cuatoi", N_("My volunteer registrations")),
    CommandSpec("xoadulieu", N_("Erase my personal data")),
]


async def _open_database(application: BotApplication) -> None:
    """Open the database if no other area has (the persistence area normally does)."""
    if application.services.db is not None:
        return
    from bot.db.persistence import DatabasePersistence

    if isinstance(application.persistence, DatabasePersistence):
        application.services.db = await application.persistence.open()  # it closes it
        return
    from bot.db.engine import open_database

    db = await open_database(application.services.settings.database_url)
    application.services.db = db
    application.services.extras["volunteers_opened_db"] = db


async def _close_database(application: BotApplication) -> None:
    db = application.services.extras.pop("volunteers_opened_db", None)
    if db is not None:
        await db.dispose()
        if application.services.db is db:
            application.services.db = None


def register(application: BotApplication) -> None:
    """Add the volunteer handlers (see ``bot/app.py`` for where areas plug in)."""
    application.services.startup.append(_open_database)
    application.services.startup.append(_start_reminders)
    application.services.shutdown.append(_close_database)
    # The weekly digest's "registrations per campaign" (scheduler.digest.RegistrationsHook).
    application.services.extras["digest.registrations"] = registrations_for_digest
    persistent = application.persistence is not None
    application.add_handler(registration_conversation(persistent))
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler(["cuatoi", "mine"], cmd_mine, filters=private))
    application.add_handler(CommandHandler(["xoadulieu", "erase"], cmd_erase, filters=private))
    application.add_handler(CommandHandler(PRIVATE_COMMANDS, in_private_only, filters=~private))
    application.add_handler(CallbackQueryHandler(on_mine_button, pattern=r"^vm:"))
    application.add_handler(CallbackQueryHandler(on_erase_button, pattern=r"^vd:"))
    application.add_handler(CallbackQueryHandler(on_stale_button, pattern=r"^v:"))
    application.services.commands.extend(COMMANDS)
