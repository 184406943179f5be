"""Scenario docs/scenarios/progress.md, end to end through the emulator, on SQLite and PostgreSQL.

An admin issues a join code for Bộ Nội vụ, an officer joins with it, posts progress on
II.2 through the guided flow and in one line, corrects it, and anyone entitled sees the
status. An officer of another agency, a non-member and a forged button are refused
politely, and nothing is written for them. A flow interrupted by a restart resumes.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db.engine import Database
from bot.db.models import Membership, ProgressUpdate
from tests.harness import BotHarness

ADMIN = 1001
LAN = 2001  # officer of Bộ Nội vụ
HUNG = 2002  # officer of Bộ Tài chính
KHOA = 2003  # no agency


async def _count_updates(database: Database) -> int:
    async with database.session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(ProgressUpdate)) or 0)


async def _code_for(bot: BotHarness, agency: str) -> str:
    admin = bot.chat(user_id=ADMIN, first_name="Admin")
    admin.skip_all()  # a new handle on the same chat: earlier codes are not this one
    await admin.send(f"/macode {agency}")
    reply = await admin.reply_containing("/thamgia")
    codes = reply.entity_texts("code")
    assert codes, reply.text
    return codes[0]


async def _join(bot: BotHarness, user_id: int, name: str, agency: str):
    code = await _code_for(bot, agency)
    chat = bot.chat(user_id=user_id, first_name=name)
    await chat.send(f"/thamgia {code}")
    welcome = await chat.reply()
    assert "Chào mừng" in welcome.text, welcome.text
    return chat


async def test_code_join_guided_update_one_line_status_and_correction(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        lan = await _join(bot, LAN, "Lan", "Bộ Nội vụ")
        assert "Bộ Nội vụ" in lan.sent[-1].text

        # guided: /capnhat → task (typed) → status → percent → note → confirm
        await lan.send("/capnhat")
        tasks = await lan.reply()
        assert "nhiệm vụ nào" in tasks.text and "✖ Huỷ" in tasks.labels
        assert "trang 1/2" in tasks.text and len(tasks.labels) == 6 + 2  # 6 tasks, ▶, ✖
        await lan.press("▶", tasks)
        page2 = await lan.edit()
        assert "trang 2/2" in page2.text and "◀" in page2.labels
        assert not set(page2.labels[:3]) & set(tasks.labels[:6])  # other tasks
        await lan.send("II.2")
        status = await lan.reply()
        assert "Trạng thái" in status.text and "II.2" in status.text
        await lan.press("Đang thực hiện")
        percent = await lan.edit()
        assert "phần trăm" in percent.text
        await lan.press("50%")
        note = await lan.edit()
        assert "ghi chú" in note.text.lower()
        await lan.send("Đã lấy ý kiến các bộ, ngành")
        confirm = await lan.reply()
        assert "Lưu cập nhật này?" in confirm.text and "50%" in confirm.text
        await lan.press("✔ Lưu")
        saved = await lan.edit()
        assert "Đã lưu cập nhật" in saved.text and "Đã lấy ý kiến" in saved.text
        assert await _count_updates(database) == 1

        # one line, with a typo first: suggestions, what was typed is kept
        clock.advance(hours=1)
        await lan.send("/capnhat II,2 60% đã gửi dự thảo báo cáo")
        suggest = await lan.reply()
        assert "Không thấy nhiệm vụ" in suggest.text
        assert any(label.startswith("II.2 ·") for label in suggest.labels)
        await lan.press("II.2 ·")
        confirm = await lan.edit()
        assert "60%" in confirm.text and "đã gửi dự thảo báo cáo" in confirm.text
        await lan.press("✔ Lưu")
        assert "Đã lưu cập nhật" in (await lan.edit()).text
        await lan.send("/capnhat II.2 70% đã trình Thủ tướng")
        one_line = await lan.reply()
        assert "Đã lưu cập nhật" in one_line.text and "70%" in one_line.text
        assert await _count_updates(database) == 3

        # correction of the last one by its author (a new row linked to the old one)
        await lan.press("✏ Sửa (trong 24 giờ)", one_line)
        await lan.reply()
        await lan.press("Đang thực hiện")
        await lan.edit()
        await lan.press("75%")
        await lan.edit()
        await lan.press("Không ghi chú")
        fix = await lan.edit()
        assert "Sửa cập nhật của bạn?" in fix.text
        await lan.press("✔ Lưu")
        assert "Đã lưu bản sửa" in (await lan.edit()).text
        async with database.session_factory() as s:
            rows = (await s.scalars(select(ProgressUpdate).order_by(ProgressUpdate.id))).all()
        assert [r.percent for r in rows] == [50, 60, 70, 75]
        assert rows[3].corrects_id == rows[2].id and rows[2].note == "đã trình Thủ tướng"

        # status: command and plain question
        await lan.send("/tiendo II.2")
        status_reply = await lan.reply()
        text = status_reply.text
        assert "Bộ Nội vụ" in text and "Đang thực hiện 75%" in text and "Lan" in text
        assert "quá hạn" in text  # due 12/2023, not done
        assert "chưa có cập nhật" in text  # the coordinating agencies have not reported
        await lan.send("tiến độ nhiệm vụ II.2?")
        assert (await lan.reply()).text == text
        await lan.send("/tiendo Bộ Nội vụ")
        agency_view = (await lan.reply()).text
        assert "Tiến độ của Bộ Nội vụ" in agency_view and "II.2" in agency_view

        # the same flow in English after /lang
        await lan.send("/lang")
        await lan.reply()
        await lan.press("English")
        await lan.edit()
        await lan.send("/capnhat")
        english = await lan.reply()
        assert "which task?" in english.text and "✖ Cancel" in english.labels
        await lan.send("/huy")
        assert "Cancelled. Nothing was saved." in (await lan.reply()).text


async def test_other_agency_non_member_and_forged_buttons_are_refused(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        hung = await _join(bot, HUNG, "Hùng", "Bộ Tài chính")
        khoa = bot.chat(user_id=KHOA, first_name="Khoa")

        # an officer of another agency: II.2 is not among Bộ Tài chính's tasks
        await hung.send("/capnhat II.2 100% xong")
        reply = await hung.reply()
        assert "Không thấy nhiệm vụ" in reply.text
        assert not any(label.startswith("II.2 ·") for label in reply.labels)

        # a non-member
        await khoa.send("/capnhat II.2 100% xong")
        assert "Chỉ cán bộ của cơ quan được giao" in (await khoa.reply()).text
        await khoa.send("/capnhat")
        assert "mã tham gia" in (await khoa.reply()).text
        await khoa.send("/tiendo II.2")
        assert "Tiến độ chỉ hiển thị" in (await khoa.reply()).text
        # in chat, "tiến độ …" from someone who may not see progress is just a question
        await khoa.send("tiến độ nhiệm vụ II.2?")
        answer = (await khoa.reply()).text
        assert "Tiến độ chỉ hiển thị" not in answer and "Đang thực hiện" not in answer
        await khoa.send("/macode Bộ Nội vụ")
        assert "Chỉ điều phối viên" in (await khoa.reply()).text
        await khoa.send("/dieuphoi them 2003 tatca")
        assert "Chỉ quản trị viên" in (await khoa.reply()).text

        # forged buttons: Hùng's flow with another nonce, a correction of someone else's row
        await hung.send("/capnhat")
        tasks = await hung.reply()
        assert "Bộ Tài chính" in tasks.text
        forged = tasks.keyboard[0][0].callback_data or ""
        nonce = forged.split(":")[1]
        hung.press_data("pg:deadbeef:t:0", tasks)
        assert "không còn hiệu lực" in (await hung.callback_answer())["text"]
        hung.press_data(f"pg:{nonce}:t:999", tasks)
        await hung.callback_answer()
        hung.press_data(f"pg:{nonce}:s:done", tasks)  # a step that is not the current one
        assert "không còn hiệu lực" in (await hung.callback_answer())["text"]
        await hung.send("/huy")
        assert "Đã huỷ" in (await hung.reply()).text

        # a flow whose draft was lost (state kept, data not): told to start again
        await hung.send("/capnhat")
        await hung.reply()
        bot.application.user_data[HUNG].pop("capnhat")
        await hung.send("II.5")
        assert "bắt đầu lại với /capnhat" in (await hung.reply()).text
        await hung.send("II.5")  # the flow has ended: plain text is a question again
        assert "bắt đầu lại" not in (await hung.reply()).text

        lan = await _join(bot, LAN, "Lan", "Bộ Nội vụ")
        await lan.send("/capnhat II.2 10% bắt đầu")
        assert "Đã lưu cập nhật" in (await lan.reply()).text
        async with database.session_factory() as s:
            lan_row = await s.scalar(select(ProgressUpdate.id))
        hung.press_data(f"pgfix:{lan_row}")
        assert "Chỉ người gửi cập nhật" in (await hung.reply()).text
        khoa.press_data("pg:00000000:c:y")  # a forged "save" outside any flow
        assert "không còn hiệu lực" in (await khoa.reply()).text
        assert await _count_updates(database) == 1


async def test_guided_flow_survives_a_restart(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        lan = await _join(bot, LAN, "Lan", "Bộ Nội vụ")
        await lan.send("/capnhat")
        await lan.reply()
        await lan.send("II.2")
        await lan.reply()
        await lan.press("Gặp vướng mắc")
        assert "phần trăm" in (await lan.edit()).text
    # the bot stops (graceful restart) and starts again on the same database
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        lan = bot.chat(user_id=LAN, first_name="Lan")
        await lan.send("30")
        assert "ghi chú" in (await lan.reply()).text.lower()
        await lan.send("Chờ ý kiến Bộ Tài chính")
        confirm = await lan.reply()
        assert "Gặp vướng mắc" in confirm.text and "30%" in confirm.text
        await lan.press("✔ Lưu")
        assert "Đã lưu cập nhật" in (await lan.edit()).text
    async with database.session_factory() as s:
        row = await s.scalar(select(ProgressUpdate))
        members = await s.scalar(select(func.count()).select_from(Membership))
    assert row is not None and row.status == "blocked" and row.percent == 30
    assert members == 1


async def test_leave_and_coordinator_grant(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        admin = bot.chat(user_id=ADMIN, first_name="Admin")
        await admin.send("/dieuphoi them 3001 cap tinh Lai Châu")
        assert "điều phối viên" in (await admin.reply()).text
        coord = bot.chat(user_id=3001, first_name="Chi")
        await coord.send("/macode Sở Y tế tỉnh Lai Châu")
        code_reply = await coord.reply()
        assert code_reply.entity_texts("code"), code_reply.text
        await coord.send("/macode Bộ Nội vụ")
        assert "Chỉ điều phối viên" in (await coord.reply()).text
        officer = bot.chat(user_id=3002, first_name="Mai")
        await officer.send(f"/thamgia {code_reply.entity_texts('code')[0]}")
        assert "Sở Y tế" in (await officer.reply()).text

        # a code for two people, valid three days; members listed and one removed
        await coord.send("/macode Sở Y tế tỉnh Lai Châu 2 3")
        two = await coord.reply()
        assert "dùng cho 2 người" in two.text
        code = two.entity_texts("code")[0]
        answers = []
        for uid, name in ((3003, "Tâm"), (3004, "Vy"), (3005, "Quân")):
            chat = bot.chat(user_id=uid, first_name=name)
            await chat.send(f"/thamgia {code}")
            answers.append((await chat.reply()).text)
        assert "Chào mừng" in answers[0] and "Chào mừng" in answers[1]
        assert "đã được dùng hết" in answers[2]
        await coord.send("/thanhvien Sở Y tế tỉnh Lai Châu")
        listing = await coord.reply()
        assert {"3002", "3003", "3004"} <= set(listing.entity_texts("code"))
        assert "Tâm" in listing.text
        await officer.send("/thanhvien Sở Y tế tỉnh Lai Châu")
        assert "Chỉ điều phối viên" in (await officer.reply()).text
        await coord.send("/xoathanhvien 3004 Sở Y tế tỉnh Lai Châu")
        assert "Đã xoá khỏi" in (await coord.reply()).text
        await coord.send("/macode Sở Y tế tỉnh Lai Châu 1000")
        assert "1 đến 500 người" in (await coord.reply()).text

        await officer.send("/roikhoi")
        assert "Bạn đã rời khỏi" in (await officer.reply()).text
        await officer.send("/capnhat")
        assert "mã tham gia" in (await officer.reply()).text
        await admin.send("/dieuphoi them 3009 Bộ Nội vụ; Bộ Tài chính")
        listed = (await admin.reply()).text
        assert "Bộ Nội vụ" in listed and "Bộ Tài chính" in listed
        await admin.send("/dieuphoi them 3009 Sở Không Tồn Tại")
        assert "Tôi không hiểu phạm vi" in (await admin.reply()).text
        await admin.send("/dieuphoi")
        overview = (await admin.reply()).text
        assert "3001" in overview and "3009" in overview and "Cách dùng" in overview
        await admin.send("/dieuphoi bo 3001")
        assert "không còn là điều phối viên" in (await admin.reply()).text
        await coord.send("/macode Sở Y tế tỉnh Lai Châu")
        assert "Chỉ điều phối viên" in (await coord.reply()).text


async def test_bot_upgrades_and_syncs_an_empty_database_on_start(clock: ManualClock) -> None:
    """No database_url: the harness gives a fresh, empty SQLite file; the bot migrates it
    and syncs the knowledge base in post_init, so joining and posting work at once."""
    async with BotHarness.start(admin_ids={ADMIN}, clock=clock) as bot:
        lan = await _join(bot, LAN, "Lan", "Bộ Nội vụ")
        await lan.send("/capnhat II.2 20%")
        assert "Đã lưu cập nhật" in (await lan.reply()).text
        db = bot.services.db
        assert db is not None
        async with db.session_factory() as s:
            assert await s.scalar(select(func.count()).select_from(ProgressUpdate)) == 1


async def test_officer_exports_and_erases_own_profile(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    import json

    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        lan = await _join(bot, LAN, "Lan", "Bộ Nội vụ")
        await lan.send("/capnhat II.2 20% bắt đầu")
        await lan.reply()
        await lan.send("/dulieucuatoi")
        exported = await lan.reply()
        assert exported.document is not None
        data = json.loads(bot.emulator.file_bytes(exported.document["file_id"]))
        assert data["user_id"] == LAN and data["memberships"][0]["agency_id"] == "bo_noi_vu"
        assert data["progress_updates"][0]["note"] == "bắt đầu"

        await lan.send("/xoahoso")
        ask = await lan.reply()
        other = bot.chat(user_id=KHOA, first_name="Khoa")
        other.press_data(ask.keyboard[0][0].callback_data or "", ask)  # not Khoa's button
        assert "không còn hiệu lực" in (await other.callback_answer())["text"]
        await lan.press("Đồng ý xoá", ask)
        assert "đã được xoá" in (await lan.edit()).text
        await lan.send("/capnhat II.2 30%")
        assert "Chỉ cán bộ của cơ quan được giao" in (await lan.reply()).text
