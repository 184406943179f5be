"""Knowledge-base sync: idempotent, edits keep history, removed rows are archived."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db.engine import Database, write_session
from bot.db.models import Agency, AuditLog, Membership, ProgressUpdate, Task, TaskAgency, User
from bot.db.sync import sync_knowledge
from knowledge.base import KnowledgeBase


def _edited(kb: KnowledgeBase, *, drop_task: str, retitle: str, new_lead: str) -> KnowledgeBase:
    tasks = []
    for task in kb.tasks.values():
        if task.id == drop_task:
            continue
        if task.id == retitle:
            task = task.model_copy(update={"title": "Tiêu đề mới", "lead": [new_lead]})
        tasks.append(task)
    deadlines = {k: v for k, v in kb.deadlines.items() if k != drop_task}
    return KnowledgeBase(
        list(kb.documents.values()),
        list(kb.agencies.values()),
        tasks,
        list(kb.campaigns.values()),
        deadlines,
    )


async def test_sync_inserts_everything_then_is_idempotent(
    database: Database, kb: KnowledgeBase, clock: ManualClock
) -> None:
    first = await sync_knowledge(database.session_factory, kb, clock=clock)
    assert len(first.tasks_added) == len(kb.tasks)
    assert len(first.agencies_added) == len(kb.agencies)
    second = await sync_knowledge(database.session_factory, kb, clock=clock)
    assert not second.changed
    async with database.session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(Task)) == len(kb.tasks)
        assert await s.scalar(select(func.count()).select_from(Agency)) == len(kb.agencies)
        audits = await s.scalar(select(func.count()).where(AuditLog.action == "kb.sync"))
        assert audits == 1  # the no-op run writes nothing
        task = await s.get(Task, "qd895_pl_ii_2")
        assert task is not None and task.due_date == dt.date(2023, 12, 31)
        lead = await s.get(TaskAgency, ("qd895_pl_ii_2", "bo_noi_vu"))
        assert lead is not None and lead.role == "lead"


async def test_edited_kb_keeps_history_and_archives_removed_task(
    database: Database, kb: KnowledgeBase, clock: ManualClock
) -> None:
    await sync_knowledge(database.session_factory, kb, clock=clock)
    now = clock.now()
    async with write_session(database.session_factory) as s:
        s.add(User(id=7, created_at=now))
        await s.flush()
        s.add(Membership(user_id=7, agency_id="bo_noi_vu", joined_at=now))
        s.add(
            ProgressUpdate(
                task_id="qd895_pl_ii_3",
                agency_id="bo_noi_vu",
                author_id=7,
                status="in_progress",
                note="đang làm",
                created_at=now,
                effective_at=now,
            )
        )

    edited = _edited(
        kb, drop_task="qd895_pl_ii_3", retitle="qd895_pl_ii_2", new_lead="bo_tai_chinh"
    )
    clock.advance(days=1)
    report = await sync_knowledge(database.session_factory, edited, clock=clock, actor_id=7)
    assert report.tasks_archived == ["qd895_pl_ii_3"]
    assert "qd895_pl_ii_2" in report.tasks_updated  # (later tasks move up one position)
    assert report.links_added >= 1 and report.links_removed >= 1

    async with database.session_factory() as s:
        removed = await s.get(Task, "qd895_pl_ii_3")
        assert removed is not None and removed.archived
        updates = (await s.scalars(select(ProgressUpdate))).all()
        assert [u.task_id for u in updates] == ["qd895_pl_ii_3"]
        assert await s.scalar(select(func.count()).select_from(Membership)) == 1
        retitled = await s.get(Task, "qd895_pl_ii_2")
        assert retitled is not None and retitled.title == "Tiêu đề mới"
        assert await s.get(TaskAgency, ("qd895_pl_ii_2", "bo_noi_vu")) is None
        new_lead = await s.get(TaskAgency, ("qd895_pl_ii_2", "bo_tai_chinh"))
        assert new_lead is not None and new_lead.role == "lead"
        # responsibility rows of the archived task stay (history)
        assert await s.get(TaskAgency, ("qd895_pl_ii_3", "bo_noi_vu")) is not None
        last = await s.scalar(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))
        assert last is not None and last.actor_id == 7 and last.details["tasks_archived"] == 1

    # the task comes back: un-archived, its history still attached
    again = await sync_knowledge(database.session_factory, kb, clock=clock)
    assert "qd895_pl_ii_3" in again.tasks_updated
    async with database.session_factory() as s:
        back = await s.get(Task, "qd895_pl_ii_3")
        assert back is not None and not back.archived


async def test_printed_roles_reach_the_database(
    database: Database, kb: KnowledgeBase, clock: ManualClock
) -> None:
    """An owner keeps the part its document prints: Sở Y tế only takes part in Lai Châu
    III.4.2 ("Phối hợp, tham gia"), Kiến An point 3 is addressed to the district's bodies
    with no lead, Sở TT&TT coordinates in III.6; the CHECK constraint accepts them all."""
    await sync_knowledge(database.session_factory, kb, clock=clock)
    async with database.session_factory() as s:

        async def role(task: str, agency: str) -> str | None:
            link = await s.get(TaskAgency, (task, agency))
            return link.role if link else None

        assert await role("kh_lai_chau_iii_4_2", "so_y_te_lai_chau") == "participate"
        assert await role("kh_lai_chau_iii_4_1", "so_y_te_lai_chau") == "lead"
        assert await role("cv_kien_an_3", "ubnd_quan_kien_an") == "addressee"
        assert await role("kh_lai_chau_iii_6", "so_tt_tt_lai_chau") == "coordinate"
        assert await role("kh_lai_chau_iii_6", "hoi_ctd_tinh_lai_chau") == "coordinate"
