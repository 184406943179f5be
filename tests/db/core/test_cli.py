"""``python -m bot db upgrade`` / ``db sync`` / ``db current`` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_db_upgrade_sync_current_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'kl44.db'}"
    upgraded = _run("upgrade", "--url", url, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "at revision" in upgraded.stdout
    synced = _run("sync", "--url", url, cwd=tmp_path)
    assert synced.returncode == 0, synced.stderr
    assert "tasks_added=" in synced.stdout and "tasks_added=0" not in synced.stdout
    again = _run("sync", "--url", url, cwd=tmp_path)
    assert "tasks_added=0" in again.stdout and "tasks_updated=0" in again.stdout
    current = _run("current", "--url", url, cwd=tmp_path)
    assert current.returncode == 0 and current.stdout.strip()


def test_db_bad_subcommand_and_bad_url_fail_cleanly(tmp_path: Path) -> None:
    bad = _run("frobnicate", cwd=tmp_path)
    assert bad.returncode == 2 and "usage" in bad.stderr
    wrong = _run("upgrade", "--url", "mysql://secretuser:hunter2@localhost/x", cwd=tmp_path)
    assert wrong.returncode == 1
    assert "Traceback" not in wrong.stderr and "hunter2" not in wrong.stderr
