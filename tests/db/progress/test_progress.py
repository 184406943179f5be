"""Progress updates: checks at write time, corrections within 24 h, status and overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.access import AccessDenied
from bot.clock import ManualClock
from bot.db.engine import SessionFactory, write_session
from bot.db.models import Status
from bot.progress.parse import ParseError
from bot.progress.service import (
    agency_tasks,
    correct_update,
    last_correctable,
    record_update,
    writable_tasks,
)
from bot.progress.status import agency_progress, history, task_progress
from tests.db.helpers import add_member, counts

LAN, MINH, KHOA = 10, 11, 12
TASK = "qd895_pl_ii_2"  # lead: bo_noi_vu; due 12/2023


async def _update(sf: SessionFactory, clock: ManualClock, user: int, agency: str, **kw: object):
    async with write_session(sf) as s:
        return await record_update(s, clock, user_id=user, agency_id=agency, **kw)


async def test_member_updates_own_task_and_status_shows_it(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    await add_member(sf, clock, LAN, "bo_noi_vu")
    async with sf() as s:
        tasks = await agency_tasks(s, "bo_noi_vu")
        assert TASK in [c.task_id for c in tasks]
        assert next(c for c in tasks if c.task_id == TASK).code == "II.2"
        assert [c.task_id for c in await writable_tasks(s, LAN)] == [c.task_id for c in tasks]
    row = await _update(
        sf,
        clock,
        LAN,
        "bo_noi_vu",
        task_id=TASK,
        status="in_progress",
        percent=60,
        note="đã gửi dự thảo báo cáo",
    )
    assert row.id is not None
    async with sf() as s:
        lines = await task_progress(s, TASK, clock.now().date())
    lead = next(line for line in lines if line.agency_id == "bo_noi_vu")
    assert lead.role == "lead" and lead.status == "in_progress" and lead.percent == 60
    assert lead.author_name == f"User {LAN}" and lead.updated_at == clock.now()
    assert lead.overdue  # due end of 2023, not done, today is 2026
    others = [line for line in lines if line.agency_id != "bo_noi_vu"]
    assert others and all(line.status is None for line in others)
    async with sf() as s:
        mine = await agency_progress(s, "bo_noi_vu", clock.now().date())
    assert any(line.task_id == TASK and line.percent == 60 for line in mine)


async def test_outsiders_and_wrong_tasks_are_refused_without_writing(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    await add_member(sf, clock, MINH, "bo_tai_chinh")
    before = await counts(sf)
    with pytest.raises(AccessDenied) as not_member:
        await _update(sf, clock, MINH, "bo_noi_vu", task_id=TASK, status="done")
    assert not_member.value.reason == "not_member"
    with pytest.raises(AccessDenied) as not_ours:
        await _update(sf, clock, MINH, "bo_tai_chinh", task_id="qd895_pl_ii_3", status="done")
    assert not_ours.value.reason == "not_responsible"
    with pytest.raises(AccessDenied):
        await _update(sf, clock, KHOA, "bo_noi_vu", task_id=TASK, status="done")
    with pytest.raises(ParseError):
        await add_member(sf, clock, KHOA, "bo_noi_vu")
        await _update(sf, clock, KHOA, "bo_noi_vu", task_id=TASK, status="done", note="x" * 501)
    with pytest.raises(ParseError):
        await _update(sf, clock, KHOA, "bo_noi_vu", task_id=TASK, status="nope")
    with pytest.raises(ParseError):
        await _update(sf, clock, KHOA, "bo_noi_vu", task_id=TASK, status="done", percent=101)
    updates, _audits = await counts(sf)
    assert updates == before[0]


async def test_correction_by_author_within_24h_is_a_new_linked_row(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    await add_member(sf, clock, LAN, "bo_noi_vu")
    await add_member(sf, clock, MINH, "bo_noi_vu")
    first = await _update(
        sf, clock, LAN, "bo_noi_vu", task_id=TASK, status="in_progress", percent=60, note="gõ nhầm"
    )
    clock.advance(minutes=30)
    later = await _update(
        sf,
        clock,
        MINH,
        "bo_noi_vu",
        task_id=TASK,
        status="in_progress",
        percent=70,
        note="đồng nghiệp",
    )
    clock.advance(hours=1)
    with pytest.raises(AccessDenied) as not_author:
        async with write_session(sf) as s:
            await correct_update(s, clock, user_id=MINH, update_id=first.id, status="done")
    assert not_author.value.reason == "not_author"
    async with write_session(sf) as s:
        assert (await last_correctable(s, clock, LAN)).id == first.id  # type: ignore[union-attr]
        fixed = await correct_update(
            s,
            clock,
            user_id=LAN,
            update_id=first.id,
            status="in_progress",
            percent=65,
            note="sửa lại",
        )
    assert fixed.corrects_id == first.id and fixed.effective_at == first.effective_at
    with pytest.raises(AccessDenied) as twice:
        async with write_session(sf) as s:
            await correct_update(s, clock, user_id=LAN, update_id=first.id, status="done")
    assert twice.value.reason == "already_corrected"
    async with sf() as s:
        rows = await history(s, TASK, "bo_noi_vu")
        assert [r.id for r in rows] == [first.id, later.id, fixed.id]
        assert rows[0].note == "gõ nhầm"  # the original is kept as it was
        lines = await task_progress(s, TASK, clock.now().date())
    # the colleague's later update stays the current one: the correction keeps its time
    lead = next(line for line in lines if line.agency_id == "bo_noi_vu")
    assert lead.update_id == later.id and lead.percent == 70
    clock.advance(hours=23)
    with pytest.raises(AccessDenied) as late:
        async with write_session(sf) as s:
            await correct_update(s, clock, user_id=LAN, update_id=fixed.id, status="done")
    assert late.value.reason == "too_late"


async def test_done_task_is_not_overdue_and_archived_task_refuses_updates(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    await add_member(sf, clock, LAN, "bo_noi_vu")
    await _update(sf, clock, LAN, "bo_noi_vu", task_id=TASK, status=Status.done.value)
    async with sf() as s:
        lines = await task_progress(s, TASK, dt.date(2026, 3, 2))
    assert not next(line for line in lines if line.agency_id == "bo_noi_vu").overdue
    async with write_session(sf) as s:
        from bot.db.models import Task

        task = await s.get(Task, TASK)
        assert task is not None
        task.archived = True
    with pytest.raises(AccessDenied):
        await _update(sf, clock, LAN, "bo_noi_vu", task_id=TASK, status="done")
