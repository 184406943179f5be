"""In-memory world of the emulator: users, chats, messages, files and the update queue."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import itertools
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
JSON = dict[str, Any]

#: update types delivered when ``allowed_updates`` is empty / never set
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


@dataclass
class UserInfo:
    """A Telegram user on the "client" side of the emulator."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"
    is_bot: bool = False

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class ChatInfo:
    """A chat: ``private`` (id == user id) or ``group``/``supergroup`` (negative id)."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class StoredMessage:
    """A message in a chat, as the emulator remembers it."""

    chat_id: int
    message_id: int
    data: JSON  # the current Telegram ``Message`` object
    from_bot: bool
    method: str  # Bot API method that created it, or "user"
    sent_at: float  # time.monotonic()
    history: list[JSON] = field(default_factory=list)  # previous versions, oldest first
    deleted: bool = False
    reply_keyboard: JSON | None = None  # non-inline reply_markup sent with it

    def view(self) -> JSON:
        """The Telegram message plus emulator extras ``edit_history`` (and ``reply_keyboard``)."""
        data = copy.deepcopy(self.data)
        data["edit_history"] = copy.deepcopy(self.history)
        if self.reply_keyboard is not None:
            data["reply_keyboard"] = copy.deepcopy(self.reply_keyboard)
        return data


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str  # document | photo | sticker | ...
    filename: str | None = None
    mime_type: str | None = None
    source_url: str | None = None

    def to_file(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class CallbackRecord:
    query: JSON
    answer: JSON | None = None


class EmulatorState:
    """Everything the emulator knows. Only touch it from the event loop thread."""

    def __init__(self, bot_user: JSON) -> None:
        self.bot_user = bot_user
        self.users: dict[int, UserInfo] = {}
        self.chats: dict[int, ChatInfo] = {}
        self.blocked: set[int] = set()
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.bot_messages: defaultdict[int, list[StoredMessage]] = defaultdict(list)
        #: per chat, in order: every message the bot sent and every edit it made,
        #: as ``(kind, message)`` with kind "message" or "edit" and a snapshot view
        self.activity: defaultdict[int, list[tuple[str, JSON]]] = defaultdict(list)
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.callback_order: list[str] = []
        self.chat_actions: list[JSON] = []
        self.reply_keyboards: dict[int, JSON] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.webhook: JSON = {"url": ""}
        self.updates: list[JSON] = []  # pending (not yet confirmed by an offset)
        self.update_log: list[JSON] = []  # every update ever created
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.read_cursor: defaultdict[int, int] = defaultdict(int)
        self.closed = False
        self._update_ids = itertools.count(1)
        self._message_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._new_update = asyncio.Event()

    # ------------------------------------------------------------------ ids
    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids[chat_id])

    def next_id(self) -> int:
        return next(self._ids)

    # ------------------------------------------------------------------ users & chats
    def ensure_user(self, user: UserInfo) -> UserInfo:
        self.users[user.id] = user
        if user.id not in self.chats:
            self.chats[user.id] = ChatInfo(
                id=user.id,
                type="private",
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
            )
        return user

    def find_chat(self, chat_ref: int | str) -> ChatInfo | None:
        if isinstance(chat_ref, str) and chat_ref.startswith("@"):
            name = chat_ref[1:].lower()
            return next(
                (c for c in self.chats.values() if (c.username or "").lower() == name), None
            )
        try:
            return self.chats.get(int(chat_ref))
        except (TypeError, ValueError):
            return None

    # ------------------------------------------------------------------ files
    def add_file(
        self,
        data: bytes,
        kind: str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        source_url: str | None = None,
    ) -> StoredFile:
        number = self.next_id()
        digest = hashlib.sha1(data + str(number).encode()).hexdigest()
        unique = hashlib.sha1(data).hexdigest()[:16]
        suffix = ""
        if filename and "." in filename:
            suffix = "." + filename.rsplit(".", 1)[1]
        elif kind == "photo":
            suffix = ".jpg"
        record = StoredFile(
            file_id=f"EMU{kind[:3].upper()}{number}_{digest[:24]}",
            file_unique_id=f"AQAD{unique}",
            data=data,
            file_path=f"{kind}s/file_{number}{suffix}",
            kind=kind,
            filename=filename,
            mime_type=mime_type,
            source_url=source_url,
        )
        self.files[record.file_id] = record
        return record

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # ------------------------------------------------------------------ messages
    def store_message(
        self,
        chat_id: int,
        data: JSON,
        *,
        from_bot: bool,
        method: str,
        reply_keyboard: JSON | None = None,
    ) -> StoredMessage:
        stored = StoredMessage(
            chat_id=chat_id,
            message_id=data["message_id"],
            data=data,
            from_bot=from_bot,
            method=method,
            sent_at=time.monotonic(),
            reply_keyboard=reply_keyboard,
        )
        self.messages[(chat_id, stored.message_id)] = stored
        if from_bot:
            self.bot_messages[chat_id].append(stored)
            self.activity[chat_id].append(("message", stored.view()))
        self.notify()
        return stored

    def record_edit(self, stored: StoredMessage) -> None:
        """Note that the bot edited ``stored`` (its ``data`` already holds the new version)."""
        self.activity[stored.chat_id].append(("edit", stored.view()))
        self.notify()

    def get_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        stored = self.messages.get((chat_id, message_id))
        return None if stored is None or stored.deleted else stored

    # ------------------------------------------------------------------ updates
    def push_update(self, kind: str, payload: JSON) -> JSON:
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self.update_log.append(update)
        self._new_update.set()
        self.notify()
        return update

    def confirm_updates(self, offset: int) -> None:
        """Forget updates below ``offset`` (negative: keep only the last ``-offset``)."""
        if offset < 0:
            self.updates = self.updates[offset:]
        elif offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable_updates(self, limit: int) -> list[JSON]:
        """Pending updates of allowed types; updates of other types are dropped for good."""
        allowed = self.allowed_updates
        self.updates = [u for u in self.updates if _update_type(u) in allowed]
        return self.updates[:limit]

    async def wait_update(self, timeout: float) -> None:
        if timeout <= 0 or self.closed:
            return
        self._new_update.clear()
        event = self._new_update
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def wake_pollers(self) -> None:
        self._new_update.set()

    # ------------------------------------------------------------------ change notification
    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, check: Callable[[], T | None], timeout: float) -> T:
        """Wait until ``check()`` returns something other than None/False; return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result is not None and result is not False:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


def _update_type(update: JSON) -> str:
    return next(key for key in update if key != "update_id")
