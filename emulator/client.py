"""The user side of the emulator: what a person does in a chat, and what they see.

Reads like errbot's test backend::

    chat = emulator.private_chat(first_name="Lan")
    await chat.send("ai chu tri ra soat luat?")     # a text message (or "/hoi …", a command)
    reply = await chat.reply()                     # the next message the bot sends
    assert "Bộ Nội vụ" in reply.text
    await chat.press("Thời hạn")                   # press an inline button by its label
    edited = await chat.edit()                     # the next edit the bot makes
    note = await chat.callback_answer()            # how the bot answered the press

Every wait is on a condition with a timeout (``TimeoutError`` names what was awaited);
nothing sleeps. Each handle keeps its own read cursors: ``reply()`` returns messages in
the order the bot sent them, each once; ``edit()`` likewise for edits.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from emulator.formatting import detect_entities
from emulator.media import STICKER_BYTES, photo_size, tiny_png
from emulator.state import JSON, CallbackRecord, ChatInfo, EmulatorState, UserInfo

DEFAULT_TIMEOUT = 10.0
_query_ids = itertools.count(1)


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None
    row: int = 0
    column: int = 0


@dataclass(frozen=True)
class Reply:
    """A message of the bot as the user sees it (a snapshot)."""

    data: JSON = field(repr=False)

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.data["chat"]["id"])

    @property
    def text(self) -> str:
        """The visible text (or caption), markup already parsed away."""
        return str(self.data.get("text") or self.data.get("caption") or "")

    @property
    def entities(self) -> list[JSON]:
        return list(self.data.get("entities") or self.data.get("caption_entities") or [])

    def entity_texts(self, kind: str) -> list[str]:
        """The pieces of text carrying entity ``kind`` ("bold", "italic", …)."""
        raw = self.text.encode("utf-16-le")
        return [
            raw[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in self.entities
            if e.get("type") == kind
        ]

    @property
    def keyboard(self) -> list[list[Button]]:
        rows = (self.data.get("reply_markup") or {}).get("inline_keyboard") or []
        return [
            [
                Button(b["text"], b.get("callback_data"), b.get("url"), r, c)
                for c, b in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]

    @property
    def buttons(self) -> list[Button]:
        return [b for row in self.keyboard for b in row]

    @property
    def labels(self) -> list[str]:
        return [b.text for b in self.buttons]

    def button(self, label: str) -> Button:
        """The button labelled ``label``; else the only one starting with it, else the only
        one containing it (both casefolded)."""
        return _find_button(self.buttons, label, self.message_id)

    @property
    def document(self) -> JSON | None:
        return self.data.get("document")

    @property
    def photo(self) -> list[JSON] | None:
        return self.data.get("photo")

    @property
    def edit_count(self) -> int:
        return len(self.data.get("edit_history") or [])

    def __contains__(self, needle: str) -> bool:
        return needle in self.text


def _find_button(buttons: list[Button], label: str, message_id: int | None = None) -> Button:
    exact = [b for b in buttons if b.text == label]
    if exact:
        return exact[0]
    folded = label.casefold()
    prefixed = [b for b in buttons if b.text.casefold().startswith(folded)]
    if len(prefixed) == 1:
        return prefixed[0]
    partial = [b for b in buttons if folded in b.text.casefold()]
    if len(partial) == 1:
        return partial[0]
    where = f" on message {message_id}" if message_id is not None else ""
    if partial:
        raise LookupError(f"{label!r} matches several buttons{where}: {[b.text for b in partial]}")
    raise LookupError(f"no button {label!r}{where}; buttons: {[b.text for b in buttons]}")


class ChatHandle:
    """One user in one chat (private, or a member of a group)."""

    def __init__(self, state: EmulatorState, chat: ChatInfo, user: UserInfo) -> None:
        self.state = state
        self.chat = chat
        self.user = user
        self._message_cursor = 0  # index into the "message" entries of the chat's activity
        self._edit_cursor = 0
        self._activity_cursor = 0
        self.last_press: CallbackRecord | None = None

    @property
    def chat_id(self) -> int:
        return self.chat.id

    # ------------------------------------------------------------------ sending
    def _message(self, content: JSON) -> JSON:
        return {
            "message_id": self.state.next_message_id(self.chat.id),
            "from": self.user.to_dict(),
            "chat": self.chat.to_dict(),
            "date": int(time.time()),
            **content,
        }

    def _deliver(self, message: JSON) -> JSON:
        self.state.store_message(self.chat.id, message, from_bot=False, method="user")
        self.state.push_update("message", message)
        return message

    async def send(self, text: str) -> JSON:
        """Type and send ``text``; a leading ``/command`` becomes a bot command, as in the app."""
        content: JSON = {"text": text}
        entities = [e for e in detect_entities(text) if e["type"] == "bot_command"]
        if entities:
            content["entities"] = entities
        return self._deliver(self._message(content))

    async def command(self, name: str, argument: str = "") -> JSON:
        name = name.lstrip("/")
        return await self.send(f"/{name} {argument}".rstrip() if argument else f"/{name}")

    async def send_sticker(self, emoji: str = "👍") -> JSON:
        record = self.state.add_file(STICKER_BYTES, "sticker", mime_type="image/webp")
        sticker = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(record.data),
        }
        return self._deliver(self._message({"sticker": sticker}))

    async def send_photo(self, caption: str | None = None, data: bytes | None = None) -> JSON:
        data = data or tiny_png(4, 4)
        record = self.state.add_file(data, "photo", mime_type="image/png")
        content: JSON = {"photo": [photo_size(record, 4, 4)]}
        if caption:
            content["caption"] = caption
        return self._deliver(self._message(content))

    async def send_document(self, data: bytes, filename: str, mime_type: str | None = None) -> JSON:
        record = self.state.add_file(data, "document", filename=filename, mime_type=mime_type)
        document: JSON = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_name": filename,
            "file_size": len(data),
        }
        if mime_type:
            document["mime_type"] = mime_type
        return self._deliver(self._message({"document": document}))

    async def press(self, label: str, message: Reply | None = None) -> CallbackRecord:
        """Press the inline button labelled ``label`` (exact, else a unique part of it).

        Looks on ``message`` if given, else on the newest bot message that has such a button.
        """
        if message is not None:
            stored = self.state.get_message(self.chat.id, message.message_id)
            if stored is None:
                raise LookupError(f"message {message.message_id} no longer exists")
            button = Reply(stored.view()).button(label)
            return self.press_data(button.callback_data or "", Reply(stored.view()))
        errors = []
        for stored in reversed(self.state.bot_messages.get(self.chat.id, [])):
            if stored.deleted:
                continue
            view = Reply(stored.view())
            try:
                button = view.button(label)
            except LookupError as exc:
                errors.append(str(exc))
                continue
            if button.callback_data is None:
                raise LookupError(f"button {label!r} has no callback data (url: {button.url})")
            return self.press_data(button.callback_data, view)
        detail = errors[0] if errors else "the bot has sent no buttons"
        raise LookupError(f"no button {label!r} in chat {self.chat.id}: {detail}")

    def press_data(self, data: str, message: Reply | None = None) -> CallbackRecord:
        """Send a callback query with arbitrary ``data`` (e.g. forged) from ``message``.

        Without ``message`` the newest bot message of the chat is used.
        """
        if message is None:
            sent = [m for m in self.state.bot_messages.get(self.chat.id, []) if not m.deleted]
            if not sent:
                raise LookupError("the bot has sent no message to attach the press to")
            message = Reply(sent[-1].view())
        data_message = {k: v for k, v in message.data.items() if k != "edit_history"}
        query_id = f"{self.user.id}{next(_query_ids):08d}"
        query: JSON = {
            "id": query_id,
            "from": self.user.to_dict(),
            "message": data_message,
            "chat_instance": str(abs(self.chat.id) * 7 + 3),
            "data": data,
        }
        record = CallbackRecord(query=query)
        self.state.callbacks[query_id] = record
        self.state.callback_order.append(query_id)
        self.state.push_update("callback_query", query)
        self.last_press = record
        return record

    # ------------------------------------------------------------------ reading
    def _entries(self, kind: str | None) -> list[JSON]:
        return [m for k, m in self.state.activity.get(self.chat.id, []) if kind in (None, k)]

    async def reply(self, timeout: float = DEFAULT_TIMEOUT) -> Reply:
        """The next message the bot sends to this chat (not yet returned by this handle)."""

        def check() -> JSON | None:
            entries = self._entries("message")
            return entries[self._message_cursor] if len(entries) > self._message_cursor else None

        try:
            data = await self.state.wait_for(check, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"the bot sent no new message to chat {self.chat.id} within {timeout} s"
            ) from None
        self._message_cursor += 1
        return Reply(data)

    async def replies(self, count: int, timeout: float = DEFAULT_TIMEOUT) -> list[Reply]:
        return [await self.reply(timeout) for _ in range(count)]

    async def reply_containing(self, needle: str, timeout: float = DEFAULT_TIMEOUT) -> Reply:
        """Skip messages until one contains ``needle`` (for multi-part answers)."""
        while True:
            reply = await self.reply(timeout)
            if needle in reply.text:
                return reply

    async def edit(self, timeout: float = DEFAULT_TIMEOUT) -> Reply:
        """The next edit the bot makes to a message in this chat."""

        def check() -> JSON | None:
            entries = self._entries("edit")
            return entries[self._edit_cursor] if len(entries) > self._edit_cursor else None

        try:
            data = await self.state.wait_for(check, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"the bot edited no message in chat {self.chat.id} within {timeout} s"
            ) from None
        self._edit_cursor += 1
        return Reply(data)

    async def next(self, timeout: float = DEFAULT_TIMEOUT) -> tuple[str, Reply]:
        """The next thing the bot does here: ``("message", reply)`` or ``("edit", reply)``.

        Advances the matching cursor too, so ``reply()``/``edit()`` do not return it again.
        """

        def check() -> tuple[str, JSON] | None:
            entries = self.state.activity.get(self.chat.id, [])
            return entries[self._activity_cursor] if len(entries) > self._activity_cursor else None

        kind, data = await self.state.wait_for(check, timeout)
        self._activity_cursor += 1
        if kind == "message":
            self._message_cursor += 1
        else:
            self._edit_cursor += 1
        return kind, Reply(data)

    def skip_all(self) -> None:
        """Mark everything the bot sent so far as read."""
        self._message_cursor = len(self._entries("message"))
        self._edit_cursor = len(self._entries("edit"))
        self._activity_cursor = len(self.state.activity.get(self.chat.id, []))

    async def callback_answer(
        self, record: CallbackRecord | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> JSON:
        """How the bot answered a press (answerCallbackQuery): ``text``, ``show_alert``…"""
        record = record or self.last_press
        if record is None:
            raise LookupError("no button was pressed")
        target = record
        try:
            return await self.state.wait_for(lambda: target.answer, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"the bot did not answer callback query {record.query['id']} within {timeout} s"
            ) from None

    @property
    def sent(self) -> list[Reply]:
        """Every message the bot sent here so far, current versions."""
        return [
            Reply(m.view()) for m in self.state.bot_messages.get(self.chat.id, []) if not m.deleted
        ]

    def __repr__(self) -> str:
        return f"ChatHandle(chat={self.chat.id}, user={self.user.id})"


def describe(reply: Reply) -> dict[str, Any]:
    """A compact dict of a reply, handy in assertion messages."""
    return {"id": reply.message_id, "text": reply.text[:200], "buttons": reply.labels}
