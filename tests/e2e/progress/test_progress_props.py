"""Property, through the emulator: any text after /capnhat or as the note of the guided
flow gets a reply, never a crash and never a partial write."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db.engine import Database
from bot.db.models import NOTE_MAX_CHARS, AuditLog, ProgressUpdate
from tests.e2e.progress.test_progress import ADMIN, LAN, _join
from tests.harness import BotHarness

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=4000)
_PROPS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
async def lan_bot(database: Database, db_url: str, clock: ManualClock) -> AsyncIterator[BotHarness]:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        await _join(bot, LAN, "Lan", "Bộ Nội vụ")
        yield bot


async def _counts(database: Database) -> tuple[int, int]:
    async with database.session_factory() as s:
        updates = await s.scalar(select(func.count()).select_from(ProgressUpdate))
        audits = await s.scalar(select(func.count()).select_from(AuditLog))
    return int(updates or 0), int(audits or 0)


@_PROPS
@given(prefix=st.sampled_from(["II.2 ", "II.2 60% ", "ii,2 ", "", "II.6 xong "]), tail=_TEXT)
@example(prefix="II.2 60% ", tail="😀" * 600)
@example(prefix="II.2 ", tail="\u202e\u0000<b>x</b>&amp;" * 30)
async def test_one_line_any_text(
    lan_bot: BotHarness, database: Database, prefix: str, tail: str
) -> None:
    lan = lan_bot.chat(user_id=LAN, first_name="Lan")
    lan.skip_all()
    await lan.send("/huy")  # leave any flow a previous example opened
    await lan.reply()
    before = await _counts(database)
    await lan.send(f"/capnhat {prefix}{tail}"[:4096])
    reply = await lan.reply()
    assert reply.text.strip()
    assert "Traceback" not in reply.text and "Xin lỗi" not in reply.text
    after = await _counts(database)
    if "Đã lưu cập nhật" in reply.text:
        assert after == (before[0] + 1, before[1] + 1)
    else:
        assert after[0] == before[0]


@_PROPS
@given(note=_TEXT.filter(lambda text: not text.startswith("/")))  # "/…" is a command
@example(note="ă" * NOTE_MAX_CHARS)
@example(note="ă" * (NOTE_MAX_CHARS + 1))
async def test_guided_note_any_text(lan_bot: BotHarness, database: Database, note: str) -> None:
    lan = lan_bot.chat(user_id=LAN, first_name="Lan")
    lan.skip_all()
    await lan.send("/capnhat")
    await lan.reply()
    await lan.send("II.2")
    await lan.reply()
    await lan.press("Hoàn thành")
    await lan.edit()
    await lan.press("Bỏ qua")
    await lan.edit()
    before = await _counts(database)
    await lan.send(note)
    reply = await lan.reply()
    assert "Traceback" not in reply.text and "Xin lỗi" not in reply.text
    assert await _counts(database) == before  # nothing is written before ✔ Lưu
    if "Lưu cập nhật này?" in reply.text:
        await lan.press("✔ Lưu")
        assert "Đã lưu cập nhật" in (await lan.edit()).text
        assert (await _counts(database))[0] == before[0] + 1
    else:
        assert "tối đa" in reply.text or "rút gọn" in reply.text
        await lan.send("/huy")
        assert "Đã huỷ" in (await lan.reply()).text
