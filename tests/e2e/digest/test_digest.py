"""The weekly digest, /baocao and /xuat end to end (scenario: docs/scenarios/digest.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator

import pytest
from openpyxl import load_workbook

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database
from scheduler.jobs import scheduler_service
from tests.db.factories import (
    add_agency,
    add_coordinator,
    add_officer,
    add_task,
    add_update,
)
from tests.harness import BotHarness

D = dt.date
HOA, LAN = 7900, 7001


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN_TZ)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(D(2027, 6, 13), 20))  # Sunday evening


@pytest.fixture
async def harness(
    database: Database, db_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotHarness]:
    monkeypatch.setenv("SCHEDULER_ENABLED", "false")
    sf = database.session_factory
    async with BotHarness.start(database_url=db_url, clock=clock) as bot:
        await add_agency(sf, "d_syt", "Sở Y tế")
        await add_agency(sf, "d_sct", "Sở Công Thương")
        await add_task(sf, "d_soon", lead=["d_syt"], due=D(2027, 6, 24), title="Rà soát quy chế")
        await add_task(sf, "d_late", lead=["d_syt"], due=D(2027, 6, 1), title="Báo cáo quý")
        await add_task(sf, "d_quiet", lead=["d_sct"], due=D(2027, 12, 1), title="Tập huấn")
        await add_officer(sf, LAN, "d_syt")
        await add_officer(sf, 7002, "d_sct")
        await add_coordinator(sf, HOA, agencies=["d_syt", "d_sct"])
        await add_update(sf, "d_soon", "d_syt", LAN, "in_progress", at(D(2027, 6, 14), 7))
        yield bot


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
async def test_weekly_digest_on_monday_then_on_demand_and_export(
    harness: BotHarness, clock: ManualClock
) -> None:
    hoa = harness.chat(user_id=HOA, first_name="Hoa")
    lan = harness.chat(user_id=LAN, first_name="Lan")
    svc = scheduler_service(harness.application)
    assert svc is not None

    await svc.tick()  # Sunday 20:00: nothing
    assert hoa.sent == []
    clock.set(at(D(2027, 6, 14), 8))  # Monday 08:00
    await svc.tick()
    digest = await hoa.reply_containing("Báo cáo tổng hợp")
    assert "Đến hạn trong 14 ngày tới: 1" in digest.text and "Rà soát quy chế" in digest.text
    assert "Quá hạn: 1" in digest.text and "Báo cáo quý" in digest.text
    assert "Cập nhật trong tuần: 1" in digest.text
    assert "Không cập nhật từ 30 ngày trở lên: 1" in digest.text and "Sở Công Thương" in digest.text
    chart = await hoa.reply()
    assert chart.photo, "the chart comes as a photo"
    sent_before = len(hoa.sent)
    clock.advance(hours=3)
    await svc.tick()
    assert len([r for r in hoa.sent if "Báo cáo tổng hợp" in r.text]) == 1
    assert len(hoa.sent) == sent_before

    # On demand, same counts.
    await hoa.send("/baocao")
    again = await hoa.reply_containing("Báo cáo tổng hợp")
    assert "Quá hạn: 1" in again.text and "Cập nhật trong tuần: 1" in again.text
    assert (await hoa.reply()).photo

    # Export: CSV and XLSX of the scope.
    await hoa.send("/xuat")
    summary = await hoa.reply()
    assert "3 phân công nhiệm vụ" in summary.text and "1 cập nhật tiến độ" in summary.text
    csv_doc, xlsx_doc = await hoa.reply(), await hoa.reply()
    assert csv_doc.document["file_name"].endswith(".csv")
    rows = list(
        csv.reader(
            io.StringIO(
                harness.emulator.file_bytes(csv_doc.document["file_id"]).decode("utf-8-sig")
            )
        )
    )
    assert sorted(r[0] for r in rows[1:]) == ["d_late", "d_quiet", "d_soon"]
    book = load_workbook(io.BytesIO(harness.emulator.file_bytes(xlsx_doc.document["file_id"])))
    assert book.sheetnames == ["tasks", "updates"]

    # An officer is not a coordinator.
    await lan.send("/baocao")
    assert "chỉ dành cho điều phối viên" in (await lan.reply_containing("điều phối viên")).text
