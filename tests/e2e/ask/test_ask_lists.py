"""Lists and counts in chat (issue 10): a long list is paged with buttons that edit the
answer in place; the page kept per chat survives in chat_data."""

from __future__ import annotations

from tests.harness import BotHarness

QUESTION = "nhiệm vụ nào không ghi thời hạn"


async def test_long_list_is_paged_with_buttons(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send(QUESTION)
    first = await lan.reply()
    expected = bot.services.engine.answer(QUESTION)
    total, pages = len(expected.tasks), expected.listing.pages
    assert pages > 1 and f"{total} nhiệm vụ" in first.text
    assert "Trang 1/" in first.text and first.labels[0] == "Trang sau »"

    await lan.press("Trang sau »", first)
    assert (await lan.callback_answer())["text"] is None
    second = await lan.edit()
    assert f"Trang 2/{pages}" in second.text
    assert second.labels == ["« Trang trước", "Trang sau »"]
    shown_first = {line for line in first.text.splitlines() if line.startswith("•")}
    shown_second = {line for line in second.text.splitlines() if line.startswith("•")}
    assert shown_second and not shown_first & shown_second

    await lan.press("« Trang trước", second)
    back = await lan.edit()
    assert "Trang 1/" in back.text


async def test_page_button_without_a_kept_list_is_no_longer_valid(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("ai chủ trì rà soát luật chữ thập đỏ")
    await lan.reply()
    lan.press_data("p:3")
    answer = await lan.callback_answer()
    assert answer["text"]  # "no longer valid", not a crash


async def test_officers_see_progress_beside_listed_tasks(database, db_url: str, clock) -> None:
    """An officer's list shows where each task stands; someone with no agency sees none."""
    from tests.e2e.progress.test_progress import ADMIN, KHOA, LAN, _join

    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        lan = await _join(bot, LAN, "Lan", "Bộ Nội vụ")
        await lan.send("/capnhat II.2 60% đã gửi dự thảo")
        assert "Đã lưu cập nhật" in (await lan.reply()).text
        day = clock.now().strftime("%d/%m")

        question = "Bộ Nội vụ chủ trì những việc gì trong phụ lục"
        await lan.send(question)
        listed = await lan.reply()
        lines = {ln.split(":")[0]: ln for ln in listed.text.splitlines() if ln.startswith("•")}
        ii_2 = next(ln for key, ln in lines.items() if key.endswith("mục II.2"))
        assert "60%" in ii_2 and f"cập nhật {day}" in ii_2
        ii_3 = next(ln for key, ln in lines.items() if key.endswith("mục II.3"))
        assert ii_3.endswith("chưa có cập nhật")

        khoa = bot.chat(user_id=KHOA, first_name="Khoa")
        await khoa.send(question)
        public = await khoa.reply()
        assert "60%" not in public.text and "chưa có cập nhật" not in public.text
