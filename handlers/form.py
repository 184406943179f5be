"""One small form engine: a conversation declared as a table of steps.

A :class:`Form` is a named, persistent PTB ``ConversationHandler`` with one state per
:class:`Step` (one handler list per state, as in PTB's ``persistentconversationbot``
example). What the user has answered so far — the *draft* — is a plain JSON dict in
``context.user_data[form.draft_key]``, so with the database persistence a restart of the
bot resumes at the same step with nothing lost.

A step says how to ask (``prompt``), how to read a typed answer (``parse``: a plain
domain function that returns the value or raises :class:`bot.forms.InvalidInput`), where
the value goes (``field``) and where to go next (``next``). Buttons are read by ``pick``
(the pressed button's match → the value) or, for what is not "one value", by a custom
``on_button`` / ``on_text``. The engine does the rest once for every form:

- a value that does not parse: the error's translated message is sent and the same
  question stays open; the draft keeps everything answered before;
- text where only buttons are accepted, a sticker or photo: a polite reminder;
- ``/huy`` (``/cancel``) or the form's stop button: the draft is dropped, the form ends;
- a form past its ``expired`` check: the draft is dropped and the user told (the check
  lives in the draft, so it survives restarts, unlike PTB's ``conversation_timeout``,
  which is also set when ``timeout`` is given and drops the draft too).

Transitions are step names, or :data:`END`. Step callbacks get a :class:`Turn`: the
update, the context, the user's language, the draft, and small verbs (``send``,
``edit``, ``ask``, ``end``).

A form, declared::

    FORM = Form(
        name="volunteer_registration", draft_key="volunteer_draft", prefix="v",
        steps=[
            Step(NAME, prompt=text_prompt(N_("Your full name:")), field="full_name",
                 parse=plain(clean_name)),
            Step(PHONE, prompt=text_prompt(N_("Your phone:")), field="phone",
                 parse=plain(normalize_phone), next=COMMUNE),
            ...
        ],
        cancel_text=N_("Registration stopped. Nothing was saved."),
    )
    application.add_handler(FORM.handler([CommandHandler("dangky", FORM.entry(start))],
                                         persistent=True))
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import re
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from bot.forms import SKIP, InvalidInput
from bot.i18n import N_, t, tb
from handlers.context import edit_html, send_html

END: int = ConversationHandler.END
Transition: TypeAlias = str | int
Reply: TypeAlias = str | tuple[str, InlineKeyboardMarkup | None]

#: returned by ``pick`` (or ``parse``) for an answer to ignore: the step stays, silently
STAY = object()

TEXT = filters.TEXT & ~filters.COMMAND

Context = BotContext

__all__ = ["END", "SKIP", "STAY", "Form", "InvalidInput", "Reply", "Step", "Transition", "Turn"]

USE_BUTTONS = N_("Please use the buttons above, or /huy to stop.")
NOT_TEXT = N_("Please answer the question above with text, or /huy to stop.")


@dataclass
class Turn:
    """One update inside a form: what step callbacks get."""

    form: Form
    update: Update
    context: Context
    lang: str

    @property
    def draft(self) -> dict[str, Any]:
        return self.form.draft(self.context)

    @property
    def now(self) -> dt.datetime:
        return self.context.services.clock.now()

    @property
    def text(self) -> str:
        message = self.update.effective_message
        return (message.text or "") if message is not None else ""

    @property
    def user_id(self) -> int:
        user = self.update.effective_user
        return user.id if user is not None else 0

    def t(self, msgid: str, **kw: object) -> str:
        return t(self.lang, msgid, **kw)

    def tb(self, msgid: str, **kw: object) -> str:
        return tb(self.lang, msgid, **kw)

    async def send(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await send_html(self.update, self.context, text, markup)

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Replace the pressed message (a new message when the update is not a press)."""
        await edit_html(self.update, self.context, text, markup)

    async def reply(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Edit the pressed message, or send when the update is typed text."""
        if self.update.callback_query is not None:
            await self.edit(text, markup)
        else:
            await self.send(text, markup)

    async def answer(self, alert: str | None = None) -> None:
        """Answer the button press (stops the client's spinner); idempotent enough."""
        query = self.update.callback_query
        if query is not None:
            with contextlib.suppress(TelegramError):
                await query.answer(alert, show_alert=alert is not None)

    async def ask(self, step: Transition) -> Transition:
        """Send ``step``'s prompt and make it the open question (END just ends)."""
        return await self.form.ask(self, step)

    async def end(self, text: str | None = None) -> int:
        """Drop the draft, say ``text`` (an already translated HTML string), end."""
        self.form.clear(self.context)
        if text is not None:
            await self.reply(text)
        return END

    def button(self, label: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label[:60], callback_data=data)

    def stop_button(self) -> InlineKeyboardButton:
        return self.button(self.tb(self.form.stop_label), f"{self.form.prefix}:q")


Prompt = Callable[[Turn], Awaitable[Reply | None]]
Parser = Callable[[Turn, str], Any]
Picker = Callable[[Turn, "re.Match[str]"], Any]
Save = Callable[[Turn, Any], Awaitable[Transition | None]]
Next: TypeAlias = str | int | Callable[[dict[str, Any]], Transition] | None
ButtonStep = Callable[[Turn, "re.Match[str]"], Awaitable[Transition]]
TextStep = Callable[[Turn, str], Awaitable[Transition]]
Start = Callable[[Turn], Awaitable[Transition]]
#: a PTB callback of the form (PTB wants a coroutine function)
Handler = Callable[[Update, "Context"], Coroutine[Any, Any, Transition]]


def plain(parse: Callable[[str], Any]) -> Parser:
    """A parser from a plain domain function of the typed text."""

    def run(turn: Turn, raw: str) -> Any:
        return parse(raw)

    return run


def text_prompt(msgid: str, markup: Callable[[Turn], InlineKeyboardMarkup] | None = None) -> Prompt:
    """A prompt that is one translated message (``{field}`` placeholders from the draft)."""

    async def prompt(turn: Turn) -> Reply:
        kw = {k: v for k, v in turn.draft.items() if isinstance(v, str | int)}
        return turn.t(msgid, **kw), markup(turn) if markup else None

    return prompt


@dataclass(frozen=True)
class Step:
    """One question of a form.

    ``name``: the conversation state. ``prompt``: how the question is asked when the form
    moves to this step. ``field``: the draft key the answer goes to. ``parse``: typed
    text → value (raise :class:`InvalidInput` to ask again). ``buttons``: the callback
    data this step accepts (a regex); ``pick``: the pressed button's match → value.
    ``save``: runs after the value is stored (may write, may raise :class:`InvalidInput`,
    may return where to go). ``next``: the following step (a name, END, or a function of
    the draft); by default the next row of the table. ``on_text`` / ``on_button``: a
    step that is not "one value" handles its input itself and returns the transition.
    ``guarded``: check the form's ``expired`` rule first.
    """

    name: str
    prompt: Prompt | None = None
    field: str | None = None
    parse: Parser | None = None
    buttons: str | None = None
    pick: Picker | None = None
    save: Save | None = None
    next: Next = None
    on_text: TextStep | None = None
    on_button: ButtonStep | None = None
    guarded: bool = True

    @classmethod
    def question(
        cls, name: str, prompt: str, field: str, parse: Callable[[str], Any], **more: Any
    ) -> Step:
        """The common row: ask ``prompt`` (a msgid), read the text with a plain domain
        parser, keep the value as ``field``. ``more``: any other :class:`Step` field."""
        return cls(name, prompt=text_prompt(prompt), field=field, parse=plain(parse), **more)


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@dataclass
class Form:
    """A conversation form: its steps in order, and what all its steps share."""

    name: str
    draft_key: str
    prefix: str
    steps: Sequence[Step]
    cancel_text: str
    cancel_commands: tuple[str, ...] = ("huy", "cancel")
    stop_label: str = N_("✖ Stop")
    use_buttons_text: str = USE_BUTTONS
    not_text_text: str = NOT_TEXT
    #: the draft is too old (or broken) to go on with: dropped, ``expired_text`` sent
    expired: Callable[[dict[str, Any], dt.datetime], bool] | None = None
    expired_text: str = ""
    #: PTB's conversation timeout (the draft is dropped when it fires)
    timeout: dt.timedelta | None = None
    _by_name: dict[str, Step] = field(init=False, repr=False)
    _order: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {s.name: s for s in self.steps}
        self._order = [s.name for s in self.steps]
        if len(self._by_name) != len(self.steps):
            raise ValueError(f"form {self.name}: two steps share a name")

    # -- the draft ------------------------------------------------------------------------

    def draft(self, context: Context) -> dict[str, Any]:
        """The draft in ``user_data`` (created empty when missing)."""
        data = context.user_data
        if data is None:
            return {}
        draft = data.get(self.draft_key)
        if not isinstance(draft, dict):
            draft = {}
            data[self.draft_key] = draft
        return draft

    def clear(self, context: Context) -> None:
        if context.user_data is not None:
            context.user_data.pop(self.draft_key, None)

    def turn(self, update: Update, context: Context) -> Turn:
        return Turn(self, update, context, context.lang)

    # -- moving between steps -------------------------------------------------------------

    def step(self, name: str) -> Step:
        return self._by_name[name]

    def following(self, step: Step, draft: dict[str, Any]) -> Transition:
        if callable(step.next):
            return step.next(draft)
        if step.next is not None:
            return step.next
        i = self._order.index(step.name)
        return self._order[i + 1] if i + 1 < len(self._order) else END

    async def ask(self, turn: Turn, target: Transition) -> Transition:
        if not isinstance(target, str):
            return target
        step = self.step(target)
        if step.prompt is not None:
            reply = await step.prompt(turn)
            if isinstance(reply, str):
                await turn.send(reply)
            elif reply is not None:
                await turn.send(*reply)
        return target

    async def _accept(self, turn: Turn, step: Step, value: Any) -> Transition:
        """Store a value, run the step's save, move on; a bad value re-asks."""
        if value is STAY:
            return step.name
        try:
            if value is not SKIP and step.field is not None:
                turn.draft[step.field] = value
            target = await step.save(turn, value) if step.save is not None else None
        except InvalidInput as exc:
            await turn.send(turn.t(exc.message, **exc.params))
            return step.name
        if target is None:
            target = self.following(step, turn.draft)
        return await self.ask(turn, target)

    # -- PTB callbacks --------------------------------------------------------------------

    async def _fresh(self, turn: Turn, step: Step) -> bool:
        if self.expired is None or not step.guarded or not self.expired(turn.draft, turn.now):
            return True
        await turn.answer()
        self.clear(turn.context)
        await turn.send(turn.t(self.expired_text))
        return False

    def _on_text(self, step: Step) -> Handler:
        async def run(update: Update, context: Context) -> Transition:
            turn = self.turn(update, context)
            if not await self._fresh(turn, step):
                return END
            if step.on_text is not None:
                return await step.on_text(turn, turn.text)
            assert step.parse is not None
            try:
                value = await _maybe(step.parse(turn, turn.text))
            except InvalidInput as exc:
                await turn.send(turn.t(exc.message, **exc.params))
                return step.name
            return await self._accept(turn, step, value)

        return run

    def _on_button(self, step: Step) -> Handler:
        pattern = re.compile(step.buttons or "")

        async def run(update: Update, context: Context) -> Transition:
            turn = self.turn(update, context)
            if not await self._fresh(turn, step):
                return END
            query = update.callback_query
            match = pattern.match(query.data or "") if query is not None else None
            if match is None:
                await turn.answer()
                return step.name
            if step.on_button is not None:
                return await step.on_button(turn, match)
            await turn.answer()
            assert step.pick is not None
            return await self._accept(turn, step, await _maybe(step.pick(turn, match)))

        return run

    def entry(self, start: Start) -> Handler:
        """A PTB callback that opens the form with ``start`` (for the entry points)."""

        async def run(update: Update, context: Context) -> Transition:
            return await start(self.turn(update, context))

        return run

    def callback(self, fn: Start) -> Handler:
        """Any other callback of the form's own (e.g. a second button on a state)."""
        return self.entry(fn)

    async def _cancel(self, update: Update, context: Context) -> int:
        turn = self.turn(update, context)
        await turn.answer()
        return await turn.end(turn.t(self.cancel_text))

    async def _use_buttons(self, update: Update, context: Context) -> None:
        await send_html(update, context, t(context.lang, self.use_buttons_text))

    async def _not_text(self, update: Update, context: Context) -> None:
        await send_html(update, context, t(context.lang, self.not_text_text))

    async def _timed_out(self, update: Update, context: Context) -> None:
        self.clear(context)  # a dialogue left half-way for hours: data minimisation

    def state_handlers(self, step: Step) -> list[BaseHandler[Any, Any, Any]]:
        """The handlers of one state: its buttons, its text, or a "use the buttons"."""
        handlers: list[BaseHandler[Any, Any, Any]] = []
        if step.buttons is not None:
            handlers.append(CallbackQueryHandler(self._on_button(step), pattern=step.buttons))
        if step.parse is not None or step.on_text is not None:
            handlers.append(MessageHandler(TEXT, self._on_text(step)))
        else:
            handlers.append(MessageHandler(TEXT, self._use_buttons))
        return handlers

    def handler(
        self,
        entry_points: list[BaseHandler[Any, Any, Any]],
        *,
        persistent: bool,
        extra: dict[str, list[BaseHandler[Any, Any, Any]]] | None = None,
        timeout: dt.timedelta | None = None,
    ) -> ConversationHandler[Any]:
        """The ``ConversationHandler``; ``extra`` adds handlers to a state before its own;
        ``timeout`` overrides the form's (read when the bot is built)."""
        timeout = timeout or self.timeout
        states: dict[object, list[BaseHandler[Any, Any, Any]]] = {}
        for step in self.steps:
            states[step.name] = [*(extra or {}).get(step.name, []), *self.state_handlers(step)]
        if timeout is not None:
            states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, self._timed_out)]
        fallbacks: list[BaseHandler[Any, Any, Any]] = [
            CommandHandler(list(self.cancel_commands), self._cancel),
            CallbackQueryHandler(self._cancel, pattern=rf"^{re.escape(self.prefix)}:q$"),
            # a sticker or photo mid-dialogue: a reminder of the question, not small talk
            MessageHandler(
                filters.ChatType.PRIVATE
                & ~filters.TEXT
                & ~filters.COMMAND
                & ~filters.StatusUpdate.ALL,
                self._not_text,
            ),
        ]
        with warnings.catch_warnings():
            # per_message=False on purpose: a form is per user and chat; its buttons are
            # checked by state, so PTB's hint about tracking every message does not apply.
            warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message")
            return ConversationHandler(
                entry_points=entry_points,
                states=states,
                fallbacks=fallbacks,
                allow_reentry=True,
                conversation_timeout=timeout,
                name=self.name,
                persistent=persistent,
            )

    def purge_expired(self, user_data: Any, now: dt.datetime) -> int:
        """Drop every expired draft of this form from all users' data (and so the store)."""
        if self.expired is None:
            return 0
        purged = 0
        for data in user_data.values():
            draft = data.get(self.draft_key)
            if isinstance(draft, dict) and self.expired(draft, now):
                data.pop(self.draft_key, None)
                purged += 1
        return purged
