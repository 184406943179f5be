"""The form engine (handlers/form.py) on a toy form, end to end against the emulator:
a bad answer re-asks with the parser's message and keeps the draft, ``-`` skips, buttons
are picked, text on a buttons-only step and a sticker get a reminder, /huy drops the draft,
an expired draft is cleared."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import CommandHandler

from bot.context import BotApplication
from bot.forms import InvalidInput
from handlers.form import (
    END,
    SKIP,
    STAY,
    USE_BUTTONS,
    Form,
    Step,
    Transition,
    Turn,
    plain,
    text_prompt,
)
from tests.harness import BotHarness


class BadAge(InvalidInput):
    messages = {"age": "An age is a whole number from 1 to 120."}  # noqa: RUF012


def parse_age(raw: str) -> int:
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 120:
        raise BadAge("age")
    return int(raw)


def parse_note(raw: str) -> object:
    return SKIP if raw.strip() == "-" else raw.strip()


def pick_colour(turn: Turn, match: re.Match[str]) -> object:
    return match[1] if match[1] in ("red", "blue") else STAY


def colour_markup(turn: Turn) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[turn.button("Red", "f:c:red"), turn.button("Blue", "f:c:blue")], [turn.stop_button()]]
    )


async def finish(turn: Turn, note: Any) -> Transition:
    draft = dict(turn.draft)
    await turn.end(f"Saved: {draft['age']}, {draft['colour']}, {draft.get('note', 'no note')}")
    return END


async def start(turn: Turn) -> Transition:
    turn.form.clear(turn.context)
    turn.draft["started"] = turn.now.isoformat()
    return await turn.ask("age")


def expired(draft: dict[str, Any], now: dt.datetime) -> bool:
    return bool(draft.get("expire"))


TOY = Form(
    name="toy",
    draft_key="toy_draft",
    prefix="f",
    steps=[
        Step("age", prompt=text_prompt("Your age?"), field="age", parse=plain(parse_age)),
        Step(
            "colour",
            prompt=text_prompt("Your colour?", colour_markup),
            field="colour",
            buttons=r"^f:c:(\w+)$",
            pick=pick_colour,
        ),
        Step(
            "note",
            prompt=text_prompt("A note, or - for none:"),
            field="note",
            parse=plain(parse_note),
            save=finish,
        ),
    ],
    cancel_text="Toy stopped.",
    expired=expired,
    expired_text="Toy expired.",
)


def toy_area(application: BotApplication) -> None:
    persistent = application.persistence is not None
    application.add_handler(
        TOY.handler([CommandHandler("toy", TOY.entry(start))], persistent=persistent)
    )


async def test_a_declared_form_asks_reasks_and_finishes() -> None:
    async with BotHarness.start(areas=[toy_area]) as bot:
        lan = bot.chat()
        await lan.send("/toy")
        assert (await lan.reply()).text == "Your age?"
        await lan.send("two hundred")
        assert (await lan.reply()).text == "An age is a whole number from 1 to 120."
        await lan.send("42")
        colour = await lan.reply()
        assert colour.text == "Your colour?"
        await lan.send("red")  # text where only buttons are read
        assert "/huy" in (await lan.reply()).text
        await lan.send_sticker()
        assert "/huy" in (await lan.reply()).text
        assert bot.application.user_data[lan.user.id]["toy_draft"]["age"] == 42  # kept
        await lan.press("Blue", colour)
        assert (await lan.reply()).text == "A note, or - for none:"
        await lan.send("-")
        assert (await lan.reply()).text == "Saved: 42, blue, no note"
        assert "toy_draft" not in bot.application.user_data[lan.user.id]


async def test_cancel_and_expiry_drop_the_draft() -> None:
    async with BotHarness.start(areas=[toy_area]) as bot:
        lan = bot.chat()
        await lan.send("/toy")
        await lan.reply()
        await lan.send("30")
        colour = await lan.reply()
        await lan.press("Dừng", colour)
        assert (await lan.edit()).text == "Toy stopped."
        assert "toy_draft" not in bot.application.user_data[lan.user.id]
        await lan.send("/toy")
        await lan.reply()
        bot.application.user_data[lan.user.id]["toy_draft"]["expire"] = True
        await lan.send("30")
        assert (await lan.reply()).text == "Toy expired."
        assert "toy_draft" not in bot.application.user_data[lan.user.id]
        await lan.send("/toy")
        await lan.reply()
        await lan.send("/huy")
        assert (await lan.reply()).text == "Toy stopped."


def test_use_buttons_text_is_the_shared_one() -> None:
    assert TOY.use_buttons_text == USE_BUTTONS
