"""The one session helper (bot.session.unit): user row, role check and audit in one
transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import access
from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, read_session
from bot.db.models import AuditLog, User
from bot.session import admin, coordinator, manages, member_of, unit
from tests.db.factories import add_agency, add_coordinator, add_officer

NOW = dt.datetime(2027, 6, 16, 10, tzinfo=VN_TZ)
ADMIN, OFFICER, COORD, STRANGER = 1, 11, 900, 77


def context(db: Database) -> Any:
    """What unit() reads of a BotContext: services (settings, clock), db and lang."""
    settings = SimpleNamespace(admin_user_ids=frozenset({ADMIN}))
    return SimpleNamespace(
        services=SimpleNamespace(settings=settings, clock=ManualClock(NOW)), db=db, lang="en"
    )


def update(user_id: int) -> Any:
    return SimpleNamespace(effective_user=SimpleNamespace(id=user_id, full_name=f"User {user_id}"))


async def audit_count(db: Database) -> int:
    async with read_session(db.session_factory) as s:
        return int(await s.scalar(select(func.count()).select_from(AuditLog)) or 0)


async def test_write_checks_the_role_and_audits_in_one_transaction(database: Database) -> None:
    sf = database.session_factory
    await add_agency(sf, "syt", "Sở Y tế", place="Lai Châu")
    await add_officer(sf, OFFICER, "syt")
    await add_coordinator(sf, COORD, agencies=["syt"])
    ctx = context(database)

    async with unit(ctx, update(OFFICER), write=True, require=member_of("syt")) as work:
        assert work.actor_id == OFFICER
        await work.audit("test.write", "agency", "syt", n=1)
    assert await audit_count(database) == 1

    for user_id, check in [
        (STRANGER, member_of("syt")),
        (OFFICER, manages("syt")),
        (OFFICER, coordinator),
        (COORD, admin),
    ]:
        with pytest.raises(access.AccessDenied):
            async with unit(ctx, update(user_id), write=True, require=check) as work:
                await work.audit("test.never", "agency", "syt")
    assert await audit_count(database) == 1  # nothing of the refused writes was kept

    for user_id, check in [(COORD, manages("syt")), (ADMIN, manages("syt")), (COORD, coordinator)]:
        async with unit(ctx, update(user_id), write=True, require=check) as work:
            await work.audit("test.write", "agency", "syt")
    assert await audit_count(database) == 4

    with pytest.raises(RuntimeError):  # an error inside rolls the audit row back
        async with unit(ctx, update(ADMIN), write=True, require=admin) as work:
            await work.audit("test.rolled_back", "agency", "syt")
            raise RuntimeError("boom")
    assert await audit_count(database) == 4
    async with unit(ctx, None) as work:  # a read needs no user
        assert work.actor_id is None
        assert (await work.session.get(User, ADMIN)) is not None  # created by the write above
        assert (await work.session.get(User, ADMIN)).language == "en"
