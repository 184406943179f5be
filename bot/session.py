"""The one session helper: a unit of work that opens the transaction, checks the role, audits.

Every handler that touches the database goes through :func:`unit`::

    async with unit(context, update, write=True, require=manages(agency_id)) as work:
        code = await issue_code(work.session, ...)
        await work.audit("code.issue", "agency", agency_id)

- ``write=True`` opens a write transaction (committed on leaving, rolled back on an
  exception) and makes sure the acting user's row exists first; ``write=False`` a
  read-only session.
- ``require`` is checked inside the same transaction, at the moment of the write
  (:func:`admin`, :func:`coordinator`, :func:`manages`, :func:`member_of`); it raises
  :class:`bot.access.AccessDenied`, which the handler turns into a polite message.
- :meth:`Work.audit` adds the audit row in the same transaction: the write and its
  audit row commit together or not at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot import access
from bot import audit as audit_log
from bot.clock import Clock
from bot.db.engine import read_session, write_session

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from telegram import Update

    from bot.context import BotContext
    from bot.db.engine import Database

#: ``await check(session, settings, user_id)``: raises AccessDenied when not allowed.
Check = Callable[["AsyncSession", access.HasAdmins, int], Awaitable[None]]


@dataclass(frozen=True)
class Work:
    """An open unit of work: the session, who acts, and the clock."""

    session: AsyncSession
    actor_id: int | None
    clock: Clock

    async def audit(
        self, action: str, object_type: str, object_id: str | int, **details: Any
    ) -> None:
        """Record this write in the audit log (ids and small values only, no free text)."""
        await audit_log.record(
            self.session,
            self.clock,
            actor_id=self.actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            **details,
        )


@dataclass(frozen=True)
class Actor:
    """Who acts, as plain data (feature services take this, not a Telegram update)."""

    user_id: int
    display_name: str = ""
    language: str | None = None


@asynccontextmanager
async def work(
    db: Database,
    settings: access.HasAdmins,
    clock: Clock,
    actor: Actor | None = None,
    *,
    write: bool = False,
    require: Check | None = None,
) -> AsyncIterator[Work]:
    """Open a unit of work for ``actor`` without Telegram (feature services use this one;
    :func:`unit` is the same for a handler's context and update)."""
    opener = write_session if write else read_session
    async with opener(db.session_factory) as session:
        if write and actor is not None:
            await access.ensure_user(
                session,
                clock,
                actor.user_id,
                display_name=actor.display_name[:128],
                language=actor.language,
            )
        if require is not None:
            if actor is None:
                raise access.AccessDenied("no_user")
            await require(session, settings, actor.user_id)
        yield Work(session, actor.user_id if actor else None, clock)


def actor_of(context: BotContext, update: Update | None) -> Actor | None:
    """The update's user as an :class:`Actor` (None for updates without a user)."""
    user = update.effective_user if update is not None else None
    if user is None:
        return None
    return Actor(user.id, user.full_name[:128], context.lang)


@asynccontextmanager
async def unit(
    context: BotContext,
    update: Update | None = None,
    *,
    write: bool = False,
    require: Check | None = None,
) -> AsyncIterator[Work]:
    """Open a unit of work on the bot's database for the update's user (see the module)."""
    svc = context.services
    actor = actor_of(context, update)
    async with work(
        context.db, svc.settings, svc.clock, actor, write=write, require=require
    ) as opened:
        yield opened


# -- checks ----------------------------------------------------------------------------------


async def admin(session: AsyncSession, settings: access.HasAdmins, user_id: int) -> None:
    """Only the configured admins (``ADMIN_USER_IDS``)."""
    await access.require_admin(settings, user_id)


async def coordinator(session: AsyncSession, settings: access.HasAdmins, user_id: int) -> None:
    """Admins, and users with a current coordinator grant."""
    if not access.is_admin(settings, user_id) and not await access.is_coordinator(session, user_id):
        raise access.AccessDenied("not_coordinator")


def manages(agency_id: str) -> Check:
    """Admins, and coordinators whose scope covers ``agency_id``."""

    async def check(session: AsyncSession, settings: access.HasAdmins, user_id: int) -> None:
        await access.require_manage(session, settings, user_id, agency_id)

    return check


def member_of(agency_id: str) -> Check:
    """Current members of ``agency_id`` (the membership row is locked until the commit)."""

    async def check(session: AsyncSession, settings: access.HasAdmins, user_id: int) -> None:
        await access.require_member(session, user_id, agency_id)

    return check
