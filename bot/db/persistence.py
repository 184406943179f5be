"""PTB persistence in the database (table ``bot_state``): conversations survive restarts.

``DatabasePersistence(url)`` is given to the ApplicationBuilder. It opens the
database itself on first use (upgrading the schema: PTB loads persisted data in
``Application.initialize``, before any ``post_init`` hook), and hands the same
``Database`` to the rest of the bot through :attr:`DatabasePersistence.database`
(``await persistence.open()``), so the bot keeps one engine.

Stored: ``user_data``, ``chat_data`` and the states of persistent
ConversationHandlers, as JSON rows (namespace, key). ``bot_data`` and callback data
are not stored (the bot's services live on the Application). Only JSON values are
kept (str, int, float, bool, None, lists, dicts with string keys); anything else
in user/chat data is left out of the stored copy (its key is logged, never its value).
Writes are immediate: ``flush`` has nothing left to do. PTB calls the ``update_*``
methods every ``update_interval`` seconds (default here: 1 s) and on shutdown.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from telegram.ext import BasePersistence, PersistenceInput

from bot.clock import SYSTEM_CLOCK, Clock
from bot.db.engine import Database, write_session
from bot.db.migrate import open_database
from bot.db.models import BotState

log = logging.getLogger(__name__)

USER = "user"
CHAT = "chat"
CONV = "conv:"


def _jsonable(value: Any, path: str = "") -> Any:
    """A copy of ``value`` with only JSON-native parts (others dropped, keys logged)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v, f"{path}[]") for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                log.debug("persistence: non-string key under %r not stored", path)
                continue
            if v is None or isinstance(v, str | bool | int | float | list | tuple | dict):
                out[k] = _jsonable(v, f"{path}.{k}")
            else:
                log.debug("persistence: value of %r (%s) not stored", f"{path}.{k}", type(v))
        return out
    return None


def _conv_key(key: tuple[int | str, ...]) -> str:
    return json.dumps(list(key), separators=(",", ":"))


def _fingerprint(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


#: marks a queued deletion in :meth:`DatabasePersistence._write`
_DROP = object()


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(
        self,
        url: str | None = None,
        *,
        database: Database | None = None,
        clock: Clock = SYSTEM_CLOCK,
        update_interval: float = 1.0,
        upgrade: bool = True,
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=True, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._url = url
        self._database = database
        self._owns_database = database is None
        self._upgrade = upgrade
        self._clock = clock
        self._lock = asyncio.Lock()
        self._write_lock = asyncio.Lock()
        #: (namespace, key) → (data or _DROP, its fingerprint; None for a drop)
        self._pending: dict[tuple[str, str], tuple[Any, str | None]] = {}
        #: what this process last wrote per (namespace, key), to skip unchanged rewrites
        self._written: dict[tuple[str, str], str] = {}
        #: replica mode: inbox rows to delete in the next state transaction (bot/inbox.py)
        self._done: list[int] = []
        self._done_statement: Callable[[Sequence[int]], Any] | None = None

    # -- the database ------------------------------------------------------------------

    async def open(self) -> Database:
        """The database, opened (and upgraded) on first use."""
        if self._database is None:
            async with self._lock:
                if self._database is None:
                    self._database = await open_database(self._url, upgrade=self._upgrade)
        return self._database

    def attach_done(self, ids: Sequence[int], statement: Callable[[Sequence[int]], Any]) -> None:
        """Delete these finished updates' inbox rows in the next state transaction, so a
        step's saved state and the end of its update are one commit (bot/inbox.py)."""
        self._done = list(ids)
        self._done_statement = statement

    def detach_done(self) -> list[int]:
        """What no state transaction took (the round changed nothing)."""
        done, self._done = self._done, []
        return done

    @property
    def database(self) -> Database | None:
        return self._database

    async def close(self) -> None:
        if self._database is not None and self._owns_database:
            await self._database.dispose()
            self._database = None

    async def _load(self, namespace: str) -> dict[str, Any]:
        db = await self.open()
        async with db.session_factory() as session:
            rows = await session.execute(
                select(BotState.key, BotState.data).where(BotState.namespace == namespace)
            )
            return {key: data for key, data in rows.all()}

    async def _put(self, namespace: str, key: str, data: Any) -> None:
        await self._write({(namespace, key): data})

    async def _drop(self, namespace: str, key: str) -> None:
        await self._write({(namespace, key): _DROP})

    async def _write(self, changes: dict[tuple[str, str], Any]) -> None:
        """Queue ``changes`` and write everything queued in one transaction.

        PTB hands over each changed chat, user and conversation in its own call, all at
        once (``asyncio.gather``); one transaction for the lot instead of one each keeps
        SQLite's single writer (and PostgreSQL's commits) out of the answer path. A call
        returns once its own change is in the database.
        """
        for item, data in changes.items():
            # PTB hands over every chat and user an update touched, changed or not:
            # what is stored already, exactly so, is not written again.
            fingerprint = None if data is _DROP else _fingerprint(data)
            if fingerprint is not None and self._written.get(item) == fingerprint:
                self._pending.pop(item, None)
                continue
            self._pending[item] = (data, fingerprint)
        if not self._pending:
            return
        await asyncio.sleep(0)  # let the calls gathered with this one queue theirs
        async with self._write_lock:
            batch, self._pending = self._pending, {}
            if not batch:
                return  # an earlier call of this round wrote ours
            db = await self.open()
            done = self.detach_done()
            try:
                async with write_session(db.session_factory) as session:
                    if done and self._done_statement is not None:
                        await session.execute(self._done_statement(done))
                    for (namespace, key), (data, _) in batch.items():
                        if data is _DROP:
                            await session.execute(
                                delete(BotState).where(
                                    BotState.namespace == namespace, BotState.key == key
                                )
                            )
                        else:
                            await session.execute(self._upsert(db, namespace, key, data))
            except BaseException:
                for item, queued in batch.items():  # keep newer changes queued since
                    self._pending.setdefault(item, queued)
                self._done[:0] = done
                raise
            for item, (_, fingerprint) in batch.items():
                if fingerprint is None:
                    self._written.pop(item, None)
                else:
                    self._written[item] = fingerprint

    def _upsert(self, db: Database, namespace: str, key: str, data: Any) -> Any:
        dialect = postgresql if db.backend == "postgresql" else sqlite
        stmt = dialect.insert(BotState).values(
            namespace=namespace, key=key, data=data, updated_at=self._clock.now()
        )
        return stmt.on_conflict_do_update(
            index_elements=[BotState.namespace, BotState.key],
            set_={"data": stmt.excluded.data, "updated_at": stmt.excluded.updated_at},
        )

    # -- BasePersistence -----------------------------------------------------------------

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        return {int(k): dict(v or {}) for k, v in (await self._load(USER)).items()}

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {int(k): dict(v or {}) for k, v in (await self._load(CHAT)).items()}

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> dict[tuple[int | str, ...], object]:
        out: dict[tuple[int | str, ...], object] = {}
        for key, state in (await self._load(CONV + name)).items():
            out[tuple(json.loads(key))] = state
        return out

    async def update_conversation(
        self, name: str, key: tuple[int | str, ...], new_state: object | None
    ) -> None:
        if new_state is None:
            await self._drop(CONV + name, _conv_key(key))
        else:
            await self._put(CONV + name, _conv_key(key), _jsonable(new_state))

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        await self._put(USER, str(user_id), _jsonable(data, "user_data"))

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        await self._put(CHAT, str(chat_id), _jsonable(data, "chat_data"))

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._drop(CHAT, str(chat_id))

    async def drop_user_data(self, user_id: int) -> None:
        await self._drop(USER, str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None


# -- retention -----------------------------------------------------------------------------

#: stored conversation states, form drafts and chat context untouched this long are purged
STATE_TTL = dt.timedelta(hours=24)
#: user_data keys with a lasting purpose, kept by the purge: the language a person chose
#: (``bot.context.LANG_KEY``) and the language they asked answers in (``handlers.qa``)
LASTING_USER_KEYS = frozenset({"lang", "answer_lang"})


@dataclass(frozen=True)
class StalePurge:
    """What left the store: the caller drops the same from the Application's memory."""

    users: list[int] = field(default_factory=list)  # their transient keys removed
    chats: list[int] = field(default_factory=list)  # dropped whole
    conversations: list[tuple[str, tuple[int | str, ...]]] = field(default_factory=list)


async def purge_stale_state(
    db: Database, now: dt.datetime, ttl: dt.timedelta = STATE_TTL
) -> StalePurge:
    """Purge from ``bot_state`` what was untouched for ``ttl``: conversation states, chat
    data, and every user_data key but :data:`LASTING_USER_KEYS` (abandoned drafts hold
    names, phones, places). Rows of other namespaces (keys, salts) are not touched."""
    cutoff = now - ttl
    purged = StalePurge()
    async with write_session(db.session_factory) as session:
        rows = (
            await session.execute(
                select(BotState.namespace, BotState.key, BotState.data).where(
                    BotState.updated_at < cutoff,
                    or_(
                        BotState.namespace.in_((USER, CHAT)),
                        BotState.namespace.startswith(CONV, autoescape=True),
                    ),
                )
            )
        ).all()
        for namespace, key, data in rows:
            where = (BotState.namespace == namespace, BotState.key == key)
            if namespace == USER:
                kept = {k: v for k, v in (data or {}).items() if k in LASTING_USER_KEYS}
                if kept == (data or {}):
                    continue
                purged.users.append(int(key))
                await session.execute(update(BotState).where(*where).values(data=kept))
                continue
            await session.execute(delete(BotState).where(*where))
            if namespace == CHAT:
                purged.chats.append(int(key))
            else:
                conv = (namespace[len(CONV) :], tuple(json.loads(key)))
                purged.conversations.append(conv)
    purged.users.sort()
    purged.chats.sort()
    purged.conversations.sort(key=repr)
    return purged
