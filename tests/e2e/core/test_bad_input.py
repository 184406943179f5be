"""Bad or odd input always gets a polite answer in the user's language, never a traceback."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.harness import BotHarness

NO_QUESTION = "Tôi không thấy câu hỏi nào trong tin nhắn của bạn."
TRACEBACK_MARKERS = ("Traceback", "Exception", "Error:", 'File "')


def assert_polite(text: str) -> None:
    assert text.strip()
    assert not any(marker in text for marker in TRACEBACK_MARKERS), text


async def test_empty_hoi_asks_for_the_question(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/hoi")
    reply = await lan.reply()
    assert reply.text.startswith("Bạn muốn hỏi gì?")
    await lan.send("/hoi    ")
    assert (await lan.reply()).text == reply.text


async def test_control_characters_only(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("\u200b\u0007\u202e")
    reply = await lan.reply()
    assert reply.text.startswith(NO_QUESTION)


async def test_4096_characters(bot: BotHarness) -> None:
    lan = bot.chat()
    text = ("ai chủ trì rà soát luật hoạt động chữ thập đỏ " * 100)[:4096]
    assert len(text) == 4096
    await lan.send(text)
    reply = await lan.reply()
    assert_polite(reply.text)
    assert len(reply.text) <= 4096


async def test_emoji_and_markup_are_answered_and_escaped(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("🙂🙂🙂")
    assert_polite((await lan.reply()).text)
    await lan.send("<b>ai</b> chu tri & <script>alert(1)</script>")
    reply = await lan.reply()  # the emulator rejects bad HTML, so a reply proves escaping
    assert_polite(reply.text)
    await lan.send("/xyz <b>")
    unknown = await lan.reply()
    assert unknown.text == "Tôi không biết lệnh /xyz. Gửi /help để xem tôi làm được gì."


async def test_sticker_photo_and_file(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send_sticker()
    assert (await lan.reply()).text.startswith("Nhãn dán đẹp quá!")
    await lan.send_photo(caption="ai chủ trì?")
    assert (await lan.reply()).text.startswith("Cảm ơn bạn! Tôi chỉ đọc được chữ")
    await lan.send_document(b"%PDF-1.4", "kehoach.pdf", "application/pdf")
    assert (await lan.reply()).text.startswith("Cảm ơn bạn! Tôi chỉ đọc được chữ")


async def test_forged_and_stale_buttons_are_answered_politely(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/start")
    start = await lan.reply()
    for forged in ("t:no_such_task:d", "b:s:../../etc:0", "x" * 64, "a:", "t:qd895_pl_ii_2:z"):
        record = lan.press_data(forged, start)
        answer = await lan.callback_answer(record)
        assert answer["text"] == "Nút này không còn hiệu lực. Vui lòng hỏi lại."
        reply = await lan.reply()
        assert reply.text.startswith("Nút này không còn hiệu lực.")
    # a section index past the end of a real document
    lan.press_data("b:k:qd895:99:0", start)
    assert (await lan.callback_answer())["text"] == "Nút này không còn hiệu lực. Vui lòng hỏi lại."
    await lan.reply()
    # the bot is still fine afterwards
    await lan.send("ai chu tri ra soat luat hoat dong chu thap do")
    assert "Bộ Nội vụ" in (await lan.reply()).text


async def test_errors_are_logged_without_secrets_and_users_get_an_apology(
    bot: BotHarness, caplog
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError(f"engine exploded, token {bot.settings.token}")

    bot.services.engine = _Broken(bot.services.engine, broken)
    lan = bot.chat()
    await lan.send("ai chu tri ra soat luat")
    reply = await lan.reply()
    assert reply.text == "Xin lỗi, đã có lỗi ở phía tôi. Vui lòng thử lại sau ít phút."
    assert any("error while handling update" in r.getMessage() for r in caplog.records)


class _Broken:
    """An engine whose ``answer`` fails (the only stand-in here: to provoke an error)."""

    def __init__(self, engine, failing) -> None:
        self._engine = engine
        self.answer = failing

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=0, max_size=300)
LONG_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)), min_size=4000, max_size=4096
)
ENTRY_POINTS = st.sampled_from(["", "/hoi ", "/coquan ", "/lang ", "/vanban ", "/start "])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=st.lists(
        st.tuples(ENTRY_POINTS, ANY_TEXT | LONG_TEXT | st.sampled_from(["", " ", "🙂", "\x00"])),
        min_size=1,
        max_size=4,
    )
)
def test_any_text_at_any_entry_point_gets_a_polite_reply(messages: list[tuple[str, str]]) -> None:
    """Plain text, /hoi, /coquan, /lang, /vanban, /start followed by any Unicode."""

    async def exchange() -> None:
        async with BotHarness.start() as bot:
            lan = bot.chat()
            for prefix, text in messages:
                message = (prefix + text)[:4096]
                if not message.strip():
                    continue  # Telegram apps do not send empty messages
                lan.skip_all()
                await lan.send(message)
                assert_polite((await lan.reply()).text)
            assert bot.emulator.stats.errors.get(400, 0) == 0  # no malformed HTML was sent

    asyncio.run(exchange())
