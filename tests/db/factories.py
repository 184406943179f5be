"""Small helpers that put agencies, tasks, officers and coordinators in a test database."""

from __future__ import annotations

import datetime as dt

from bot.clock import VN_TZ
from bot.db.engine import SessionFactory, write_session
from bot.db.models import Agency, Membership, ProgressUpdate, Role, Task, TaskAgency, User

T0 = dt.datetime(2026, 1, 1, tzinfo=VN_TZ)


async def add_agency(
    sf: SessionFactory, agency_id: str, name: str, level: str = "province", place: str | None = None
) -> None:
    async with write_session(sf) as s:
        s.add(Agency(id=agency_id, name=name, level=level, place=place, synced_at=T0))


async def add_task(
    sf: SessionFactory,
    task_id: str,
    *,
    lead: list[str],
    coordinate: list[str] = (),  # type: ignore[assignment]
    due: dt.date | None = None,
    kind: str = "date",
    deadline_text: str = "",
    title: str | None = None,
    document: str = "kh_tinh",
) -> None:
    async with write_session(sf) as s:
        s.add(
            Task(
                id=task_id,
                document=document,
                ref=f"II.{task_id}",
                title=title or f"Nhiệm vụ {task_id}",
                deadline_text=deadline_text or (due.strftime("%d/%m/%Y") if due else ""),
                deadline_kind=kind,
                due_date=due,
                synced_at=T0,
            )
        )
        await s.flush()
        for a in lead:
            s.add(TaskAgency(task_id=task_id, agency_id=a, role="lead"))
        for a in coordinate:
            s.add(TaskAgency(task_id=task_id, agency_id=a, role="coordinate"))


async def add_officer(sf: SessionFactory, user_id: int, agency_id: str, lang: str = "vi") -> None:
    async with write_session(sf) as s:
        if await s.get(User, user_id) is None:
            s.add(User(id=user_id, display_name=f"u{user_id}", language=lang, created_at=T0))
            await s.flush()
        s.add(Membership(user_id=user_id, agency_id=agency_id, joined_at=T0))


async def add_coordinator(
    sf: SessionFactory,
    user_id: int,
    *,
    scope_all: bool = False,
    level: str | None = None,
    agencies: list[str] | None = None,
    lang: str = "vi",
) -> None:
    async with write_session(sf) as s:
        if await s.get(User, user_id) is None:
            s.add(User(id=user_id, display_name=f"c{user_id}", language=lang, created_at=T0))
            await s.flush()
        s.add(
            Role(
                user_id=user_id,
                role="coordinator",
                scope_all=scope_all,
                scope_level=level,
                scope_agencies=agencies,
                granted_by=1,
                granted_at=T0,
            )
        )


async def add_update(
    sf: SessionFactory,
    task_id: str,
    agency_id: str,
    author: int,
    status: str,
    at: dt.datetime,
    note: str = "",
) -> None:
    async with write_session(sf) as s:
        s.add(
            ProgressUpdate(
                task_id=task_id,
                agency_id=agency_id,
                author_id=author,
                status=status,
                note=note,
                created_at=at,
                effective_at=at,
            )
        )
