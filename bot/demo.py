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

from bot import demo_seed
from bot.app import start_polling, stop_polling
from bot.context import BotApplication
from bot.db.engine import Database
from bot.demo_remind import send_due_reminders
from bot.demo_seed import ACCOUNTS, OFFICERS, DemoAccount
from bot.i18n import format_datetime, tb, tn
from bot.logs import configure_logging
from bot.settings import Settings
from emulator import ChatHandle, Emulator, Reply
from scheduler.service import SchedulerService

#: builds the whole bot from settings (``kl44.build_application``: the wiring is one layer up)
Build = Callable[[Settings], BotApplication]
#: the application's scheduler (``handlers.reminders.scheduler_service``, one layer up)
SchedulerOf = Callable[[BotApplication], SchedulerService | None]

DEMO_DATABASE = "sqlite+aiosqlite:///./data/demo.db"
FIRST_REPLY_TIMEOUT = 20.0  # seconds to wait for the bot's first reaction
QUIET = 0.4  # the bot is done when it has been silent this long (terminal display only)
QUIT = {"/quit", "/exit", "/thoat"}
MAX_CHOICE_DIGITS = 3  # longer numbers are text (a phone number typed in a form)
SWITCH_ROLE = "/vai"  # the demo's own commands: never handlers of the production bot
SEND_REMINDERS = "/demo_nhac"

log = logging.getLogger(__name__)


def is_choice(text: str) -> bool:
    """A button number ("2"), not a phone number or a year typed as an answer."""
    return text.isdigit() and len(text) <= MAX_CHOICE_DIGITS


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
        if is_choice(text) and self.choices:
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


class DemoRoles:
    """The terminal's current person, and the demo's own commands around the chat.

    ``/vai`` lists the demo accounts as numbered choices; picking one switches the
    terminal to that account's private chat and sends its /start. ``/demo_nhac`` sends
    the reminders due with the clock moved (:mod:`bot.demo_remind`). Anything else goes
    to the current chat.
    """

    def __init__(
        self,
        emulator: Emulator,
        application: BotApplication,
        out: TextIO,
        lang: str,
        scheduler_of: SchedulerOf | None = None,
    ) -> None:
        self.emulator = emulator
        self.application = application
        self.out = out
        self.lang = lang
        self.scheduler_of = scheduler_of
        self.chats: dict[str, TerminalChat] = {}
        self.picking = False
        for account in ACCOUNTS:  # every demo account has its chat (reminders reach it)
            self.chat_of(account)
        self.account = ACCOUNTS[0]
        self.current = self.chat_of(self.account)

    def chat_of(self, account: DemoAccount) -> TerminalChat:
        if account.key not in self.chats:
            handle = self.emulator.private_chat(account.user_id, account.first_name)
            self.chats[account.key] = TerminalChat(handle, self.out, self.lang)
        return self.chats[account.key]

    def show_roles(self) -> None:
        print(
            f"\n🎭 {tb(self.lang, 'Try the bot as (demo accounts, sample data):')}", file=self.out
        )
        for number, account in enumerate(ACCOUNTS, start=1):
            mark = " ←" if account == self.account else ""
            label = tb(self.lang, account.label)
            print(f"   [{number}] {label} ({account.first_name}){mark}", file=self.out)
        self.out.flush()
        self.picking = True

    async def switch(self, account: DemoAccount) -> None:
        self.account = account
        self.current = self.chat_of(account)
        role = tb(self.lang, account.label)
        now = tb(self.lang, "You are now: {role} ({name}).", role=role, name=account.first_name)
        print(f"\n🎭 {now}", file=self.out)
        await self.current.handle("/start")

    async def remind(self) -> None:
        svc = self.scheduler_of(self.application) if self.scheduler_of else None
        if svc is None:
            print(tb(self.lang, "The scheduler is not running in this demo."), file=self.out)
            return
        agencies = {o.agency_id for o in OFFICERS if o.agency_id}
        done = await send_due_reminders(svc, agencies, self.application.services.clock)
        if done.moment is None or not done.sent:
            print(tb(self.lang, "No reminder is due for the demo officers."), file=self.out)
            return
        when = format_datetime(done.moment, self.lang, fmt="short")
        sent = tn(
            self.lang,
            "Clock moved to {when}: {count} reminder sent.",
            "Clock moved to {when}: {count} reminders sent.",
            done.sent,
            when=when,
            count=done.sent,
        )
        print(f"\n⏰ {sent}", file=self.out)
        if self.account not in OFFICERS:
            await self.switch(OFFICERS[-1])  # the officer's chat, where the reminder went
        else:
            await self.current.show_until_quiet()

    async def handle(self, line: str) -> bool:
        text = line.strip()
        command = text.split("@")[0].lower()
        if command == SWITCH_ROLE:
            self.show_roles()
            return True
        if command == SEND_REMINDERS:
            self.picking = False
            await self.remind()
            return True
        if self.picking and is_choice(text):
            self.picking = False
            number = int(text)
            if not 1 <= number <= len(ACCOUNTS):
                print(tb(self.lang, "There is no button {number}.", number=number), file=self.out)
                return True
            await self.switch(ACCOUNTS[number - 1])
            return True
        self.picking = False
        return await self.current.handle(line)


async def prepare(application: BotApplication, out: TextIO, lang: str) -> None:
    """Seed the sample data (once) and show fresh join codes for the demo agencies."""
    services = application.services
    db = services.db
    if not isinstance(db, Database):
        return
    await demo_seed.seed(db, services.settings, services.clock)
    codes = await demo_seed.join_codes(db, services.settings, services.clock)
    kb = services.kb
    lines = []
    for code in codes:
        agency = kb.agencies.get(code.agency_id) if kb else None
        name = agency.name if agency else code.agency_id
        lines.append(f"   {name}: /thamgia {code.code}")
    print(
        tb(
            lang,
            "Sample data {mark} is loaded. Join codes of the demo agencies:",
            mark=demo_seed.SAMPLE,
        ),
        file=out,
    )
    print("\n".join(lines), file=out)
    print(
        tb(
            lang,
            "/vai switches role (citizen, officers, coordinator, admin, volunteer); "
            "/demo_nhac sends the reminders due, with the clock moved.",
        ),
        file=out,
    )


async def run_demo(
    build_application: Build,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    *,
    database_url: str = DEMO_DATABASE,
    settings: Settings | None = None,
    scheduler_of: SchedulerOf | None = None,
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
        database_url=database_url,  # never DATABASE_URL's: the demo writes sample data
        metrics_port=0,  # the demo serves no /metrics (it may run beside a real bot)
        admin_user_ids=frozenset({demo_seed.ADMIN.user_id}),  # the demo's administrator
    )
    config = Settings(_env_file=None, **base)  # type: ignore[call-arg]  # pydantic-settings option
    lang = config.default_language
    application = build_application(config)
    started = False
    try:
        await start_polling(application, poll_timeout=5)
        started = True
        await emulator.wait_polling()
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
        await prepare(application, out, lang)
        roles = DemoRoles(emulator, application, out, lang, scheduler_of)
        await roles.current.handle("/start")
        loop = asyncio.get_running_loop()
        while True:
            print(f"\n{tb(lang, 'You')}> ", end="", file=out, flush=True)
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:  # end of input
                print(file=out)
                break
            if not line.strip():
                continue
            if not await roles.handle(line):
                break
        print(tb(lang, "Goodbye!"), file=out)
        return 0
    finally:
        try:
            if started:
                await stop_polling(application)
        finally:
            await emulator.stop()


def main_demo(
    argv: list[str], build_application: Build, scheduler_of: SchedulerOf | None = None
) -> int:
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
            run_demo(
                build_application,
                database_url=args.database_url,
                settings=settings,
                scheduler_of=scheduler_of,
            )
        )
    except KeyboardInterrupt:
        return 0
