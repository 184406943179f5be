"""Scenario docs/scenarios/ask.md: an officer asks questions in chat and follows up with buttons."""

from __future__ import annotations

from handlers.render import render_answer, strip_html
from tests.e2e.ask.synthetic import knowledge_with_busy_agency
from tests.harness import BotHarness

QUESTION = "Ai chủ trì rà soát Luật hoạt động chữ thập đỏ?"
QUESTION_PLAIN = "ai chu tri ra soat luat hoat dong chu thap do"


def visible(html: str) -> str:
    """What a person sees of an HTML message (Telegram trims the ends)."""
    return strip_html(html).strip()


async def test_menu_commands_are_registered_in_both_languages(bot: BotHarness) -> None:
    vi = {c["command"]: c["description"] for c in bot.emulator.commands()}
    en = {c["command"]: c["description"] for c in bot.emulator.commands("en")}
    assert {"start", "help", "hoi", "vanban", "coquan", "lang"} <= set(vi)
    assert vi["hoi"] == "Đặt câu hỏi về các văn bản"
    assert en["hoi"] == "Ask a question about the documents"
    assert bot.emulator.commands("vi") == bot.emulator.commands()


async def test_start_explains_and_offers_buttons(bot: BotHarness) -> None:
    lan = bot.chat(first_name="Lan")
    await lan.send("/start")
    reply = await lan.reply()
    assert reply.text.startswith("Xin chào Lan!")
    assert "Kết luận 44-KL/TW" in reply.entity_texts("bold")
    assert reply.labels[:3] == ["❓ Đặt câu hỏi", "📚 Xem văn bản", "🏛 Nhiệm vụ của cơ quan"]

    await lan.press("Hướng dẫn")
    assert (await lan.callback_answer())["text"] is None
    help_reply = await lan.reply()
    assert "/vanban" in help_reply.text and "/coquan <cơ quan>" in help_reply.text


async def test_question_with_and_without_diacritics_get_the_same_answer(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send(QUESTION)
    with_marks = await lan.reply()
    await lan.send(QUESTION_PLAIN)
    without_marks = await lan.reply()
    assert "Chủ trì: Bộ Nội vụ" in with_marks.text
    assert "Quyết định 895/QĐ-TTg" in with_marks.text  # the source is cited
    assert without_marks.text == with_marks.text
    assert "Chủ trì:" in with_marks.entity_texts("bold")  # labels are bold, content escaped


async def test_hoi_command_and_follow_up_buttons(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send(f"/hoi {QUESTION_PLAIN}")
    answer = await lan.reply()
    assert "Chủ trì: Bộ Nội vụ" in answer.text
    assert {"Cơ quan phối hợp", "Thời hạn", "Sản phẩm"} <= set(answer.labels)

    await lan.press("Thời hạn", answer)
    assert (await lan.callback_answer())["text"] is None  # the spinner stops
    deadline = await lan.reply()
    assert deadline.text.startswith("Thời hạn: 12/2023")
    assert "Cơ quan chủ trì" in deadline.labels and "Thời hạn" not in deadline.labels

    await lan.press("Cơ quan phối hợp", deadline)
    coordinators = await lan.reply()
    assert coordinators.text.startswith("Phối hợp:") and "Bộ Tư pháp" in coordinators.text


AMBIGUOUS = ["tuyen truyen", "kiem tra", "bao cao", "hien mau", "luat", "UBND", "nghi dinh"]


async def test_did_you_mean_buttons_answer_the_chosen_task(bot: BotHarness) -> None:
    engine = bot.services.engine
    question, expected = next(
        (q, a)
        for q in AMBIGUOUS
        if (a := engine.answer(q, None)).suggestions and a.suggestions[0].task
    )
    choice = expected.suggestions[0]

    lan = bot.chat()
    await lan.send(question)
    first = await lan.reply()
    assert first.text == visible(render_answer(expected, expected.lang))
    label = next(label for label in first.labels if choice.label[:20] in label)

    await lan.press(label, first)
    chosen = await lan.reply()
    intent = expected.intent if expected.intent != "refuse" else "summary"
    wanted = engine.answer_task(choice.task, intent, expected.lang)
    assert chosen.text == visible(render_answer(wanted, expected.lang))


async def test_agency_question_in_english_is_answered_in_english(bot: BotHarness) -> None:
    tom = bot.chat(first_name="Tom", language_code="en")
    await tom.send("Who leads the review of the Law on Red Cross activities?")
    reply = await tom.reply()
    assert reply.text.startswith("Lead: Ministry of Home Affairs")
    assert "Deadline" in reply.labels  # the buttons follow the answer's language


async def test_out_of_scope_question_is_refused_politely(bot: BotHarness) -> None:
    question = "thời tiết hôm nay thế nào"
    refusal = bot.services.engine.answer(question, None)
    assert refusal.refused
    lan = bot.chat()
    await lan.send(question)
    reply = await lan.reply()
    assert reply.text == visible(render_answer(refusal, "vi"))
    assert "Cơ quan phối hợp" not in reply.labels  # no follow-ups under a refusal


async def test_long_agency_overview_is_split_under_the_limit() -> None:
    kb, engine = knowledge_with_busy_agency()
    html = render_answer(engine.agency_overview("bo_noi_vu", "vi"), "vi")
    assert len(html) > 2 * 4096, "the overview must need several messages"
    async with BotHarness.start(knowledge=(kb, engine)) as bot:
        lan = bot.chat()
        await lan.send("/coquan Bộ Nội vụ")
        parts = [await lan.reply()]
        while sum(len(p.text) + 1 for p in parts) < len(visible(html)):
            parts.append(await lan.reply())
    assert len(parts) >= 3
    assert all(len(p.text.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    # cut at line boundaries: nothing lost, nothing cut inside a line
    assert "\n".join(p.text for p in parts) == visible(html)


async def test_thanks_and_greetings_get_a_friendly_word(bot: BotHarness) -> None:
    lan = bot.chat(first_name="Lan")
    await lan.send("ok cam on")
    assert (await lan.reply()).text.startswith("Không có gì!")
    await lan.send("Xin chào")
    assert "/help" in (await lan.reply()).text
    await lan.send("chào, ai chủ trì sơ kết nghị định 93?")
    assert (await lan.reply()).text.startswith("Chủ trì: Bộ Nội vụ")
