"""``python -m bot demo`` and the no-token fallback of ``python -m bot``, fed from stdin."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from kl44 import run_demo

ROOT = Path(__file__).resolve().parents[3]


async def test_demo_chat_with_numbered_buttons(tmp_path: Path) -> None:
    typed = io.StringIO("ai chu tri ra soat luat hoat dong chu thap do\n2\n99\n/quit\nnot read\n")
    out = io.StringIO()
    code = await run_demo(typed, out, database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db")
    screen = out.getvalue()
    assert code == 0
    assert "Xin chào Bạn!" in screen  # /start is sent for the user
    assert "[1] ❓ Đặt câu hỏi" in screen
    assert "Chủ trì: Bộ Nội vụ" in screen
    assert "[2] Thời hạn" in screen
    assert "Thời hạn: 12/2023" in screen  # "2" pressed the Deadline button
    assert "Không có nút số 99." in screen
    assert screen.rstrip().endswith("Tạm biệt!")


def test_run_without_token_explains_and_falls_back_to_the_demo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/vanban\n",  # then end of input: the demo ends by itself
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here; the demo database goes to tmp_path/data
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Chưa đặt TELEGRAM_BOT_TOKEN" in done.stdout
    assert "https://t.me/BotFather" in done.stdout
    assert "bản dùng thử cục bộ sẽ được mở" in done.stdout
    assert "Chọn một văn bản để xem các mục và nhiệm vụ:" in done.stdout
    assert "Traceback" not in done.stderr
