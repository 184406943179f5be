"""What the bot says about volunteering: skill names, places left, the summary before
confirming, the reminder the day before, the message to a volunteer moved up from the
waitlist."""

from __future__ import annotations

from typing import Any

from bot.db.models_volunteers import CampaignEdition
from bot.i18n import N_, format_datetime, format_number, t, tb
from bot.volunteers.reminders import CampaignReminder
from bot.volunteers.validation import SKILLS, display_phone

SKILL_LABELS: dict[str, str] = {
    "first_aid": N_("First aid"),
    "blood_donation": N_("Blood donation"),
    "disaster_response": N_("Disaster response"),
    "logistics": N_("Logistics and transport"),
    "medical": N_("Medical staff"),
}


def when(edition: CampaignEdition, lang: str, tz: str) -> str:
    return format_datetime(edition.starts_at, lang, tz=tz, fmt="short")


def promoted_text(edition: CampaignEdition, lang: str, tz: str) -> str:
    return t(
        lang,
        "🎉 Good news: a place has opened up in <b>{campaign}</b> ({when}) and it is "
        "yours. You are now registered. See /cuatoi to view or cancel it.",
        campaign=edition.name,
        when=when(edition, lang, tz),
    )


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


def seats_line(edition: CampaignEdition, lang: str) -> str:
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


def skill_names(lang: str, codes: list[str]) -> str:
    return ", ".join(tb(lang, SKILL_LABELS[c]) for c in codes if c in SKILLS)


def registration_summary(lang: str, draft: dict[str, Any]) -> str:
    skills = skill_names(lang, draft.get("skills", []))
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
