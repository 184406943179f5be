"""The demo as each role (docs/scenarios/demo.md): /vai switches the terminal to a demo
account, sample data makes every role's main action real, /demo_nhac shows a reminder."""

from __future__ import annotations

import io
from pathlib import Path

from bot.settings import Settings
from kl44 import run_demo

ROLES = {  # the numbers /vai shows
    "citizen": "1",
    "officer_moha": "2",
    "officer_health": "3",
    "coordinator": "4",
    "admin": "5",
    "volunteer": "6",
}


async def _demo(lines: list[str], url: str, settings: Settings | None = None) -> str:
    out = io.StringIO()
    code = await run_demo(
        io.StringIO("\n".join(lines) + "\n"), out, database_url=url, settings=settings
    )
    assert code == 0
    return out.getvalue()


async def test_every_role_through_its_main_action(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
    screen = await _demo(
        [
            # người dân asks
            "ai chu tri ra soat luat hoat dong chu thap do",
            # cán bộ Bộ Nội vụ posts an update in one line
            "/vai",
            ROLES["officer_moha"],
            "/capnhat II.2 70% đã trình Thủ tướng",
            # điều phối viên reads the digest of Lai Châu
            "/vai",
            ROLES["coordinator"],
            "/baocao",
            # quản trị viên grants a coordinator
            "/vai",
            ROLES["admin"],
            "/dieuphoi them 990001 cap tinh Lai Châu",
            # tình nguyện viên registers (numbers press buttons; a phone number is text)
            "/vai",
            ROLES["volunteer"],
            "/dangky",
            "1",  # the open sample campaign
            "Lê Thị Hoa",
            "0912345678",
            "Phường Tân Phong",
            "Thành phố Lai Châu",
            "6",  # skills: Xong
            "1",  # blood group O+
            "1",  # consent
            "1",  # confirm
        ],
        url,
    )
    assert "(dữ liệu mẫu)" in screen
    assert "/thamgia " in screen  # a join code per demo agency is shown
    assert "Chủ trì: Bộ Nội vụ" in screen  # the citizen's answer
    for label in (
        "[1] Người dân",
        "[2] Cán bộ Bộ Nội vụ",
        "[3] Cán bộ Sở Y tế Lai Châu",
        "[4] Điều phối viên Hội CTĐ tỉnh (Lai Châu)",
        "[5] Quản trị viên",
        "[6] Tình nguyện viên",
    ):
        assert label in screen
    assert "Bây giờ bạn là: Cán bộ Bộ Nội vụ (Lan)." in screen
    assert "Đã lưu cập nhật" in screen and "70%" in screen  # the officer's update
    assert "Báo cáo tổng hợp" in screen and "[ảnh]" in screen  # digest and its chart
    assert "⚠️ Quá hạn: 1" in screen  # the late sample task
    assert "chỉ dành cho" not in screen
    assert "Người dùng 990001 đã là điều phối viên" in screen  # the admin's grant
    assert "còn 48/50 chỗ" in screen and "còn 1/3 chỗ" in screen  # open, nearly full
    assert "Bạn đã đăng ký thành công Hiến máu tình nguyện mùa xuân (dữ liệu mẫu)" in screen
    assert "Traceback" not in screen


async def test_reminder_with_the_clock_moved_and_idempotent_seed(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
    screen = await _demo(["/demo_nhac"], url)
    assert "Đồng hồ dời tới" in screen and "lời nhắc" in screen
    reminder = screen.split("Đồng hồ dời tới", 1)[1]
    assert "Bây giờ bạn là: Cán bộ Sở Y tế Lai Châu (Hùng)." in reminder
    assert "⚠️ Quá hạn từ" in reminder and "[1] Cập nhật tiến độ" in reminder
    # the same database again: nothing seeded twice, the status is real
    again = await _demo(["/vai", ROLES["coordinator"], "/tiendo Sở Y tế", "/dangky"], url)
    assert "Tiến độ của Sở Y tế" in again and "Đang thực hiện 30%" in again
    assert "✅ Hoàn thành 100%" in again
    assert again.count("• Hiến máu tình nguyện mùa xuân (dữ liệu mẫu)") == 1
    assert "còn 48/50 chỗ" in again


async def test_the_demo_never_opens_the_production_database(tmp_path: Path) -> None:
    production = tmp_path / "production.db"
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{production}")  # type: ignore[call-arg]
    await _demo(["/vanban"], f"sqlite+aiosqlite:///{tmp_path}/demo.db", settings)
    assert not production.exists()
    assert (tmp_path / "demo.db").exists()
