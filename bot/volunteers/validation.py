"""Checks of what a volunteer types: phone numbers (Vietnamese formats), names, places.

Every check returns the cleaned value or raises :class:`InvalidInput` carrying a
reason code and the translatable message the form engine shows before asking again.
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

from bot import forms
from bot.i18n import N_

NAME_MAX = 100
PLACE_MAX = 100

# Mobile numbers: 0 + 9 digits, networks 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"^0[35789]\d{8}$")
# Fixed lines: 02 + area code + subscriber = 11 digits in all.
_LANDLINE = re.compile(r"^02\d{9}$")
_SEPARATORS = re.compile(r"[\s.\-()/]")

BLOOD_GROUPS: tuple[str, ...] = ("O+", "O-", "A+", "A-", "B+", "B-", "AB+", "AB-")

# Skill codes stored in the database; labels are translated in the handlers.
SKILLS: tuple[str, ...] = (
    "first_aid",
    "blood_donation",
    "disaster_response",
    "logistics",
    "medical",
)


class InvalidInput(forms.InvalidInput):
    """What a volunteer or a coordinator typed does not fit; ``reason`` is a code."""

    messages: ClassVar[dict[str, str]] = {
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
        # campaigns (coordinators)
        "date_format": N_(
            "Please type a date as dd/mm/yyyy, with a time if needed: 25/12/2026 07:30."
        ),
        "date_invalid": N_("That date does not exist. Please check the day and month."),
        "ends_before_start": N_("The end must be after the start. Please type the end again."),
        "in_the_past": N_("That is in the past. Please type a date to come."),
        "capacity": N_("Please type a number of places (1 to 100000), or 0 for no limit."),
        "capacity_below_confirmed": N_(
            "More volunteers are already registered than that. Please type a larger number."
        ),
        "edition_name": N_("Please type a name of at most 200 characters."),
        "text_too_long": N_("That is too long. Please shorten it."),
    }


def normalize_phone(raw: str) -> str:
    """A Vietnamese phone number in E.164 (``+84…``), or :class:`InvalidInput`.

    Accepts ``0912345678``, ``0912 345 678``, ``091.234.5678``, ``+84 912 345 678``,
    ``84912345678`` and fixed lines such as ``024 3825 1234``.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise InvalidInput("phone_empty")
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("+84"):
        national = "0" + compact[3:]
    elif compact.startswith("0084"):
        national = "0" + compact[4:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        national = "0" + compact[2:]
    else:
        national = compact
    if national.startswith("00"):
        raise InvalidInput("phone_foreign")
    if not national.isdigit() or not national.isascii():
        raise InvalidInput("phone_chars")
    if _MOBILE.match(national) or _LANDLINE.match(national):
        return "+84" + national[1:]
    raise InvalidInput("phone_format")


def display_phone(e164: str) -> str:
    """``+84912345678`` → ``0912 345 678`` (national form, grouped)."""
    if not e164.startswith("+84"):
        return e164
    national = "0" + e164[3:]
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:3]} {national[3:7]} {national[7:]}"


def _clean_text(raw: str, limit: int) -> str:
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("empty")
    if len(text) > limit:
        raise InvalidInput("too_long")
    return text


def clean_name(raw: str) -> str:
    """A full name: letters (any script, with diacritics), spaces, apostrophes, hyphens, dots."""
    name = _clean_text(raw, NAME_MAX)
    if any(ch.isdigit() for ch in name):
        raise InvalidInput("name_digits")
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 2:
        raise InvalidInput("name_short")
    if any(not (ch.isalpha() or ch in " '’-." or unicodedata.category(ch) == "Mn") for ch in name):
        raise InvalidInput("name_chars")
    return name


def clean_place(raw: str) -> str:
    """A commune/ward or district/province name."""
    place = _clean_text(raw, PLACE_MAX)
    if sum(ch.isalpha() for ch in place) < 2:
        raise InvalidInput("place_short")
    return place


def normalize_blood_group(raw: str) -> str:
    """``o+``, ``O +``, ``AB-``, ``ab âm`` → canonical group, or :class:`InvalidInput`."""
    text = unicodedata.normalize("NFC", raw or "").strip().upper()
    text = text.replace("DƯƠNG", "+").replace("ÂM", "-").replace(" ", "")
    text = text.replace("RH", "")
    if text in BLOOD_GROUPS:
        return text
    raise InvalidInput("blood_group")


# Words people type for each skill (folded: lower case, no diacritics).
_SKILL_WORDS: dict[str, tuple[str, ...]] = {
    "first_aid": ("so cap cuu", "cap cuu", "so cuu", "first aid"),
    "blood_donation": ("hien mau", "blood"),
    "disaster_response": (
        "thien tai",
        "cuu ho",
        "cuu nan",
        "lu lut",
        "bao lu",
        "disaster",
        "rescue",
        "flood",
    ),
    "logistics": (
        "hau can",
        "van chuyen",
        "lai xe",
        "tai xe",
        "logistics",
        "driver",
        "driving",
        "transport",
    ),
    "medical": ("y te", "bac si", "y ta", "dieu duong", "medical", "doctor", "nurse"),
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold()).replace("đ", "d")
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def skills_in_text(text: str) -> list[str]:
    """The skill codes named in free text (``"so cap cuu, lai xe"`` → first aid, logistics),
    in the order of :data:`SKILLS`; empty when nothing is recognised."""
    folded = f" {re.sub(r'[^a-z0-9]+', ' ', _fold(text))} "
    return [
        code for code in SKILLS if any(f" {word} " in folded for word in _SKILL_WORDS.get(code, ()))
    ]
