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
import html
import json
import logging
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, filters

from bot.campaigns.reports import registrations_for_digest
from bot.context import BotApplication, BotContext, CommandSpec
from bot.i18n import N_, format_datetime, format_number, t, tb
from bot.mydata.service import MY_DATA_CAPTION, export_all
from bot.volunteers import service, texts
from bot.volunteers.registrations import Outcome, RegistrationForm, has_seat
from bot.volunteers.service import Registration
from bot.volunteers.texts import SKILL_LABELS, promoted_text, when
from bot.volunteers.validation import (
    BLOOD_GROUPS,
    SKILLS,
    InvalidInput,
    clean_name,
    clean_place,
    normalize_blood_group,
    normalize_phone,
    skills_in_text,
)
from handlers.context import edit_html, send_html
from handlers.form import (
    END,
    STAY,
    Form,
    Reply,
    Step,
    Transition,
    Turn,
    plain,
    text_prompt,
)

Context = BotContext

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


_EDITION = re.compile(r"^v:e:(\d{1,12})$")
_SKILL = re.compile(r"^v:s:([a-z_]{1,32})$")
_BLOOD = re.compile(r"^v:b:([ABO]{1,2}[+-]|-)$")
_MY = re.compile(r"^vm:([xy]):(\d{1,12})$")


# -- small helpers ------------------------------------------------------------------------


def _now(context: Context) -> dt.datetime:
    return context.services.clock.now()


def _tz(context: Context) -> str:
    return context.services.settings.timezone


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()


async def notify_promoted(context: Context, promoted: list[Registration]) -> None:
    """Tell each volunteer moved up from the waitlist that they now have a place."""
    if not promoted:
        return
    for reg, edition in await service.promotion_notices(context.db, promoted):
        assert reg.chat_id is not None
        try:
            await context.bot.send_message(
                reg.chat_id, promoted_text(edition, reg.language, _tz(context))
            )
        except TelegramError as exc:
            log.warning(
                "could not tell registration %s about its promotion (%s)",
                reg.id,
                type(exc).__name__,
            )


# -- /dangky: choosing a campaign ---------------------------------------------------------


async def start(turn: Turn) -> Transition:
    """/dangky: the campaigns open now, as buttons."""
    lang, context = turn.lang, turn.context
    editions = await service.open_editions(context.db, turn.now)
    if not editions:
        await turn.send(
            turn.t("No campaign is open for registration right now. Please check again later.")
        )
        return END
    FORM.clear(context)
    FORM.draft(context)
    lines = [turn.t("<b>Volunteer registration</b>\nWhich campaign would you like to join?")]
    rows = []
    for e in editions[:20]:
        where = f" — {html.escape(e.place)}" if e.place else ""
        lines.append(
            f"• <b>{html.escape(e.name)}</b>: {when(e, lang, _tz(context))}"
            f"{where} ({texts.seats_line(e, lang)})"
        )
        rows.append([_button(e.name[:60], f"v:e:{e.id}")])
    rows.append([turn.stop_button()])
    lines.append(turn.t("You can stop at any time with /huy."))
    await turn.send("\n".join(lines), InlineKeyboardMarkup(rows))
    return CHOOSE


def _waitlist_markup(turn: Turn) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                turn.button(turn.tb("✅ Join the waitlist"), "v:w:y"),
                turn.button(turn.tb("✖ No, thanks"), "v:w:n"),
            ]
        ]
    )


async def on_pick(turn: Turn, match: re.Match[str]) -> Transition:
    await turn.answer()
    picked = _EDITION.match(match.string)
    user = turn.update.effective_user
    if picked is None or user is None:
        return CHOOSE
    edition_id = int(picked[1])
    now = turn.now
    choice = await service.choose(turn.context.db, edition_id, user.id, now)
    edition = choice.edition
    if edition is None or not choice.open:
        await turn.edit(
            turn.t(
                "This campaign is no longer open for registration. See /dangky for "
                "the campaigns open now."
            )
        )
        return END
    if choice.already:
        return await turn.end(
            turn.t(
                "You are already registered for <b>{campaign}</b>. See /cuatoi.",
                campaign=edition.name,
            )
        )
    draft = turn.draft
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
        await turn.edit(
            turn.t(
                "All places in <b>{campaign}</b> are taken. Would you like to join the "
                "waitlist? If a place opens up, the first on the waitlist gets it and is told "
                "at once.",
                campaign=edition.name,
            ),
            _waitlist_markup(turn),
        )
        return WAITLIST
    await turn.edit(turn.t("You chose <b>{campaign}</b>.", campaign=edition.name))
    return await turn.ask(NAME)


async def on_waitlist(turn: Turn, match: re.Match[str]) -> Transition:
    await turn.answer()
    if match.string not in ("v:w:y", "v:w:n"):
        return WAITLIST
    draft = turn.draft
    if match.string == "v:w:n" or "edition_id" not in draft:
        return await turn.end(turn.t("All right. Nothing was saved."))
    draft["waitlist"] = True
    if draft.get("consent"):  # the seat went while confirming: register straight away
        await turn.edit(turn.t("You chose the waitlist."))
        return await _submit(turn)
    await turn.edit(
        turn.t("You chose the waitlist for <b>{campaign}</b>.", campaign=draft.get("campaign", ""))
    )
    return await turn.ask(NAME)


# -- skills and blood group ---------------------------------------------------------------


def _chosen_skills(turn: Turn) -> list[str]:
    chosen: list[str] = turn.draft.setdefault("skills", [])
    return chosen


def _skills_markup(turn: Turn) -> InlineKeyboardMarkup:
    chosen = _chosen_skills(turn)
    rows = []
    for code in SKILLS:
        mark = "☑️ " if code in chosen else "⬜ "
        rows.append([turn.button(mark + turn.tb(SKILL_LABELS[code]), f"v:s:{code}")])
    rows.append([turn.button(turn.tb("➡️ Done"), "v:s:done")])
    return InlineKeyboardMarkup(rows)


PHONE_PROMPT = N_(
    "<b>Step 2/6.</b> Your phone number (for example 0912 345 678 or +84 912 345 678):"
)
SKILLS_PROMPT = N_(
    "<b>Step 5/6.</b> Your skills (optional): tap the ones you have, then <b>Done</b>."
)


async def on_skill(turn: Turn, match: re.Match[str]) -> Transition:
    await turn.answer()
    picked = _SKILL.match(match.string)
    if picked is None:
        return SKILLS_STEP
    chosen = _chosen_skills(turn)
    code = picked[1]
    if code == "done":
        names = texts.skill_names(turn.lang, chosen) or turn.tb("none")
        await turn.edit(turn.t("Skills: {skills}", skills=names))
        return await turn.ask(BLOOD if "blood_donation" in chosen else CONSENT)
    if code not in SKILLS:
        return SKILLS_STEP
    if code in chosen:
        chosen.remove(code)
    else:
        chosen.append(code)
    await turn.edit(turn.t(SKILLS_PROMPT), _skills_markup(turn))
    return SKILLS_STEP


async def on_skill_text(turn: Turn, raw: str) -> Transition:
    """Skills typed instead of tapped ("so cap cuu, lai xe"): ticked on a fresh list."""
    found = skills_in_text(raw)
    if not found:
        await turn.send(
            turn.t("I could not match that to the list. Tap your skills below, then Done."),
            _skills_markup(turn),
        )
        return SKILLS_STEP
    chosen = _chosen_skills(turn)
    chosen.extend(code for code in found if code not in chosen)
    await turn.send(
        turn.t(
            "Ticked: {skills}. Tap to change, then Done.",
            skills=texts.skill_names(turn.lang, found),
        ),
        _skills_markup(turn),
    )
    return SKILLS_STEP


def _blood_markup(turn: Turn) -> InlineKeyboardMarkup:
    groups = [turn.button(g, f"v:b:{g}") for g in BLOOD_GROUPS]
    return InlineKeyboardMarkup(
        [groups[:4], groups[4:], [turn.button(turn.tb("I don't know"), "v:b:-")]]
    )


def pick_blood(turn: Turn, match: re.Match[str]) -> object:
    picked = _BLOOD.match(match.string)
    if picked is None or (picked[1] != "-" and picked[1] not in BLOOD_GROUPS):
        return STAY
    return None if picked[1] == "-" else picked[1]


async def echo_blood(turn: Turn, group: str | None) -> None:
    """A pressed button is replaced by what it chose; a typed group needs no echo."""
    if turn.update.callback_query is not None:
        shown = group or turn.tb("not known")
        await turn.edit(turn.t("Blood group: {group}", group=shown))


# -- consent, summary, confirmation -------------------------------------------------------


async def ask_consent(turn: Turn) -> Reply:
    text = turn.t(
        "<b>Step 6/6. Consent to the processing of your personal data</b>\n"
        "Under Decree 13/2023/NĐ-CP on personal data protection, the organiser of "
        "<b>{campaign}</b> will use your name, phone number, place, skills and blood group "
        "only to organise this campaign and to contact you about it. Your data is not "
        "shared for any other purpose. It is kept until 30 days after the campaign ends, "
        "then erased (only anonymous counts stay); a registration left unfinished is "
        "deleted after 24 hours. You can see or cancel your registrations with /cuatoi, "
        "get all your data with /dulieucuatoi and erase it at any time with "
        "/xoadulieu.\n\nDo you agree?",
        campaign=turn.draft.get("campaign", ""),
    )
    markup = InlineKeyboardMarkup(
        [
            [
                turn.button(turn.tb("✅ I agree"), "v:c:y"),
                turn.button(turn.tb("✖ I do not agree"), "v:c:n"),
            ]
        ]
    )
    return text, markup


async def on_consent(turn: Turn, match: re.Match[str]) -> Transition:
    await turn.answer()
    if match.string not in ("v:c:y", "v:c:n"):
        return CONSENT
    if match.string == "v:c:n":
        return await turn.end(
            turn.t("Without your consent we cannot register you. Nothing was saved.")
        )
    turn.draft["consent"] = True
    await turn.edit(
        turn.t("Thank you: you agreed to the processing of your personal data for this campaign.")
    )
    return await turn.ask(CONFIRM)


async def ask_confirm(turn: Turn) -> Reply:
    markup = InlineKeyboardMarkup(
        [[turn.button(turn.tb("✅ Confirm"), "v:ok"), turn.stop_button()]]
    )
    return texts.registration_summary(turn.lang, turn.draft), markup


async def on_confirm(turn: Turn, match: re.Match[str]) -> Transition:
    if match.string.startswith("v:w:"):  # the last seat went: the waitlist question
        return await on_waitlist(turn, match)
    await turn.answer()
    if match.string != "v:ok":
        return CONFIRM
    return await _submit(turn)


async def _submit(turn: Turn) -> Transition:
    user, chat, draft = turn.update.effective_user, turn.update.effective_chat, turn.draft
    missing = turn.t("Something is missing. Please start again with /dangky.")
    if user is None or "edition_id" not in draft:
        FORM.clear(turn.context)
        await turn.send(missing)
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
        result = await service.submit(
            turn.context.db,
            int(draft["edition_id"]),
            user.id,
            form,
            now=turn.now,
            chat_id=chat.id if chat else user.id,
            language=turn.lang,
            accept_waitlist=bool(draft.get("waitlist")),
        )
    except InvalidInput:
        FORM.clear(turn.context)
        await turn.send(missing)
        return END
    campaign = draft.get("campaign", "")
    if result.outcome is Outcome.full:
        await turn.edit(
            turn.t(
                "The last place in <b>{campaign}</b> was just taken. Would you like to "
                "join the waitlist?",
                campaign=campaign,
            ),
            _waitlist_markup(turn),
        )
        return WAITLIST
    FORM.clear(turn.context)
    if result.outcome is Outcome.confirmed:
        text = turn.t(
            "✅ You are registered for <b>{campaign}</b>. Thank you! We will remind "
            "you the day before it starts. See /cuatoi to view or cancel.",
            campaign=campaign,
        )
    elif result.outcome is Outcome.waitlisted:
        text = turn.t(
            "🕒 You are on the waitlist for <b>{campaign}</b>, position {position}. "
            "We will tell you as soon as a place opens up.",
            campaign=campaign,
            position=format_number(result.waitlist_position or 1, turn.lang),
        )
    elif result.outcome is Outcome.duplicate:
        text = turn.t(
            "You are already registered for <b>{campaign}</b>. See /cuatoi.", campaign=campaign
        )
    else:
        text = turn.t(
            "Sorry, registration for <b>{campaign}</b> has just closed.", campaign=campaign
        )
    await turn.edit(text)
    return END


# -- the form -----------------------------------------------------------------------------


def draft_expired(draft: dict[str, Any], now: dt.datetime) -> bool:
    """A form with no campaign, or started more than ``ABANDONED_AFTER`` ago."""
    try:
        started = dt.datetime.fromisoformat(str(draft["started_at"]))
    except (KeyError, ValueError):
        return True
    return "edition_id" not in draft or now - started > ABANDONED_AFTER


FORM = Form(
    name=CONVERSATION_NAME,
    draft_key=DRAFT,
    prefix="v",
    steps=[
        Step(CHOOSE, buttons=r"^v:e:", on_button=on_pick, guarded=False),
        Step(WAITLIST, buttons=r"^v:w:", on_button=on_waitlist),
        Step.question(NAME, N_("<b>Step 1/6.</b> Your full name:"), "full_name", clean_name),
        Step.question(PHONE, PHONE_PROMPT, "phone", normalize_phone),
        Step.question(
            COMMUNE, N_("<b>Step 3/6.</b> Your commune or ward:"), "commune", clean_place
        ),
        Step.question(
            DISTRICT, N_("<b>Step 4/6.</b> Your district and province:"), "district", clean_place
        ),
        Step(
            SKILLS_STEP,
            prompt=text_prompt(SKILLS_PROMPT, _skills_markup),
            buttons=r"^v:s:",
            on_button=on_skill,
            on_text=on_skill_text,
        ),
        Step(
            BLOOD,
            prompt=text_prompt(N_("Your blood group, if you know it:"), _blood_markup),
            field="blood_group",
            buttons=r"^v:b:",
            pick=pick_blood,
            parse=plain(normalize_blood_group),
            save=echo_blood,
        ),
        Step(CONSENT, prompt=ask_consent, buttons=r"^v:c:", on_button=on_consent),
        Step(CONFIRM, prompt=ask_confirm, buttons=r"^v:(ok$|w:)", on_button=on_confirm),
    ],
    cancel_text=N_("Registration stopped. Nothing was saved. You can start again with /dangky."),
    expired=draft_expired,
    expired_text=N_(
        "This registration form has expired and was cleared. Please start again with /dangky."
    ),
)


def purge_abandoned_forms(application: BotApplication) -> int:
    """Drop every expired form from user_data (and so from the persistence)."""
    return FORM.purge_expired(application.user_data, application.services.clock.now())


async def on_stale_button(update: Update, context: Context) -> None:
    """A registration button from a finished (or forgotten) dialogue."""
    lang = context.lang
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(TelegramError):
            await query.answer(
                tb(lang, "This button is no longer active. Start again with /dangky."),
                show_alert=True,
            )


def registration_conversation(persistent: bool) -> ConversationHandler[Any]:
    entry = CommandHandler(
        ["dangky", "register"], FORM.entry(start), filters=filters.ChatType.PRIVATE
    )
    return FORM.handler([entry], persistent=persistent, timeout=ABANDONED_AFTER)


# -- /cuatoi: my registrations ------------------------------------------------------------


async def cmd_mine(update: Update, context: Context) -> None:
    lang = context.lang
    user = update.effective_user
    if user is None:
        return
    mine = await service.mine(context.db, user.id, _now(context))
    if not mine:
        # The export stays one press away: past registrations, questions and the
        # officer profile are in it too.
        await send_html(
            update,
            context,
            t(lang, "You have no current registrations. Register with /dangky."),
            InlineKeyboardMarkup([[_button(tb(lang, "📄 My data (file)"), "vm:d")]]),
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
    lang = context.lang
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
        edition = await service.cancellable(context.db, reg_id, user.id)
        if edition is None:
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
    name, promoted = await service.cancel(context.db, reg_id, user.id, _now(context))
    if name is None:
        await edit_html(update, context, t(lang, "This registration is no longer active."))
        return
    await edit_html(
        update,
        context,
        t(lang, "Your registration for <b>{campaign}</b> is cancelled.", campaign=name or ""),
    )
    await notify_promoted(context, promoted)


async def _send_my_data(update: Update, context: Context) -> None:
    """The person's whole export (bot.mydata) as a JSON file, only to their private chat."""
    lang = context.lang
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or not is_private(update):
        return
    data = await export_all(context.db, context.services.curation, user.id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(
        chat.id,
        document=payload,
        filename=f"kl44-{user.id}.json",
        caption=t(lang, MY_DATA_CAPTION),
    )


# -- /xoadulieu: erase my data -----------------------------------------------------------


async def cmd_erase(update: Update, context: Context) -> None:
    lang = context.lang
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
    lang = context.lang
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.data not in ("vd:y", "vd:n"):
        return
    if query.data == "vd:n":
        await edit_html(update, context, t(lang, "All right, nothing was erased."))
        return
    result = await service.erase(context.db, user.id, _now(context))
    FORM.clear(context)
    if result.anonymised == 0:
        text = t(lang, "We hold no volunteer registration data about you. Nothing to erase.")
    else:
        text = t(
            lang,
            "Your personal data has been erased from {n} registration(s).",
            n=format_number(result.anonymised, lang),
        )
    # The questions this person asked that the bot kept for its curators go too.
    questions = await context.services.curation.erase_questions_of(user.id)
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
    lang = context.lang
    await send_html(
        update,
        context,
        t(lang, "For your privacy, please use this command in a private chat with me."),
    )


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"


# -- wiring -------------------------------------------------------------------------------

#: how often forms left half-way are looked for (the reminders' tick is the scheduler's)
PURGE_INTERVAL_SECONDS = 600

COMMANDS = [
    CommandSpec("dangky", N_("Register as a volunteer for a campaign")),
    CommandSpec("cuatoi", N_("My volunteer registrations")),
    CommandSpec("xoadulieu", N_("Erase my personal data")),
]


async def _purge_job(context: Context) -> None:
    application = context.application
    if isinstance(application, BotApplication):
        purge_abandoned_forms(application)


async def _start_purging(application: BotApplication) -> None:
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _purge_job,
            interval=PURGE_INTERVAL_SECONDS,
            first=PURGE_INTERVAL_SECONDS,
            name="abandoned volunteer forms",
        )


def register(application: BotApplication) -> None:
    """Add the volunteer handlers (see ``bot/app.py`` for where areas plug in)."""
    application.services.startup.append(_start_purging)
    # The weekly digest's "registrations per campaign" (bot.context.RegistrationsHook).
    application.services.digest_registrations = registrations_for_digest
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
