"""Per-chat ordered, cross-chat concurrent update processing."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.updates import PerChatUpdateProcessor, update_key


def message_update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "U", False)
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))  # type: ignore[arg-type]


async def test_one_chat_in_order_other_chats_meanwhile() -> None:
    processor = PerChatUpdateProcessor(8)
    log: list[str] = []
    release_a1 = asyncio.Event()

    async def work(name: str, gate: asyncio.Event | None = None) -> None:
        log.append(f"start {name}")
        if gate is not None:
            await gate.wait()
        log.append(f"end {name}")

    a1 = asyncio.create_task(
        processor.process_update(message_update(1, 10), work("a1", release_a1))
    )
    a2 = asyncio.create_task(processor.process_update(message_update(2, 10), work("a2")))
    b1 = asyncio.create_task(processor.process_update(message_update(3, 20), work("b1")))
    await b1  # another chat is not held up by a1
    assert log == ["start a1", "start b1", "end b1"]
    assert not a2.done()  # the same chat waits its turn
    release_a1.set()
    await asyncio.gather(a1, a2)
    assert log[3:] == ["end a1", "start a2", "end a2"]
    assert processor._locks == {}  # no lock left behind


async def test_sequential_when_limited_to_one() -> None:
    processor = PerChatUpdateProcessor(1)
    running = 0
    peak = 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0)
        running -= 1

    await asyncio.gather(
        *(processor.process_update(message_update(i, 100 + i), work()) for i in range(5))
    )
    assert peak == 1


def test_update_key() -> None:
    assert update_key(message_update(1, -100)) == -100
    assert update_key("not an update") is None
