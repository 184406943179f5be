"""``python -m bot demo``: the whole bot against the local emulator, chatted with from a terminal.

The real Application (the same one ``python -m bot`` runs against Telegram) polls an
in-process :class:`~emulator.Emulator` over HTTP; the terminal plays the user:
typed lines are messages, a number presses the button shown with that number, and
``/quit`` (or end of input, Ctrl-D) leaves. The database is the embedded SQLite file
``./data/demo.db`` unless ``--database-url`` says otherwise.

The loop ends at end of input, so a non-interactive run (CI, a pipe) never hangs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.app import start_polling, stop_polling
from bot.context import BotApplication
from bot.i18n import tb
from bot.logs import configure_logging
from bot.settings import Settings
from emulator import ChatHandle, Emulator, Reply

#: builds the whole bot from settings (``kl44.build_application``: the wiring is one layer up)
Build = Callable[[Settings], BotApplication]

DEMO_DATABASE = "sqlite+aiosqlite:///./data/demo.db"
FIRST_REPLY_TIMEOUT = 20.0  # seconds to wait for the bot's first reaction
QUIET = 0.4  # the bot is done when it has been silent this long (terminal display only)
QUIT = {"/quit", "/exit", "/thoat"}

log = logging.getLogger(__name__)


class TerminalChat:
    """Shows what the bot does in a chat and turns numbers into button presses."""

    def __init__(self, chat: ChatHandle, out: TextIO, lang: str) -> None:
        self.chat = chat
        self.out = out
        self.lang = lang
        self.choices: list[tuple[Reply, str]] = []

    def show(self, kind: str, reply: Reply) -> None:
        label = tb(self.lang, "Bot")
        if kind == "edit":
            label += " " + tb(self.lang, "(edited)")
        body = reply.text
        if reply.photo:
            body = (tb(self.lang, "[photo]") + " " + body).strip()
        if reply.document:
            name = reply.document.get("file_name") or reply.document.get("file_id")
            body = (tb(self.lang, "[file: {name}]", name=name) + " " + body).strip()
        print(f"\n🤖 {label}:\n{body}", file=self.out)
        if reply.buttons:
            self.choices = []
            for row in reply.keyboard:
                cells = []
                for button in row:
                    self.choices.append((reply, button.text))
                    cells.append(f"[{len(self.choices)}] {button.text}")
                print("   " + "   ".join(cells), file=self.out)
        self.out.flush()

    async def show_until_quiet(self) -> int:
        """Print the bot's messages and edits until it falls silent; return how many."""
        shown = 0
        timeout = FIRST_REPLY_TIMEOUT
        while True:
            try:
                kind, reply = await self.chat.next(timeout=timeout)
            except TimeoutError:
                break
            self.show(kind, reply)
            shown += 1
            timeout = QUIET
        if not shown:
            print(tb(self.lang, "The bot did not answer in time."), file=self.out)
        return shown

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False when the user wants to leave."""
        text = line.strip()
        if text.lower() in QUIT:
            return False
        if text.isdigit() and self.choices:
            number = int(text)
            if not 1 <= number <= len(self.choices):
                print(tb(self.lang, "There is no button {number}.", number=number), file=self.out)
                return True
            message, label = self.choices[number - 1]
            button = message.button(label)
            self.chat.press_data(button.callback_data or "", message)
        else:
            await self.chat.send(line.rstrip("\n"))
        await self.show_until_quiet()
        return True


async def run_demo(
    build_application: Build,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    *,
    database_url: str = DEMO_DATABASE,
    settings: Settings | None = None,
) -> int:
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    if database_url.startswith("sqlite") and ":///./" in database_url:
        Path("data").mkdir(exist_ok=True)
    emulator = await Emulator(bot_username="kl44_demo_bot").start()
    base = settings.model_dump() if settings else {}
    base.update(
        telegram_bot_token=emulator.token,
        telegram_base_url=emulator.base_url,
        telegram_base_file_url=None,
        webhook_url=None,
        database_url=database_url,
        metrics_port=0,  # the demo serves no /metrics (it may run beside a real bot)
    )
    config = Settings(_env_file=None, **base)  # type: ignore[call-arg]  # pydantic-settings option
    lang = config.default_language
    application = build_application(config)
    started = False
    try:
        await start_polling(application, poll_timeout=5)
        started = True
        await emulator.wait_polling()
        user = TerminalChat(emulator.private_chat(first_name="Bạn"), out, lang)
        print(
            tb(lang, "Demo: the whole bot against a local Telegram emulator, no account needed."),
            file=out,
        )
        print(
            tb(
                lang,
                "Type a message and press Enter. A number presses the button with that "
                "number; /quit leaves.",
            ),
            file=out,
        )
        await user.handle("/start")
        loop = asyncio.get_running_loop()
        while True:
            print(f"\n{tb(lang, 'You')}> ", end="", file=out, flush=True)
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:  # end of input
                print(file=out)
                break
            if not line.strip():
                continue
            if not await user.handle(line):
                break
        print(tb(lang, "Goodbye!"), file=out)
        return 0
    finally:
        try:
            if started:
                await stop_polling(application)
        finally:
            await emulator.stop()


def main_demo(argv: list[str], build_application: Build) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot demo",
        description="Chat with the whole bot from the terminal, through a local emulator.",
    )
    parser.add_argument("--database-url", default=DEMO_DATABASE, help="default: ./data/demo.db")
    args = parser.parse_args(argv)
    settings = Settings()
    configure_logging("WARNING", secrets=[settings.token])
    try:
        return asyncio.run(
            run_demo(build_application, database_url=args.database_url, settings=settings)
        )
    except KeyboardInterrupt:
        return 0
