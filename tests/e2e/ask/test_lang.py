"""/lang: switch to English and back; the choice applies to everything the bot says."""

from __future__ import annotations

from tests.harness import BotHarness


async def test_switch_to_english_and_back(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/lang")
    choose = await lan.reply()
    assert choose.text == "Chọn ngôn ngữ:"
    assert choose.labels == ["🇻🇳 Tiếng Việt", "🇬🇧 English"]

    await lan.press("English", choose)
    switched = await lan.edit()
    assert switched.message_id == choose.message_id
    assert switched.text == "From now on I will answer in English."
    assert (await lan.callback_answer())["text"] is None

    # questions typed in Vietnamese are now answered in English, buttons too
    await lan.send("ai chu tri ra soat luat hoat dong chu thap do")
    answer = await lan.reply()
    assert answer.text.startswith("Lead: Ministry of Home Affairs")
    assert "Deadline" in answer.labels
    await lan.send("/vanban")
    assert (await lan.reply()).text.startswith("Documents")
    await lan.send("/start")
    assert (await lan.reply()).labels[0] == "❓ Ask a question"

    await lan.send("/lang vi")
    assert (await lan.reply()).text == "Từ giờ tôi sẽ trả lời bằng tiếng Việt."
    await lan.send("ai chu tri ra soat luat hoat dong chu thap do")
    assert (await lan.reply()).text.startswith("Chủ trì: Bộ Nội vụ")


async def test_language_is_per_user(bot: BotHarness) -> None:
    lan, tom = bot.chat(first_name="Lan"), bot.chat(first_name="Tom")
    await tom.send("/lang english")
    assert (await tom.reply()).text == "From now on I will answer in English."
    await lan.send("/help")
    await tom.send("/help")
    assert (await lan.reply()).text.startswith("Cách dùng")
    assert (await tom.reply()).text.startswith("How to use the bot")


async def test_dates_follow_the_language(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/lang en")
    await lan.reply()
    await lan.send("/vanban")
    docs = await lan.reply()
    await lan.press("895", docs)
    sections = await lan.edit()
    assert "July 26, 2023" in sections.text  # Babel, English


async def test_language_choice_survives_a_restart(db_url: str) -> None:
    """On SQLite and PostgreSQL: the choice is kept in the database, not in memory."""
    async with BotHarness.start(database_url=db_url) as bot:
        tom = bot.chat(user_id=4242, first_name="Tom")
        await tom.send("/lang en")
        assert (await tom.reply()).text == "From now on I will answer in English."
    async with BotHarness.start(database_url=db_url) as bot:  # a new process, same database
        tom = bot.chat(user_id=4242, first_name="Tom")
        await tom.send("/help")
        assert (await tom.reply()).text.startswith("How to use the bot")
        other = bot.chat(user_id=4343)
        await other.send("/help")
        assert (await other.reply()).text.startswith("Cách dùng")


async def test_help_lists_every_area_in_the_users_language(bot: BotHarness) -> None:
    lan, tom = bot.chat(first_name="Lan"), bot.chat(first_name="Tom")
    await tom.send("/lang en")
    await tom.reply()
    await lan.send("/help")
    await tom.send("/help")
    vi, en = (await lan.reply()).text, (await tom.reply()).text
    assert "Các lệnh khác" in vi and "More commands" in en
    for command in ("/capnhat", "/tiendo", "/dangky", "/xoadulieu", "/baocao", "/vang"):
        assert command in vi and command in en
    assert "Đăng ký tình nguyện viên cho chiến dịch" in vi
    assert "Register as a volunteer for a campaign" in en
