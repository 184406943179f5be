"""What a coordinator types into the /chiendich form: names, places, descriptions.

Each check returns the cleaned value or raises :class:`InvalidInput` (its message is
the volunteers' table, :class:`bot.volunteers.validation.InvalidInput`).
"""

from __future__ import annotations

from bot.campaigns.dates import parse_capacity
from bot.forms import SKIP
from bot.volunteers.validation import InvalidInput

NAME_MAX = 200
PLACE_MAX = 200
DESCRIPTION_MAX = 2000


def _squeeze(raw: str) -> str:
    return " ".join((raw or "").split())


def clean_edition_name(raw: str) -> str:
    name = _squeeze(raw)
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("edition_name")
    return name


def clean_edition_place(raw: str) -> str:
    place = _squeeze(raw)
    if not place:
        raise InvalidInput("edition_name")
    if len(place) > PLACE_MAX:
        raise InvalidInput("text_too_long")
    return place


def clean_description(raw: str) -> object:
    """The description volunteers read; ``-`` keeps the standard one (:data:`SKIP`)."""
    text = (raw or "").strip()
    if text == "-":
        return SKIP
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput("text_too_long")
    return text


def clean_field(field: str, raw: str) -> object:
    """One field of an existing edition, as /chiendich edits it."""

    return parse_capacity(raw) if field == "capacity" else _squeeze(raw)
