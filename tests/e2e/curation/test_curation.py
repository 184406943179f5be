"""Scenario docs/scenarios/curation.md, end to end: the real bot polling the emulator, on a
real database (SQLite and PostgreSQL), driven as officers and curators would drive it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.callbacks import ref
from bot.db.engine import Database, read_session, write_session
from bot.db.models import Role, TaskAgency, User
from bot.db.models_curation import AnswerRating, Phrasing, UnansweredQuestion
from handlers import curation
from knowledge.loader import DATA_DIR
from tests.harness import BotHarness, with_database

ADMIN = 4200
COORDINATOR = 4300
UNANSWERED = "ai lam app hien mau"
UNANSWERED_MARKED = "Ai làm app hiến máu?"
ANSWERED = "ai chu tri ra soat luat hoat dong chu thap do"
TASK_OF_ANSWERED = "- id: qd895_pl_ii_2\n"
REFUSAL = "Xin lỗi"  # how the Vietnamese refusal starts


@pytest.fixture
async def curation_bot(database: Database) -> AsyncIterator[BotHarness]:
    async with BotHarness.start(
        admin_ids={ADMIN}, areas=[with_database(database), curation.register]
    ) as harness:
        yield harness


async def count(database: Database, model: type) -> int:
    async with read_session(database.session_factory) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_refused_question_shows_up_and_linking_answers_it(
    curation_bot: BotHarness, database: Database
) -> None:
    bot = curation_bot
    assert bot.services.engine.answer(UNANSWERED).refused, "pick a question the base refuses"
    lan, minh, admin = bot.chat(first_name="Lan"), bot.chat(first_name="Minh"), bot.chat(ADMIN)
    await lan.send(UNANSWERED)
    refusal = await lan.reply()
    assert REFUSAL in refusal.text and "👍" not in refusal.labels
    await minh.send(UNANSWERED_MARKED)
    await minh.reply()

    await admin.send("/chuatraloi")
    listing = await admin.reply()
    assert "Câu hỏi chưa được trả lời, 30 ngày qua" in listing.text
    assert "1. «ai lam app hien mau» — 2 lần hỏi (2 cách hỏi)" in listing.text
    assert listing.labels == ["🔗 Liên kết 1", "✖ Bỏ qua 1"]

    await admin.press("🔗 Liên kết 1", listing)
    choice = await admin.reply()
    assert "Câu «ai lam app hien mau» hỏi về nhiệm vụ nào?" in choice.text
    assert choice.labels[-1] == "Hủy liên kết"
    target = choice.buttons[0]
    await admin.press(target.text, choice)
    done = await admin.edit()
    assert done.text.startswith("✅ Đã liên kết «ai lam app hien mau» (2 câu hỏi) với")

    # The same question, asked again by someone else, is answered right away.
    hoa = bot.chat(first_name="Hoa")
    await hoa.send(UNANSWERED)
    answer = await hoa.reply()
    assert REFUSAL not in answer.text
    assert {"👍", "👎"} <= set(answer.labels)
    linked_task = bot.services.engine.answer(UNANSWERED).tasks[0]
    assert target.callback_data == f"cq:l:{target.callback_data.split(':')[2]}:{ref(linked_task)}"
    async with read_session(database.session_factory) as session:
        phrasings = (await session.execute(select(Phrasing.task_id, Phrasing.text))).all()
    assert (linked_task, UNANSWERED) in phrasings

    await admin.send("/chuatraloi")
    assert "Không có câu hỏi nào chưa được trả lời" in (await admin.reply()).text


async def test_phrasings_survive_a_restart(database: Database) -> None:
    async with BotHarness.start(
        admin_ids={ADMIN}, areas=[with_database(database), curation.register]
    ) as bot:
        lan, admin = bot.chat(), bot.chat(ADMIN)
        await lan.send(UNANSWERED)
        await lan.reply()
        await admin.send("/chuatraloi")
        await admin.press("🔗 Liên kết 1", await admin.reply())
        choice = await admin.reply()
        await admin.press(choice.buttons[0].text, choice)
        await admin.edit()
    async with BotHarness.start(
        admin_ids={ADMIN}, areas=[with_database(database), curation.register]
    ) as bot:
        lan = bot.chat()
        await lan.send(UNANSWERED)
        assert REFUSAL not in (await lan.reply()).text


async def test_thumbs_down_goes_into_the_list_and_dismiss_clears_it(
    curation_bot: BotHarness, database: Database
) -> None:
    bot = curation_bot
    lan, admin = bot.chat(), bot.chat(ADMIN)
    await lan.send(ANSWERED)
    answer = await lan.reply()
    assert "Chủ trì: Bộ Nội vụ" in answer.text
    assert answer.labels[-2:] == ["👍", "👎"]
    await lan.press("👎", answer)
    assert (await lan.callback_answer())["text"] == "Cảm ơn bạn đã góp ý!"
    edited = await lan.edit()
    assert "👍" not in edited.labels and "Thời hạn" in edited.labels  # follow-ups stay
    thanks = await lan.reply()
    assert "Người phụ trách nội dung sẽ xem lại câu hỏi này" in thanks.text
    # A second press on the old buttons (forged or a double tap) is not counted twice.
    lan.press_data(answer.buttons[-1].callback_data or "", answer)
    assert (await lan.callback_answer())["text"] == "Bạn đã đánh giá câu trả lời này rồi."
    assert await count(database, AnswerRating) == 1

    await admin.send("/chuatraloi")
    listing = await admin.reply()
    assert f"1. «{ANSWERED}» — 1 lần hỏi (👎 1)" in listing.text
    await admin.press("✖ Bỏ qua 1", listing)
    dismissed = await admin.reply()
    assert dismissed.text == f"Đã bỏ qua «{ANSWERED}» (1 câu hỏi)."
    await admin.send("/chuatraloi")
    assert "Không có câu hỏi nào" in (await admin.reply()).text


async def test_non_curators_are_refused_politely_and_forged_presses_change_nothing(
    curation_bot: BotHarness, database: Database
) -> None:
    bot = curation_bot
    async with write_session(database.session_factory) as session:
        session.add(User(id=COORDINATOR, created_at=bot.services.clock.now()))
        await session.flush()
        session.add(
            Role(
                user_id=COORDINATOR,
                role="coordinator",
                scope_all=True,
                granted_by=ADMIN,
                granted_at=bot.services.clock.now(),
            )
        )
    lan, coordinator = bot.chat(first_name="Lan"), bot.chat(COORDINATOR)
    await lan.send(UNANSWERED)
    await lan.reply()

    await lan.send("/chuatraloi")
    assert (await lan.reply()).text == (
        "Xin lỗi, chức năng này chỉ dành cho quản trị viên và điều phối viên."
    )
    await lan.send("/taiknowledge")
    assert (await lan.reply()).text == "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
    async with read_session(database.session_factory) as session:
        (question_id,) = (await session.scalars(select(UnansweredQuestion.id))).all()
    task = next(iter(bot.services.kb.tasks))
    for forged in (f"cq:x:{question_id}", f"cq:l:{question_id}:{task}", f"cq:k:{question_id}"):
        lan.press_data(forged)
        assert "chỉ dành cho quản trị viên và điều phối viên" in (await lan.reply()).text
    lan.press_data("cq:l:notanumber:x")
    assert "không còn hiệu lực" in (await lan.reply()).text

    # A coordinator may curate, but not reload the knowledge base; a forged link to a task
    # the engine never proposed is refused.
    await coordinator.send("/chuatraloi")
    assert "«ai lam app hien mau»" in (await coordinator.reply()).text
    allowed = bot.services.curation.allowed_candidates(await _group(bot, database))
    outsider = next(t for t in bot.services.kb.tasks if t not in allowed)
    coordinator.press_data(f"cq:l:{question_id}:{outsider}")
    refused = await coordinator.edit()
    assert "không nằm trong các nhiệm vụ được gợi ý" in refused.text
    await coordinator.send("/taiknowledge")
    assert "chỉ dành cho quản trị viên" in (await coordinator.reply()).text
    # In English for those who chose English.
    await lan.send("/lang en")
    await lan.reply()
    await lan.send("/chuatraloi")
    assert (await lan.reply()).text == "Sorry, this is for administrators and coordinators only."
    await coordinator.send("/lang en")
    await coordinator.reply()
    await coordinator.send("/unanswered")
    english = await coordinator.reply()
    assert "Unanswered questions, last 30 days" in english.text
    assert "1. «ai lam app hien mau» — asked once" in english.text
    assert english.labels == ["🔗 Link 1", "✖ Dismiss 1"]

    async with read_session(database.session_factory) as session:
        statuses = (await session.scalars(select(UnansweredQuestion.status))).all()
    assert statuses == ["open"] and await count(database, Phrasing) == 0


async def _group(bot: BotHarness, database: Database):  # -> bot.curation.grouping.Group
    from bot.curation.review import unanswered_groups

    async with read_session(database.session_factory) as session:
        (group,) = await unanswered_groups(session, bot.services.clock.now())
    return group


def with_lead(tasks_yaml: str, agency: str) -> str:
    """The task file with the lead agency of the task ANSWERED is about replaced."""
    old = "  lead: [bo_noi_vu]\n"
    start = tasks_yaml.index(TASK_OF_ANSWERED)
    lead = tasks_yaml.index(old, start)
    assert lead < tasks_yaml.index("\n- id:", start + 1), "the lead line of that very task"
    return tasks_yaml[:lead] + f"  lead: [{agency}]\n" + tasks_yaml[lead + len(old) :]


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of knowledge/data: the test may break it; the real files never change."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


async def test_broken_knowledge_file_is_refused_and_the_bot_keeps_answering(
    database: Database, knowledge_copy: Path
) -> None:
    async with BotHarness.start(
        admin_ids={ADMIN},
        areas=[with_database(database), curation.register],
        settings={"knowledge_dir": str(knowledge_copy)},
    ) as bot:
        lan, admin = bot.chat(), bot.chat(ADMIN)
        await lan.send(ANSWERED)
        before = await lan.reply()
        assert "Chủ trì: Bộ Nội vụ" in before.text
        running = bot.services.engine

        tasks_file = knowledge_copy / "tasks" / "qd895.yaml"
        original = tasks_file.read_text(encoding="utf-8")
        tasks_file.write_text(with_lead(original, "bo_khong_co"), encoding="utf-8")
        await admin.send("/taiknowledge")
        refused = await admin.reply()
        assert refused.text.startswith("❌ Chưa tải lại cơ sở tri thức: phát hiện 1 lỗi.")
        assert "data/tasks/qd895.yaml, bản ghi qd895_pl_ii_2" in refused.text
        assert "unknown agency 'bo_khong_co'" in refused.text
        assert bot.services.engine is running
        await lan.send(ANSWERED)
        assert (await lan.reply()).text == before.text

        # Fixed file with a real change: the reload goes through and is served at once.
        tasks_file.write_text(with_lead(original, "bo_tu_phap"), encoding="utf-8")
        await admin.send("/taiknowledge")
        done = await admin.reply()
        assert done.text.startswith("✅ Đã tải lại cơ sở tri thức:")
        await lan.send(ANSWERED)
        after = await lan.reply()
        assert "Chủ trì: Bộ Tư pháp" in after.text
        async with read_session(database.session_factory) as session:
            leads = (
                await session.scalars(
                    select(TaskAgency.agency_id).where(
                        TaskAgency.task_id == "qd895_pl_ii_2", TaskAgency.role == "lead"
                    )
                )
            ).all()
        assert leads == ["bo_tu_phap"]  # the database follows the reloaded files
    assert DATA_DIR.joinpath("tasks", "qd895.yaml").read_text(encoding="utf-8") == original


async def test_the_whole_bot_wires_the_curation_loop(db_url: str, database: Database) -> None:
    """With every area (the database opened by the persistence area, not by the test)."""
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url) as bot:
        lan, admin = bot.chat(), bot.chat(ADMIN)
        await lan.send(UNANSWERED)
        assert REFUSAL in (await lan.reply()).text
        await admin.send("/chuatraloi")
        listing = await admin.reply()
        assert "1. «ai lam app hien mau» — 1 lần hỏi" in listing.text
        await admin.press("🔗 Liên kết 1", listing)
        choice = await admin.reply()
        await admin.press(choice.buttons[0].text, choice)
        assert (await admin.edit()).text.startswith("✅ Đã liên kết")
        await lan.send(UNANSWERED)
        answer = await lan.reply()
        assert REFUSAL not in answer.text and answer.labels[-2:] == ["👍", "👎"]
    assert await count(database, Phrasing) == 1


async def test_markup_in_a_logged_question_is_shown_as_typed(curation_bot: BotHarness) -> None:
    bot = curation_bot
    lan, admin = bot.chat(), bot.chat(ADMIN)
    typed = "ai lam <b>app</b> hien mau & <i>co"
    await lan.send(typed)
    await lan.reply()
    await admin.send("/chuatraloi")
    listing = await admin.reply()
    assert f"1. «{typed}» — 1 lần hỏi" in listing.text
    assert listing.entity_texts("bold") == ["Câu hỏi chưa được trả lời, 30 ngày qua"]


async def test_a_broken_knowledge_dir_at_start_up_leaves_the_packaged_base(
    database: Database, knowledge_copy: Path
) -> None:
    (knowledge_copy / "documents.yaml").write_text("- id: [broken\n", encoding="utf-8")
    async with BotHarness.start(
        admin_ids={ADMIN},
        areas=[with_database(database), curation.register],
        settings={"knowledge_dir": str(knowledge_copy)},
    ) as bot:
        lan = bot.chat()
        await lan.send(ANSWERED)
        assert "Chủ trì: Bộ Nội vụ" in (await lan.reply()).text


async def test_my_questions_are_exported_and_erased_with_my_data(database: Database) -> None:
    """/dulieucuatoi includes the questions the bot kept; /xoadulieu deletes them too."""
    import json

    from handlers import membership, volunteers

    async with BotHarness.start(
        areas=[with_database(database), membership.register, volunteers.register, curation.register]
    ) as bot:
        lan, minh = bot.chat(first_name="Lan"), bot.chat(first_name="Minh")
        await lan.send(UNANSWERED)
        await lan.reply()
        await minh.send(UNANSWERED)
        await minh.reply()

        await lan.send("/dulieucuatoi")
        sent = await lan.reply()
        exported = json.loads(bot.emulator.file_bytes(sent.document["file_id"]))
        assert [q["text"] for q in exported["questions_asked"]["questions"]] == [UNANSWERED]

        await lan.send("/xoadulieu")
        await lan.reply()
        await lan.press("Có, xóa dữ liệu của tôi")
        assert "Cũng đã xóa: 1 câu hỏi hoặc đánh giá" in (await lan.edit()).text
        assert await count(database, UnansweredQuestion) == 1  # Minh's stays
