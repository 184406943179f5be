"""Scenario docs/scenarios/volunteers.md, end to end: the real bot polling the emulator, on a
real database, driven as volunteers would drive it (typing, pressing buttons)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import random
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import Database, read_session
from bot.db.models_volunteers import VolunteerRegistration
from handlers import volunteers
from tests.db.volunteers.helpers import form, open_edition, seed_agencies
from tests.harness import BotHarness, with_database

CAMPAIGN = "Hiến máu tình nguyện — đợt 1"


@pytest.fixture
async def volunteer_bot(database: Database, clock: ManualClock) -> AsyncIterator[BotHarness]:
    await seed_agencies(database.session_factory, clock.now())
    async with BotHarness.start(
        clock=clock, areas=[with_database(database), volunteers.register]
    ) as harness:
        yield harness


async def registrations(database: Database) -> list[VolunteerRegistration]:
    async with read_session(database.session_factory) as session:
        rows = await session.scalars(
            select(VolunteerRegistration).order_by(VolunteerRegistration.id)
        )
        return list(rows.all())


async def open_form(chat) -> None:
    """/dangky, pick the campaign, up to the name prompt (Step 1/6)."""
    await chat.send("/dangky")
    await chat.reply()
    await chat.press(CAMPAIGN)
    await chat.edit()
    await chat.reply()


async def fill_form(chat, *, name: str = "Nguyễn Thị Lan", phone: str = "0912 345 678") -> None:
    """From the name prompt to the summary, happy path, no skills."""
    await chat.send(name)
    assert "Bước 2/6" in (await chat.reply()).text
    await chat.send(phone)
    assert "Bước 3/6" in (await chat.reply()).text
    await chat.send("Phường Tân Phong")
    assert "Bước 4/6" in (await chat.reply()).text
    await chat.send("Thành phố Lai Châu, tỉnh Lai Châu")
    assert "Bước 5/6" in (await chat.reply()).text
    await chat.press("Xong")
    await chat.edit()
    assert "Nghị định 13/2023/NĐ-CP" in (await chat.reply()).text
    await chat.press("Tôi đồng ý")
    await chat.edit()


async def test_whole_registration_flow_with_bad_input_on_the_way(
    volunteer_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    bot = volunteer_bot
    eid = await open_edition(database.session_factory, clock.now(), capacity=30)
    lan = bot.chat(first_name="Lan")

    await lan.send("/dangky")
    menu = await lan.reply()
    assert "Bạn muốn tham gia chiến dịch nào?" in menu.text
    assert "còn 30/30 chỗ" in menu.text
    assert menu.labels == [CAMPAIGN, "✖ Dừng"]
    await lan.send("chiến dịch 1")  # typing instead of pressing
    assert "Vui lòng dùng các nút ở trên" in (await lan.reply()).text

    await lan.press(CAMPAIGN)
    assert "Bạn đã chọn" in (await lan.edit()).text
    assert "Bước 1/6" in (await lan.reply()).text
    await lan.send("Lan 123")
    assert "không được chứa chữ số" in (await lan.reply()).text
    await lan.send_sticker()
    assert "trả lời câu hỏi ở trên bằng chữ" in (await lan.reply()).text
    await lan.send("Nguyễn Thị Lan")
    assert "Bước 2/6" in (await lan.reply()).text

    for bad, expected in [
        ("12345", "không phải số điện thoại Việt Nam"),
        ("0112345678", "không phải số điện thoại Việt Nam"),
        ("+1 202 555 0100", "chỉ gồm chữ số"),
        ("0044 20 7946 0958", "số điện thoại Việt Nam (0… hoặc +84…)"),
        ("gọi em nhé", "chỉ gồm chữ số"),
    ]:
        await lan.send(bad)
        assert expected in (await lan.reply()).text, bad
    await lan.send("+84 912 345 678")
    assert "Bước 3/6" in (await lan.reply()).text
    await lan.send("Phường Tân Phong")
    assert "Bước 4/6" in (await lan.reply()).text
    await lan.send("Thành phố Lai Châu, tỉnh Lai Châu")
    skills = await lan.reply()
    assert "Bước 5/6" in skills.text and "⬜ Sơ cấp cứu" in skills.labels
    await lan.press("Sơ cấp cứu")
    assert "☑️ Sơ cấp cứu" in (await lan.edit()).labels
    await lan.press("Hiến máu")
    await lan.edit()
    await lan.press("Xong")
    assert "Kỹ năng: Sơ cấp cứu, Hiến máu" in (await lan.edit()).text
    blood = await lan.reply()
    assert "Nhóm máu" in blood.text and "AB-" in blood.labels
    await lan.send("nhóm C")
    assert "chọn nhóm máu" in (await lan.reply()).text
    await lan.press("O+")
    assert "Nhóm máu: O+" in (await lan.edit()).text
    consent = await lan.reply()
    assert "Nghị định 13/2023/NĐ-CP" in consent.text and CAMPAIGN in consent.text
    assert "30 ngày sau khi chiến dịch kết thúc" in consent.text  # retention stated
    assert "bị xóa sau 24 giờ" in consent.text
    await lan.press("Tôi đồng ý")
    await lan.edit()
    summary = await lan.reply()
    for line in (
        "Họ tên: Nguyễn Thị Lan",
        "Điện thoại: 0912 345 678",
        "Xã/phường: Phường Tân Phong",
        "Kỹ năng: Sơ cấp cứu, Hiến máu",
        "Nhóm máu: O+",
    ):
        assert line in summary.text
    assert await registrations(database) == []  # nothing is stored before confirming
    await lan.press("Xác nhận")
    done = await lan.edit()
    assert "Bạn đã đăng ký thành công" in done.text

    [row] = await registrations(database)
    assert (row.edition_id, row.user_id, row.status) == (eid, lan.user.id, "confirmed")
    assert (row.full_name, row.phone, row.blood_group) == ("Nguyễn Thị Lan", "+84912345678", "O+")
    assert row.skills == ["first_aid", "blood_donation"] and row.consent_at == clock.now()

    # The same volunteer again: recognised as a duplicate.
    await lan.send("/dangky")
    await lan.reply()
    await lan.press(CAMPAIGN)
    assert "Bạn đã đăng ký" in (await lan.edit()).text and "rồi" in lan.sent[-1].text
    await lan.send("/cuatoi")
    mine = await lan.reply()
    assert CAMPAIGN in mine.text and "đã đăng ký" in mine.text
    assert len(await registrations(database)) == 1


async def test_cancel_mid_flow_keeps_nothing(
    volunteer_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    await open_edition(database.session_factory, clock.now())
    minh = volunteer_bot.chat(first_name="Minh")
    await open_form(minh)
    await minh.send("Trần Văn Minh")
    await minh.reply()
    await minh.send("/huy")
    assert "Đã dừng đăng ký. Không có thông tin nào được lưu." in (await minh.reply()).text
    assert await registrations(database) == []
    # The dialogue is over: an old button is refused politely.
    minh.press_data("v:c:y")
    answer = await minh.callback_answer()
    assert "không còn hiệu lực" in answer["text"] and answer["show_alert"] is True
    # Refusing consent ends the dialogue too, with nothing stored.
    await open_form(minh)
    await minh.send("Trần Văn Minh")
    await minh.reply()
    await minh.send("0387654321")
    await minh.reply()
    await minh.send("Xã Bản Hon")
    await minh.reply()
    await minh.send("Huyện Tam Đường")
    await minh.reply()
    await minh.press("Xong")
    await minh.edit()
    await minh.reply()
    await minh.press("Tôi không đồng ý")
    assert "Không có thông tin nào được lưu" in (await minh.edit()).text
    assert await registrations(database) == []


async def test_waitlist_then_promotion_when_a_volunteer_cancels(
    volunteer_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    bot = volunteer_bot
    await open_edition(database.session_factory, clock.now(), capacity=1)
    lan, minh = bot.chat(first_name="Lan"), bot.chat(first_name="Minh")
    await open_form(lan)
    await fill_form(lan)
    await lan.reply()
    await lan.press("Xác nhận")
    assert "đăng ký thành công" in (await lan.edit()).text

    await minh.send("/dangky")
    assert "đã đủ chỗ — nhận danh sách chờ" in (await minh.reply()).text
    await minh.press(CAMPAIGN)
    offer = await minh.edit()
    assert "đã đủ chỗ" in offer.text and "✅ Vào danh sách chờ" in offer.labels
    await minh.press("Vào danh sách chờ")
    await minh.edit()
    await minh.reply()
    await fill_form(minh, name="Trần Văn Minh", phone="0387654321")
    assert "Bạn sẽ ở trong danh sách chờ." in (await minh.reply()).text
    await minh.press("Xác nhận")
    assert "danh sách chờ của" in (await minh.edit()).text and "vị trí số 1" in minh.sent[-1].text

    await lan.send("/cuatoi")
    mine = await lan.reply()
    await lan.press("Hủy", mine)
    confirm = await lan.edit()
    assert "Hủy đăng ký tham gia" in confirm.text
    await lan.press("Có, hủy đăng ký")
    assert "Đã hủy đăng ký" in (await lan.edit()).text
    news = await minh.reply()
    assert "Tin vui" in news.text and CAMPAIGN in news.text
    statuses = [(r.user_id, r.status) for r in await registrations(database)]
    assert statuses == [(lan.user.id, "cancelled"), (minh.user.id, "confirmed")]
    await minh.send("/cuatoi")
    assert "đã đăng ký" in (await minh.reply()).text


async def test_erase_my_data_with_confirmation(
    volunteer_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    from bot.db.engine import write_session
    from bot.volunteers.registrations import register

    eid = await open_edition(database.session_factory, clock.now())
    hoa = volunteer_bot.chat(first_name="Hoa")
    async with write_session(database.session_factory) as session:
        await register(session, eid, hoa.user.id, form(1), now=clock.now())
    await hoa.send("/cuatoi")
    await hoa.press("Dữ liệu của tôi", await hoa.reply())
    sent = await hoa.reply()
    assert sent.document is not None and "bằng lệnh /xoadulieu" in sent.text
    mine = json.loads(volunteer_bot.emulator.file_bytes(sent.document["file_id"]))
    [entry] = mine["volunteer_registrations"]
    assert mine["user_id"] == hoa.user.id
    assert (entry["full_name"], entry["phone"], entry["campaign"]) == (
        "Nguyễn Thị Hoà B",
        "+84912345601",
        CAMPAIGN,
    )
    assert entry["consent_version"] == "nd13-2023/v2"
    await hoa.send("/xoadulieu")
    ask = await hoa.reply()
    assert "Xóa dữ liệu cá nhân của bạn?" in ask.text
    await hoa.press("Không, giữ lại")
    assert "không có gì bị xóa" in (await hoa.edit()).text
    assert (await registrations(database))[0].full_name is not None
    await hoa.send("/xoadulieu")
    await hoa.reply()
    await hoa.press("Có, xóa dữ liệu của tôi")
    assert "Đã xóa dữ liệu cá nhân của bạn khỏi 1 đăng ký." in (await hoa.edit()).text
    [row] = await registrations(database)
    assert row.user_id is None and row.full_name is None and row.phone is None
    await hoa.send("/cuatoi")
    assert "Bạn chưa có đăng ký nào" in (await hoa.reply()).text


async def test_personal_data_never_reaches_the_logs(
    volunteer_bot: BotHarness,
    database: Database,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    await open_edition(database.session_factory, clock.now(), starts_in=dt.timedelta(days=3))
    lan = volunteer_bot.chat(first_name="Lan")
    await open_form(lan)
    await fill_form(lan, name="Đinh Thị Riêng Tư", phone="0865 432 109")
    await lan.reply()
    await lan.press("Xác nhận")
    await lan.edit()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "registration" in text  # the domain did log the event, by id
    for secret in ("Riêng Tư", "0865 432 109", "0865432109", "+84865432109", "Tân Phong"):
        assert secret not in text


async def test_in_english_with_odd_input_the_form_keeps_asking_politely(
    volunteer_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    await open_edition(database.session_factory, clock.now())
    john = volunteer_bot.chat(first_name="John", language_code="en")
    await john.send("/lang en")
    await john.reply()
    await john.send("/dangky")
    menu = await john.reply()
    assert "Which campaign would you like to join?" in menu.text
    assert "no limit on places" in menu.text
    await john.press(CAMPAIGN)
    await john.edit()
    assert "Step 1/6" in (await john.reply()).text
    for odd, expected in [
        ("A" * 4096, "too long"),
        ("\u0000\u0007\u200b", "That was empty"),
        ("😀🎉", "Please type your full name"),
        ("<b>John</b> Smith", "only letters"),
    ]:
        await john.send(odd)
        assert expected in (await john.reply()).text
    await john.send("John Smith")
    assert "Step 2/6" in (await john.reply()).text
    await john.send("+84 " + "9" * 4000)
    assert "not a Vietnamese phone number" in (await john.reply()).text
    await john.send("/huy")
    assert "Nothing was saved" in (await john.reply()).text
    assert await registrations(database) == []


async def test_no_personal_data_in_groups_and_no_forged_cancel(
    volunteer_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    from bot.db.engine import write_session
    from bot.volunteers.registrations import register

    eid = await open_edition(database.session_factory, clock.now())
    [member] = volunteer_bot.emulator.group_chat(members=1)
    for command in ("/dangky", "/cuatoi", "/xoadulieu"):
        await member.send(command)
        assert "trong cuộc trò chuyện riêng" in (await member.reply()).text
    lan, intruder = volunteer_bot.chat(first_name="Lan"), volunteer_bot.chat(first_name="Tí")
    async with write_session(database.session_factory) as session:
        result = await register(session, eid, lan.user.id, form(1), now=clock.now())
    assert result.registration is not None
    await intruder.send("/cuatoi")
    listing = await intruder.reply()
    intruder.press_data(f"vm:y:{result.registration.id}", listing)  # someone else's
    assert "không còn hiệu lực" in (await intruder.edit()).text
    assert [r.status for r in await registrations(database)] == ["confirmed"]


async def test_an_abandoned_form_is_dropped(
    database: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(volunteers, "ABANDONED_AFTER", dt.timedelta(seconds=0.5))
    await seed_agencies(database.session_factory, clock.now())
    await open_edition(database.session_factory, clock.now())
    async with BotHarness.start(
        clock=clock, areas=[with_database(database), volunteers.register]
    ) as bot:
        lan = bot.chat(first_name="Lan")
        await open_form(lan)
        await lan.send("Nguyễn Thị Lan")
        await lan.reply()
        assert bot.application.user_data[lan.user.id][volunteers.DRAFT]["full_name"]
        for _ in range(50):  # the timeout runs on the JobQueue (real time)
            await asyncio.sleep(0.1)
            if volunteers.DRAFT not in bot.application.user_data[lan.user.id]:
                break
        assert volunteers.DRAFT not in bot.application.user_data[lan.user.id]
        await lan.send("0912345678")  # no longer inside the form: not taken as a phone
        assert "Bước 3/6" not in (await lan.reply()).text


async def test_in_the_whole_bot_with_every_area(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    """The same flow with every area of bot/app.py wired in (their handlers come first)."""
    await seed_agencies(database.session_factory, clock.now())
    await open_edition(database.session_factory, clock.now())
    async with BotHarness.start(clock=clock, database_url=db_url) as bot:
        menu = {c["command"] for c in bot.emulator.commands()}
        assert {"dangky", "cuatoi", "xoadulieu", "chiendich"} <= menu
        lan = bot.chat(first_name="Lan")
        await open_form(lan)
        await fill_form(lan)
        await lan.reply()
        await lan.press("Xác nhận")
        assert "đăng ký thành công" in (await lan.edit()).text
        await lan.send("/cuatoi")
        assert CAMPAIGN in (await lan.reply()).text
    assert [r.status for r in await registrations(database)] == ["confirmed"]


def fuzz_texts(seed: int, count: int) -> list[str]:
    """Deterministic odd input: any Unicode (no surrogates), controls, emoji, markup, 4096."""
    rng = random.Random(seed)
    pools = [
        lambda: "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(1, 40))),
        lambda: "".join(chr(rng.randrange(0, 0x20)) for _ in range(rng.randrange(1, 8))),
        lambda: "".join(rng.choice("😀🎉🩸❤️👍🏽🇻🇳") for _ in range(rng.randrange(1, 10))),
        lambda: rng.choice(["<b>", "</i>&amp;", "<a href='x'>", "{name}", "%s", "'; DROP"]),
        lambda: rng.choice("aăâđêôơư0123456789 +.-") * 4096,
        lambda: "".join(chr(rng.randrange(0x10000, 0x1FFFF)) for _ in range(5)),
    ]
    texts = [rng.choice(pools)() for _ in range(count)]
    return [t for t in texts if t.strip() and not t.lstrip().startswith("/")]


async def test_any_text_at_any_step_gets_a_polite_reply(
    volunteer_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    await open_edition(database.session_factory, clock.now())
    lan = volunteer_bot.chat(first_name="Lan")
    await open_form(lan)
    apology = "Xin lỗi, đã có lỗi"
    good = ["Nguyễn Thị Lan", "0912345678", "Phường Tân Phong", "Huyện Tam Đường"]
    for step, answer in enumerate(good, start=1):
        for text in fuzz_texts(step, 12):
            await lan.send(text)
            reply = await lan.reply()
            assert reply.text.strip() and apology not in reply.text, (step, text)
            if f"Bước {step + 1}/6" in reply.text:  # the odd text was acceptable here
                break
        else:
            await lan.send(answer)
            assert f"Bước {step + 1}/6" in (await lan.reply()).text
    assert "⬜ Sơ cấp cứu" in lan.sent[-1].labels


async def test_a_form_left_for_hours_expires_even_across_restarts(
    volunteer_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    """The age check uses the form's start time (kept in the persistence), not a timer."""
    await open_edition(database.session_factory, clock.now(), starts_in=dt.timedelta(days=3))
    lan, minh = volunteer_bot.chat(first_name="Lan"), volunteer_bot.chat(first_name="Minh")
    for chat in (lan, minh):
        await open_form(chat)
        await chat.send("Nguyễn Thị Lan")
        await chat.reply()
    clock.advance(hours=13)
    await lan.send("0912345678")
    assert "đã hết hạn" in (await lan.reply()).text
    assert volunteers.DRAFT not in volunteer_bot.application.user_data[lan.user.id]
    # Minh never comes back: the periodic job drops his form anyway.
    assert volunteers.purge_abandoned_forms(volunteer_bot.application) == 1
    assert volunteers.DRAFT not in volunteer_bot.application.user_data[minh.user.id]
    assert await registrations(database) == []
