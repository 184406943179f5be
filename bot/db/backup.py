"""Back up and restore the bot's database: ``python -m bot db backup FILE`` / ``restore FILE``.

- SQLite: the sqlite3 online backup API (a consistent copy while the bot keeps running,
  WAL included). Restore copies the file back the same way, page by page, so a reader
  never sees half a database.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists
  --single-transaction`` (the PostgreSQL client tools must be on PATH; the password is
  passed in the environment, never on the command line).

A restore checks that the file is a backup of this bot (it has Alembic's version table)
and then migrates it to the latest revision, so an older backup starts on a newer bot.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from bot.db.engine import normalize_url, sqlite_path
from bot.db.migrate import head_revision, upgrade


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, with a one-line reason."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    backend: str
    revision: str | None
    size: int


def backup(url: str | URL, target: str | Path) -> BackupResult:
    """Write a consistent copy of the database at ``url`` to ``target``."""
    parsed = normalize_url(url)
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        source = _sqlite_file(parsed)
        if not source.exists():
            raise BackupError(f"no database file at {source}")
        tmp = path.with_name(path.name + ".partial")
        tmp.unlink(missing_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
        tmp.replace(path)
        revision = _sqlite_revision(path)
        return BackupResult(path, "sqlite", revision, path.stat().st_size)
    _run_pg_tool(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
        parsed,
    )
    return BackupResult(path, "postgresql", None, path.stat().st_size)


def restore(url: str | URL, source: str | Path) -> BackupResult:
    """Replace the database at ``url`` with the backup ``source``, then migrate it."""
    parsed = normalize_url(url)
    path = Path(source)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    if parsed.get_backend_name() == "sqlite":
        revision = _sqlite_revision(path)
        if revision is None:
            raise BackupError(f"{path} is not a backup of this bot's database")
        target = _sqlite_file(parsed)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
    else:
        listing = _run_pg_tool("pg_restore", ["--list", str(path)], None)
        if "alembic_version" not in listing:
            raise BackupError(f"{path} is not a backup of this bot's database")
        _run_pg_tool(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(path),
            ],
            parsed,
        )
        revision = None
    asyncio.run(upgrade(parsed))
    return BackupResult(path, parsed.get_backend_name(), revision or head_revision(), 0)


def _sqlite_file(url: URL) -> Path:
    file = sqlite_path(url)
    if file is None:
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return file


def _sqlite_revision(path: Path) -> str | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _run_pg_tool(tool: str, args: list[str], url: URL | None) -> str:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} is not installed (PostgreSQL client tools are needed)")
    env = dict(os.environ)
    command = [exe, *args]
    if url is not None:
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        if url.host:
            command.append(f"--host={url.host}")
        if url.port:
            command.append(f"--port={url.port}")
        if url.username:
            command.append(f"--username={url.username}")
        command.append(f"--dbname={url.database}")
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout or "failed").strip().splitlines()
        raise BackupError(f"{tool}: {lines[-1] if lines else 'failed'}")
    return done.stdout
