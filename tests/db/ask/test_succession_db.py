"""Today's names and reminders, on SQLite and PostgreSQL.

A body the documents name was merged in 2025 (Ủy ban Xã hội của Quốc hội → Ủy ban Văn
hóa và Xã hội). Its officers today know it by the new name: a coordinator issues a join
code for that name, an officer joins with it, and the reminder of the printed body's
task reaches that officer (the record of the printed body is the seat of today's body).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, write_session
from bot.db.models_scheduler import OutboxMessage
from bot.db.sync import sync_knowledge
from bot.membership import JoinResult, issue_code, redeem_code
from knowledge.engine import Engine
from knowledge.loader import load_knowledge
from scheduler.scan import ReminderScanner
from tests.db.helpers import settings_with_admins

ADMIN = 900
OFFICER = 555
SETTINGS = settings_with_admins(ADMIN)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VN_TZ)


async def test_officer_joining_by_todays_name_gets_the_printed_bodys_reminder(
    database: Database,
) -> None:
    kb = load_knowledge()
    engine = Engine(kb)
    # 30 days before QĐ 895 II.2 (12/2023), where the Ủy ban Xã hội coordinates.
    clock = ManualClock(at(dt.date(2023, 12, 1), 7))
    sf = database.session_factory
    await sync_knowledge(sf, kb, clock=clock)

    found = engine.find_agencies("UB VHXH QH")  # the name of today, abbreviated
    assert [a.id for a in found] == ["uy_ban_xa_hoi_quoc_hoi"]
    async with write_session(sf) as s:
        issued = await issue_code(s, SETTINGS, clock, actor_id=ADMIN, agency_id=found[0].id)
    async with write_session(sf) as s:
        joined = await redeem_code(s, clock, user_id=OFFICER, code=issued.code)
    assert joined.result is JoinResult.joined

    clock.advance(dt.timedelta(hours=2))
    result = await ReminderScanner(sf, clock).scan()
    assert result.claimed >= 1
    async with sf() as s:
        texts = list(
            (
                await s.scalars(select(OutboxMessage.text).where(OutboxMessage.chat_id == OFFICER))
            ).all()
        )
    assert len(texts) == 1
    assert "rà soát Luật hoạt động chữ thập đỏ" in texts[0]
