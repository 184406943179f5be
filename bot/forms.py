"""What a form's parser raises when the user's answer does not fit.

Parsers are plain domain functions (``bot/<feature>/validation.py`` and the like): they
take the typed text and return the cleaned value, or raise :class:`InvalidInput`. The
error carries a machine ``reason`` (for tests and callers) and an English msgid
``message`` (marked with ``N_``) that the form engine (``handlers/form.py``) translates
into the user's language and sends before asking the same question again.

A feature gives its own messages by subclassing with a ``messages`` table, so the raise
sites stay short (``raise InvalidPhone("phone_format")``)::

    class InvalidInput(forms.InvalidInput):
        messages = {"phone_format": N_("That is not a Vietnamese phone number …")}
"""

from __future__ import annotations

from typing import ClassVar

from bot.i18n import N_

FALLBACK_MESSAGE = N_("That does not look right. Please try again.")


#: what a parser returns for "keep what the draft has" (``-`` for an optional answer)
SKIP: object = object()


class InvalidInput(ValueError):
    """The answer does not fit; ``message`` is a translatable msgid, ``params`` fill it."""

    messages: ClassVar[dict[str, str]] = {}

    def __init__(self, reason: str, message: str | None = None, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message or self.messages.get(reason, FALLBACK_MESSAGE)
        self.params = params
