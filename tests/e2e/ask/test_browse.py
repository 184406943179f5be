"""Scenario docs/scenarios/browse.md: documents → sections → tasks → task card, and /coquan."""

from __future__ import annotations

from tests.e2e.ask.synthetic import knowledge_with_busy_agency
from tests.harness import BotHarness


async def test_browse_documents_sections_tasks_and_back(bot: BotHarness) -> None:
    kb = bot.services.kb
    lan = bot.chat()
    await lan.send("/vanban")
    docs = await lan.reply()
    assert docs.text.startswith("Văn bản")
    assert len(docs.buttons) == len(kb.documents)
    assert any(label.startswith("Quyết định 895/QĐ-TTg · ") for label in docs.labels)

    await lan.press("Quyết định 895/QĐ-TTg")
    assert (await lan.callback_answer())["text"] is None
    sections = await lan.edit()
    assert sections.message_id == docs.message_id  # one message, edited in place
    assert "Thủ tướng Chính phủ · Chính phủ · 26 tháng 7, 2023" in sections.text  # Babel date
    assert any(label.startswith("II. ") for label in sections.labels)

    pressed = await lan.press("II. ", sections)
    index = int(pressed.query["data"].split(":")[3])
    tasks = await lan.edit()
    assert "Chọn một nhiệm vụ:" in tasks.text
    task_labels = [b.text for b in tasks.buttons if b.callback_data.startswith("b:t:")]
    assert len(task_labels) == min(8, len(kb.sections("qd895")[index].tasks))

    await lan.press(task_labels[0], tasks)
    card = await lan.edit()
    assert "Chủ trì:" in card.text and "Nguồn:" in card.text
    assert card.labels == ["↩ Quay lại", "Văn bản"]

    await lan.press("↩ Quay lại", card)
    back = await lan.edit()
    assert back.text == tasks.text

    await lan.press("↩ Quay lại", back)
    assert (await lan.edit()).text == sections.text
    await lan.press("↩ Quay lại")
    again = await lan.edit()
    assert again.text == docs.text and again.labels == docs.labels

    # from a task card straight back to the documents
    lan.press_data(card.buttons[0].callback_data, again)
    await lan.edit()
    await lan.press(task_labels[0])
    await lan.edit()
    await lan.press("Văn bản")
    assert (await lan.edit()).labels == docs.labels


async def test_long_section_lists_are_paged() -> None:
    kb, engine = knowledge_with_busy_agency(copies=12)
    doc_id, index, section = next(
        (d, i, s) for d in kb.documents for i, s in enumerate(kb.sections(d)) if len(s.tasks) > 8
    )
    async with BotHarness.start(knowledge=(kb, engine)) as bot:
        lan = bot.chat()
        await lan.send("/vanban")
        docs = await lan.reply()
        lan.press_data(f"b:k:{doc_id}:{index}:0", docs)
        page1 = await lan.edit()
        assert "Trang 1/" in page1.text and "Trang sau »" in page1.labels
        await lan.press("Trang sau »", page1)
        page2 = await lan.edit()
        assert "Trang 2/" in page2.text and "« Trang trước" in page2.labels
        await lan.press("« Trang trước", page2)
        assert (await lan.edit()).text == page1.text
    shown = [b for b in page1.buttons + page2.buttons if b.callback_data.startswith("b:t:")]
    assert len(shown) == min(len(section.tasks), 16)


async def test_agency_overview_by_name_and_by_abbreviation(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/coquan Bộ Nội vụ")
    full = await lan.reply()
    assert full.text.startswith("Bộ Nội vụ có ")
    assert "Quyết định 895/QĐ-TTg" in full.text

    await lan.send("/coquan BNV")
    short = await lan.reply()
    assert short.text == full.text


async def test_bare_coquan_asks_then_reads_the_next_message_as_the_agency(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/coquan")
    prompt = await lan.reply()
    assert prompt.text.startswith("Cơ quan nào?")
    assert prompt.buttons, "shortcut buttons for the busiest agencies"

    await lan.send("so y te")
    overview = await lan.reply()
    assert overview.text.startswith("Sở Y tế có ")

    # the prompt was used up: the next text is a question again
    await lan.send("ai chu tri ra soat luat hoat dong chu thap do")
    assert "Chủ trì: Bộ Nội vụ" in (await lan.reply()).text


async def test_agency_shortcut_button(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/coquan")
    prompt = await lan.reply()
    first = prompt.buttons[0]
    await lan.press(first.text, prompt)
    overview = await lan.reply()
    assert overview.text.startswith(first.text.rstrip("…")[:15])


async def test_unknown_agency_is_said_plainly(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/coquan Bộ Vũ trụ <script>")
    reply = await lan.reply()
    assert reply.text.startswith("Tôi không nhận ra cơ quan nào trong “Bộ Vũ trụ <script>”")
