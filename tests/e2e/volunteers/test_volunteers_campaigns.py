"""Scenario docs/scenarios/volunteers.md (coordinators): open a campaign with /chiendich, see
who registered, download the CSV, grow the capacity, close registration; others are refused."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import Database, read_session, write_session
from bot.db.models import AuditLog, Role, User
from bot.db.models_volunteers import CampaignEdition, VolunteerRegistration
from bot.volunteers.registrations import register
from handlers import campaigns, volunteers
from tests.db.volunteers.helpers import (
    COORDINATOR,
    ORGANISER,
    OTHER_COORDINATOR,
    form,
    open_edition,
    seed_agencies,
)
from tests.harness import BotHarness, with_database


@pytest.fixture
async def campaign_bot(database: Database, clock: ManualClock) -> AsyncIterator[BotHarness]:
    await seed_agencies(database.session_factory, clock.now())
    async with BotHarness.start(
        clock=clock,
        areas=[with_database(database), volunteers.register, campaigns.register],
    ) as harness:
        yield harness


async def editions(database: Database) -> list[CampaignEdition]:
    async with read_session(database.session_factory) as session:
        return list((await session.scalars(select(CampaignEdition))).all())


async def test_coordinator_opens_a_campaign_step_by_step(
    campaign_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    coord = campaign_bot.chat(COORDINATOR, first_name="Hà")
    await coord.send("/chiendich")
    listing = await coord.reply()
    assert "Chưa có chiến dịch nào" in listing.text
    await coord.press("Mở chiến dịch mới")
    kinds = await coord.reply()
    assert "Tháng Nhân đạo" in kinds.labels and "Hiến máu tình nguyện" in kinds.labels
    await coord.press("Hiến máu tình nguyện")
    await coord.edit()
    ask_name = await coord.reply()
    assert "Bước 2/8" in ask_name.text and "Hiến máu tình nguyện 2026" in ask_name.text
    await coord.send("Ngày hội hiến máu tình nguyện 2026 — phường Tân Phong")
    organiser = await coord.reply()
    assert organiser.labels[0] == "Hội CTĐ tỉnh"
    await coord.press("Hội CTĐ tỉnh")
    await coord.edit()
    assert "Bước 4/8" in (await coord.reply()).text
    await coord.send("Nhà văn hoá phường Tân Phong")
    assert "Bước 5/8" in (await coord.reply()).text
    await coord.send("mai")  # not a date
    assert "dd/mm/yyyy" in (await coord.reply()).text
    await coord.send("01/01/2020 07:30")
    assert "đã qua" in (await coord.reply()).text
    await coord.send("31/02/2026")
    assert "không tồn tại" in (await coord.reply()).text
    await coord.send("15/03/2026 07:30")
    assert "Bước 6/8" in (await coord.reply()).text
    await coord.send("14/03/2026")
    assert "phải sau thời điểm bắt đầu" in (await coord.reply()).text
    await coord.send("15/03/2026 11h30")
    assert "Bước 7/8" in (await coord.reply()).text
    await coord.send("nhiều lắm")
    assert "số chỗ" in (await coord.reply()).text
    await coord.send("2")
    assert "Bước 8/8" in (await coord.reply()).text
    await coord.send("-")
    summary = await coord.reply()
    assert "Ngày hội hiến máu tình nguyện 2026" in summary.text and "Số chỗ: 2" in summary.text
    assert await editions(database) == []
    await coord.press("Mở chiến dịch")
    assert "đã mở" in (await coord.edit()).text

    [edition] = await editions(database)
    assert (edition.organiser_agency_id, edition.capacity) == ("hoi_ctd_tinh_test", 2)
    assert edition.campaign_key == "hien_mau_tinh_nguyen"
    assert edition.starts_at.hour == 0 and edition.starts_at.minute == 30  # 07:30 in UTC+7
    assert "Vận động hiến máu" in edition.description  # the knowledge base's description

    # A volunteer can now register for it.
    lan = campaign_bot.chat(first_name="Lan")
    await lan.send("/dangky")
    assert "Ngày hội hiến máu tình nguyện 2026" in (await lan.reply()).text


async def test_registrants_csv_capacity_and_close(
    campaign_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    eid = await open_edition(database.session_factory, now, capacity=1)
    async with write_session(database.session_factory) as session:
        await register(session, eid, 11, form(1), now=now)
        await register(
            session,
            eid,
            12,
            form(2, blood_group="AB-", skills=["blood_donation"]),
            now=now,
            accept_waitlist=True,
        )
    coord = campaign_bot.chat(COORDINATOR, first_name="Hà")
    await coord.send("/chiendich")
    listing = await coord.reply()
    assert "đăng ký 1/1, chờ 1" in listing.text
    await coord.press("Hiến máu tình nguyện — đợt 1")
    card = await coord.reply()
    assert "Số chỗ: 1; đã đăng ký 1; danh sách chờ 1" in card.text

    await coord.press("Người đăng ký", card)
    people = await coord.reply()
    assert "Nguyễn Thị Hoà B — 0912 345 601" in people.text
    assert "Hiến máu (AB-) — danh sách chờ" in people.text

    await coord.press("Tệp CSV", card)
    document = await coord.reply()
    assert document.document is not None and document.document["file_name"].endswith(".csv")
    data = campaign_bot.emulator.file_bytes(document.document["file_id"])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == ["Nguyễn Thị Hoà B", "Nguyễn Thị Hoà C"]

    # Growing the capacity moves the waitlisted volunteer up.
    await coord.press("Số chỗ", card)
    assert "số chỗ mới" in (await coord.reply()).text
    await coord.send("năm")
    assert "số chỗ" in (await coord.reply()).text
    await coord.send("3")
    saved = await coord.reply()
    assert "Đã lưu" in saved.text and "1 tình nguyện viên" in saved.text
    async with read_session(database.session_factory) as session:
        statuses = (
            await session.scalars(
                select(VolunteerRegistration.status).order_by(VolunteerRegistration.id)
            )
        ).all()
    assert statuses == ["confirmed", "confirmed"]

    await coord.press("Đóng đăng ký", card)
    await coord.edit()
    await coord.press("Có, đóng")
    assert "đã đóng đăng ký" in (await coord.edit()).text
    [edition] = await editions(database)
    assert edition.status == "closed"
    async with read_session(database.session_factory) as session:
        actions = set((await session.scalars(select(AuditLog.action))).all())
    assert {"campaign.export", "campaign.edit", "campaign.close"} <= actions


async def test_others_cannot_see_or_export(
    campaign_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    eid = await open_edition(database.session_factory, clock.now())
    volunteer = campaign_bot.chat(first_name="Tú")
    await volunteer.send("/chiendich")
    assert "chỉ dành cho người điều phối" in (await volunteer.reply()).text
    other = campaign_bot.chat(OTHER_COORDINATOR, first_name="Khoa")
    await other.send("/chiendich")
    listing = await other.reply()
    assert "Chưa có chiến dịch nào" in listing.text  # not someone else's campaign
    for forged in (f"c:x:{eid}", f"c:l:{eid}", f"c:cy:{eid}"):
        other.press_data(forged, listing)
        answer = await other.callback_answer()
        assert answer["show_alert"] is True
        assert "chỉ dành cho người điều phối" in (await other.reply()).text
    [edition] = await editions(database)
    assert edition.status == "open"
    assert all(r.document is None for r in other.sent)


async def test_registrants_never_go_to_a_group(
    campaign_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    eid = await open_edition(database.session_factory, now)
    [member] = campaign_bot.emulator.group_chat(members=1)
    async with write_session(database.session_factory) as session:
        session.add(User(id=member.user.id, created_at=now))
        await session.flush()
        session.add(
            Role(
                user_id=member.user.id,
                role="coordinator",
                scope_agencies=[ORGANISER],
                granted_by=1,
                granted_at=now,
            )
        )
        await register(session, eid, 11, form(1), now=now)
    await member.send("/chiendich")
    assert "trong cuộc trò chuyện riêng" in (await member.reply()).text
    for data in (f"c:l:{eid}", f"c:x:{eid}", "c:new", f"c:e:{eid}:capacity"):
        member.press_data(data, member.sent[-1])
        assert "trong cuộc trò chuyện riêng" in (await member.reply()).text
    assert all("Nguyễn" not in r.text and r.document is None for r in member.sent)
