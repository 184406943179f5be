"""What /chiendich shows: campaign cards, registrant lists, the new campaign's summary."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from bot.campaigns.reports import Registrant
from bot.campaigns.service import EditionView
from bot.db.models_volunteers import CampaignEdition as Edition
from bot.i18n import N_, format_datetime, format_number, t, tb
from bot.volunteers.texts import SKILL_LABELS
from bot.volunteers.validation import display_phone

#: registrants listed in the chat; the rest are in the CSV file
REGISTRANTS_SHOWN = 50


def dates(edition: Edition, lang: str, tz: str) -> str:
    start = format_datetime(edition.starts_at, lang, tz=tz, fmt="short")
    end = format_datetime(edition.ends_at, lang, tz=tz, fmt="short")
    return f"{start} – {end}"


STATUS_LABELS = {
    "open": N_("open"),
    "closed": N_("registration closed"),
    "cancelled": N_("cancelled"),
}


def edition_card(view: EditionView, lang: str, tz: str) -> str:
    edition = view.edition
    capacity = format_number(edition.capacity, lang) if edition.capacity else tb(lang, "no limit")
    lines = [
        f"<b>{html.escape(edition.name)}</b>",
        t(lang, "Organiser: {agency}", agency=view.organiser),
        t(lang, "Place: {place}", place=edition.place or "—"),
        t(lang, "When: {dates}", dates=dates(edition, lang, tz)),
        t(
            lang,
            "Registration until: {date}",
            date=format_datetime(edition.registration_closes_at, lang, tz=tz, fmt="short"),
        ),
        t(
            lang,
            "Places: {capacity}; registered {confirmed}; waitlist {waiting}",
            capacity=capacity,
            confirmed=format_number(view.confirmed, lang),
            waiting=format_number(view.waitlisted, lang),
        ),
        t(lang, "Status: {status}", status=tb(lang, STATUS_LABELS.get(edition.status, ""))),
    ]
    if edition.description:
        lines.append(html.escape(edition.description))
    return "\n".join(lines)


def skill_names(lang: str, codes: tuple[str, ...]) -> str:
    return ", ".join(tb(lang, SKILL_LABELS[c]) for c in codes if c in SKILL_LABELS)


def registrant_list(campaign: str, rows: list[Registrant], lang: str) -> str:
    lines = [t(lang, "<b>Registrants of {campaign}</b>", campaign=campaign)]
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
        skills = skill_names(lang, r.skills)
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
    return "\n".join(lines)


def new_campaign_summary(lang: str, draft: dict[str, Any], tz: str, organiser: str) -> str:
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
