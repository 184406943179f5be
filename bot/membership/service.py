"""Membership as the chat uses it: each call is one unit of work on the database.

The rules themselves (codes, joining, leaving, removal) are in :mod:`bot.membership`,
personal data in :mod:`bot.membership.personal`; this module opens the transaction,
records the acting user (created on first contact, display name kept short) and checks
permissions inside it. No Telegram here: callers pass an :class:`Actor`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import AccessDenied, HasAdmins, can_manage_agency, member_agencies
from bot.clock import Clock
from bot.db.engine import Database, read_session
from bot.db.models import User
from bot.membership import (
    DEFAULT_TTL,
    MAX_TTL,
    MAX_USES,
    IssuedCode,
    JoinOutcome,
    issue_code,
    leave,
    members,
    redeem_code,
    remove,
)
from bot.membership.personal import erase_user_data, export_user_data
from bot.session import Actor, work

__all__ = ["Actor", "acting", "database", "reading"]  # and the use cases below


def database(db: object) -> Database:
    """The open database (``Services.db``); RuntimeError before start-up opened it."""
    if not isinstance(db, Database):
        raise RuntimeError("the database is not open")
    return db


@asynccontextmanager
async def acting(
    db: Database, settings: HasAdmins, clock: Clock, actor: Actor | None
) -> AsyncIterator[AsyncSession]:
    """One write transaction (the one session helper), the acting user's row ensured first.
    The rules called inside check the role and audit in this same transaction."""
    async with work(db, settings, clock, actor, write=True) as unit:
        yield unit.session


@asynccontextmanager
async def reading(db: Database) -> AsyncIterator[AsyncSession]:
    async with read_session(db.session_factory) as session:
        yield session


# -- join codes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeRequest:
    """'/macode Bộ Nội vụ 5 30': the agency text, people (uses) and days."""

    agency_text: str
    uses: int
    days: int

    @property
    def valid(self) -> bool:
        return 1 <= self.uses <= MAX_USES and 1 <= self.days <= MAX_TTL.days


def code_request(arg: str) -> CodeRequest:
    """'Bộ Nội vụ 5 30' → ('Bộ Nội vụ', 5, 30); without numbers: one use, 7 days."""
    words = arg.split()
    numbers: list[int] = []
    while words and words[-1].isdigit() and len(numbers) < 2 and len(words) > 1:
        numbers.insert(0, int(words.pop()[:6]))
    uses = numbers[0] if numbers else 1
    days = numbers[1] if len(numbers) > 1 else DEFAULT_TTL.days
    return CodeRequest(" ".join(words), uses, days)


async def issue(
    db: Database,
    settings: HasAdmins,
    clock: Clock,
    actor: Actor,
    agency_id: str,
    uses: int = 1,
    days: int = DEFAULT_TTL.days,
) -> IssuedCode:
    """A join code for ``agency_id``; AccessDenied outside the actor's scope, NotFound
    for an agency no longer in the documents."""
    async with acting(db, settings, clock, actor) as session:
        return await issue_code(
            session,
            settings,
            clock,
            actor_id=actor.user_id,
            agency_id=agency_id,
            ttl=dt.timedelta(days=days),
            max_uses=uses,
        )


async def join(
    db: Database, settings: HasAdmins, clock: Clock, actor: Actor, code: str
) -> JoinOutcome:
    async with acting(db, settings, clock, actor) as session:
        return await redeem_code(
            session,
            clock,
            user_id=actor.user_id,
            code=code[:64],
            display_name=actor.display_name[:128],
        )


# -- leaving, removal, the member list ----------------------------------------------------


async def agencies_of(db: Database, user_id: int) -> list[str]:
    """The live agencies the user belongs to, in joining order."""
    async with reading(db) as session:
        return await member_agencies(session, user_id)


async def leave_agency(
    db: Database, settings: HasAdmins, clock: Clock, actor: Actor, agency_id: str
) -> bool:
    async with acting(db, settings, clock, actor) as session:
        return await leave(session, clock, user_id=actor.user_id, agency_id=agency_id)


async def remove_member(
    db: Database, settings: HasAdmins, clock: Clock, actor: Actor, user_id: int, agency_id: str
) -> bool:
    async with acting(db, settings, clock, actor) as session:
        return await remove(
            session,
            settings,
            clock,
            actor_id=actor.user_id,
            user_id=user_id,
            agency_id=agency_id,
        )


@dataclass(frozen=True)
class Member:
    user_id: int
    display_name: str
    joined_at: dt.datetime


async def member_list(
    db: Database, settings: HasAdmins, actor_id: int, agency_id: str
) -> list[Member]:
    """The agency's current members, for its coordinators and admins (else AccessDenied)."""
    async with reading(db) as session:
        if not await can_manage_agency(session, settings, actor_id, agency_id):
            raise AccessDenied("not_coordinator")
        rows = await members(session, agency_id)
        users = {r.user_id: await session.get(User, r.user_id) for r in rows}
    return [
        Member(r.user_id, (u.display_name if (u := users[r.user_id]) else ""), r.joined_at)
        for r in rows
    ]


# -- personal data ------------------------------------------------------------------------


async def export_data(db: Database, user_id: int) -> dict[str, Any]:
    """Everything held about the person as an officer (plain data, for a JSON file)."""
    async with reading(db) as session:
        return await export_user_data(session, user_id)


async def erase_profile(db: Database, settings: HasAdmins, clock: Clock, user_id: int) -> bool:
    """Blank the name, close every membership; False when the person is unknown."""
    async with acting(db, settings, clock, None) as session:
        return await erase_user_data(session, clock, user_id)
