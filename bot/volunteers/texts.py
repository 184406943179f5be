"""What the bot says about volunteering outside the chat dialogue: skill names, the
reminder the day before, the message to a volunteer moved up from the waitlist."""

from __future__ import annotations

from bot.db.models_volunteers import CampaignEdition
from bot.i18n import N_, format_datetime, t
from bot.volunteers.reminders import CampaignReminder

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
