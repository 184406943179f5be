"""How real officers and volunteers type: loose task codes, dates in words, /huy anywhere.

Found by driving the whole bot (every area registered, as in production) the way people
write without diacritics: ``/capnhat ii2 xong``, ``/capnhat 2.2 dang lam``, ``/vang 2 tuan``,
``/vang ngay 15 thang 12``, ``/hanchot ii2 31/12/2026``, and ``/huy`` in the middle of a
volunteer registration (which another area's "nothing to cancel" used to swallow).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import Database, read_session
from bot.db.models import ProgressUpdate, Task
from bot.db.models_volunteers import VolunteerRegistration
from handlers import campaigns, volunteers
from tests.db.volunteers.helpers import open_edition, seed_agencies
from tests.harness import BotHarness, with_database

ADMIN = 1001
LAN = 2001


async def _join(bot: BotHarness, agency: str = "BNV"):
    admin = bot.chat(user_id=ADMIN, first_name="Admin")
    await admin.send(f"/macode {agency}")  # the agency typed as people abbreviate it
    code = (await admin.reply_containing("/thamgia")).entity_texts("code")[0]
    lan = bot.chat(user_id=LAN, first_name="Lan")
    await lan.send(f"/thamgia {code.lower().replace('-', ' ')}")  # lower case, a space
    assert "Bộ Nội vụ" in (await lan.reply()).text
    return admin, lan


async def test_loose_task_codes_save_on_the_right_task(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        _, lan = await _join(bot)
        for line, status in [
            ("/capnhat ii2 xong", "Hoàn thành"),
            ("/capnhat 2.2 dang lam", "Đang thực hiện"),
            ("/capnhat ii.2 vuong mac cho kinh phi 🙏", "Gặp vướng mắc"),
            ("/capnhat II 2 hoan thanh", "Hoàn thành"),  # section and number typed apart
        ]:
            await lan.send(line)
            saved = await lan.reply()
            assert "Đã lưu cập nhật" in saved.text, (line, saved.text)
            assert "II.2 ·" in saved.text and status in saved.text, (line, saved.text)
        async with read_session(database.session_factory) as s:
            refs = (
                await s.scalars(
                    select(Task.ref).join(ProgressUpdate, ProgressUpdate.task_id == Task.id)
                )
            ).all()
        assert len(refs) == 4 and all(ref.endswith("II.2") for ref in refs), refs
        # a half-typed code is still a typo to confirm, never a silent guess
        await lan.send("/capnhat II,2 xong")
        assert "Có phải" in (await lan.reply()).text
        # the guided flow takes the loose code too
        await lan.send("/huy")
        await lan.reply()
        await lan.send("/capnhat")
        await lan.reply()
        await lan.send("ii2")
        status = await lan.reply()
        assert "II.2 ·" in status.text and "Trạng thái" in status.text, status.text


async def test_away_dates_as_people_type_them(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    today = clock.now().date()
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        _, lan = await _join(bot)
        await lan.send("/vang 2 tuan")
        two_weeks = today + dt.timedelta(days=14)
        noted = await lan.reply()
        assert "🌴" in noted.text and f"{two_weeks.day} tháng {two_weeks.month}" in noted.text
        await lan.send(f"/vang ngay {two_weeks.day} thang {two_weeks.month}")
        assert "🌴" in (await lan.reply()).text
        await lan.send("/vang đến 3 ngày")
        assert "🌴" in (await lan.reply()).text
        await lan.send("/vang ngay mai")
        tomorrow = today + dt.timedelta(days=1)
        assert f"{tomorrow.day} tháng {tomorrow.month}" in (await lan.reply()).text
        past = today - dt.timedelta(days=3)
        await lan.send(f"/vang {past:%d/%m/%Y}")
        refused = await lan.reply()
        assert "đã qua" in refused.text and "🌴" not in refused.text, refused.text
        await lan.send("/trolai")
        assert "trở lại" in (await lan.reply()).text
        await lan.send("/lang en")
        await lan.reply()
        await lan.send(f"/vang {past:%d/%m/%Y}")
        english = await lan.reply()
        assert "already past" in english.text and "đã" not in english.text, english.text


async def test_deadline_with_the_short_code(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        admin = bot.chat(user_id=ADMIN, first_name="Admin")
        await admin.send("/hanchot ii2 31/12/2099")
        reply = await admin.reply()
        # II.2 exists in several documents: the bot lists them instead of "not found"
        assert "Không tìm thấy" not in reply.text, reply.text
        assert "II.2" in reply.text, reply.text


async def test_cancel_a_volunteer_registration_with_the_whole_bot(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        await seed_agencies(database.session_factory, clock.now())
        await open_edition(database.session_factory, clock.now())
        minh = bot.chat(user_id=5001, first_name="Minh")
        await minh.send("/huy")
        assert "Không có thao tác nào để huỷ" in (await minh.reply()).text
        await minh.send("/dangky")
        await minh.reply()
        await minh.press("Hiến máu")
        await minh.edit()
        assert "Bước 1/6" in (await minh.reply()).text
        await minh.send("TRAN VAN MINH")
        assert "Bước 2/6" in (await minh.reply()).text
        await minh.send("/capnhat")  # another area's command mid-flow
        await minh.reply()
        await minh.send("/huy")
        stopped = await minh.reply()
        assert "Không có thao tác nào" not in stopped.text, stopped.text
        await minh.send("0912.345.678")  # the flow is over: this is not taken as a phone
        after = await minh.reply()
        assert "Bước 3/6" not in after.text, after.text
        async with read_session(database.session_factory) as s:
            assert (await s.scalars(select(VolunteerRegistration))).all() == []


async def test_a_sticker_mid_update_keeps_the_step_and_the_draft(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        _, lan = await _join(bot)
        await lan.send("/capnhat")
        await lan.reply()
        await lan.send("II.2")
        await lan.reply()
        await lan.press("Đang thực hiện")
        await lan.edit()
        await lan.send("60 %")
        assert "ghi chú" in (await lan.reply()).text.lower()
        await lan.send_sticker()
        nudge = await lan.reply()
        assert "trả lời câu hỏi ở trên" in nudge.text, nudge.text  # not small talk
        await lan.send("Đã gửi dự thảo 🎉")
        confirm = await lan.reply()
        assert "60%" in confirm.text and "🎉" in confirm.text, confirm.text
        await lan.press("✔ Lưu")
        assert "Đã lưu cập nhật" in (await lan.edit()).text


async def test_campaign_dates_in_words_unlimited_places_and_a_photo(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    from tests.db.volunteers.helpers import COORDINATOR

    await seed_agencies(database.session_factory, clock.now())
    areas = [with_database(database), volunteers.register, campaigns.register]
    async with BotHarness.start(clock=clock, areas=areas) as bot:
        coord = bot.chat(COORDINATOR, first_name="Hà")
        await coord.send("/chiendich")
        await coord.reply()
        await coord.press("Mở chiến dịch mới")
        await coord.reply()
        await coord.press("Hiến máu tình nguyện")
        await coord.edit()
        await coord.reply()
        await coord.send("Hien mau tinh nguyen 2026")
        await coord.reply()
        await coord.send_photo()
        assert "trả lời câu hỏi ở trên" in (await coord.reply()).text
        await coord.press("Hội CTĐ tỉnh")
        await coord.edit()
        assert "Bước 4/8" in (await coord.reply()).text
        await coord.send("Nha van hoa phuong Tan Phong")
        assert "Bước 5/8" in (await coord.reply()).text
        year = clock.now().year + 1
        await coord.send(f"ngay 15 thang 3 nam {year} luc 7h30")
        assert "Bước 6/8" in (await coord.reply()).text
        await coord.send(f"ngày 14 tháng 3 năm {year}")  # before the start
        assert "phải sau thời điểm bắt đầu" in (await coord.reply()).text
        await coord.send(f"16/03/{year} 17:00")
        assert "Bước 7/8" in (await coord.reply()).text
        await coord.send("khong gioi han")
        assert "Bước 8/8" in (await coord.reply()).text
        await coord.send("-")
        summary = await coord.reply()
        assert "không giới hạn" in summary.text and "07:30 15/3" in summary.text, summary.text


async def test_volunteer_types_skills_and_phone_loosely(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    await seed_agencies(database.session_factory, clock.now())
    await open_edition(database.session_factory, clock.now())
    areas = [with_database(database), volunteers.register]
    async with BotHarness.start(clock=clock, areas=areas) as bot:
        lan = bot.chat(user_id=5002, first_name="Lan")
        await lan.send("/dangky")
        await lan.reply()
        await lan.press("Hiến máu")
        await lan.edit()
        await lan.reply()
        await lan.send("NGUYEN THI LAN")
        await lan.reply()
        await lan.send("84912345678")  # no plus, no zero
        assert "Bước 3/6" in (await lan.reply()).text
        await lan.send("phuong 3, quan 5, tp hcm")
        assert "Bước 4/6" in (await lan.reply()).text
        await lan.send("tp hcm")
        assert "Bước 5/6" in (await lan.reply()).text
        await lan.send("nau an")  # not on the list: the list again, nothing lost
        again = await lan.reply()
        assert "chưa khớp" in again.text and "➡️ Xong" in again.labels
        await lan.send("so cap cuu, lai xe")
        ticked = await lan.reply()
        assert "Sơ cấp cứu" in ticked.text and "Hậu cần" in ticked.text, ticked.text
        assert "☑️ Sơ cấp cứu" in ticked.labels and "☑️ Hậu cần, vận chuyển" in ticked.labels
        await lan.press("Xong", ticked)
        await lan.edit()
        await lan.reply()  # consent
        await lan.press("Tôi đồng ý")
        await lan.edit()
        await lan.reply()
        await lan.press("Xác nhận")
        await lan.edit()
        async with read_session(database.session_factory) as s:
            rows = (await s.scalars(select(VolunteerRegistration))).all()
        assert len(rows) == 1
        assert set(rows[0].skills) == {"first_aid", "logistics"}, rows[0].skills
        assert rows[0].phone == "+84912345678", rows[0].phone  # stored in one form


async def test_status_typed_in_the_guided_flow_and_a_negative_percent(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        _, lan = await _join(bot)
        await lan.send("/capnhat II.2 -5% da gui")
        refused = await lan.reply()
        assert "từ 0 đến 100" in refused.text and "Đã lưu" not in refused.text, refused.text
        await lan.send("/capnhat")
        await lan.reply()
        await lan.send("ii2")
        await lan.reply()
        await lan.send("hoan thanh")  # typed instead of pressed
        percent = await lan.reply()
        assert "phần trăm" in percent.text and "100%" in percent.labels, percent.text
        await lan.send("100")
        await lan.reply()
        await lan.press("Không ghi chú")
        confirm = await lan.edit()
        assert "Hoàn thành" in confirm.text and "100%" in confirm.text, confirm.text
        await lan.send("chua ro lam")  # not a status at the confirm step: buttons, kindly
        assert "nút" in (await lan.reply()).text
        await lan.press("✔ Lưu")
        assert "Đã lưu cập nhật" in (await lan.edit()).text


async def test_a_button_of_a_cancelled_update_points_back_to_capnhat(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        _, lan = await _join(bot)
        await lan.send("/capnhat")
        old_list = await lan.reply()
        await lan.send("/huy")
        await lan.reply()
        await lan.press("II.2", old_list)
        told = await lan.reply()
        assert "/capnhat" in told.text and "câu hỏi" not in told.text, told.text
        async with read_session(database.session_factory) as s:
            assert (await s.scalars(select(ProgressUpdate))).all() == []
