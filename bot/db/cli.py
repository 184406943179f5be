"""``python -m bot db …``: database maintenance from the command line.

db upgrade [--url URL]     migrate to the latest revision (default URL: DATABASE_URL / .env)
db current [--url URL]     print the current revision
db sync [--url URL]        upgrade, then sync agencies and tasks from the knowledge base
db backup FILE [--url URL]  write a consistent copy (SQLite online backup; PostgreSQL pg_dump)
db restore FILE [--url URL] replace the database with a backup, then migrate it (stop the bot first)
"""

from __future__ import annotations

import asyncio
import sys

USAGE = (
    "usage: python -m bot db {upgrade|current|sync} [--url URL]\n"
    "       python -m bot db {backup|restore} FILE [--url URL]"
)


def _url(args: list[str]) -> str:
    if "--url" in args:
        i = args.index("--url")
        if i + 1 < len(args):
            return args[i + 1]
    from bot.settings import load_settings

    return load_settings().database_url


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main_db(args: list[str]) -> int:
    sub = args.pop(0) if args else ""
    if sub in {"backup", "restore"}:
        return _backup_or_restore(sub, args)
    if sub not in {"upgrade", "current", "sync"}:
        print(USAGE, file=sys.stderr)
        return 2
    from bot.db.migrate import current_revision, head_revision, upgrade

    url = _url(args)
    try:
        if sub == "current":
            print(asyncio.run(current_revision(url)) or "(empty database)")
            return 0
        asyncio.run(upgrade(url))
        print(f"database {_safe(url)} at revision {head_revision()}")
        if sub == "sync":
            from bot.db.engine import connect
            from bot.db.sync import sync_knowledge
            from knowledge.loader import load_knowledge

            async def run() -> dict[str, int]:
                db = connect(url)
                try:
                    report = await sync_knowledge(db.session_factory, load_knowledge())
                finally:
                    await db.dispose()
                return report.summary()

            summary = asyncio.run(run())
            print(", ".join(f"{k}={v}" for k, v in summary.items()))
    except Exception as exc:  # a clear one-line error, never the URL's password
        print(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


def _backup_or_restore(sub: str, args: list[str]) -> int:
    files = [a for i, a in enumerate(args) if a != "--url" and (i == 0 or args[i - 1] != "--url")]
    if len(files) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    from bot.db.backup import BackupError, backup, restore

    url = _url(args)
    try:
        if sub == "backup":
            result = backup(url, files[0])
            print(f"backed up {_safe(url)} to {result.path} ({result.size} bytes)")
        else:
            result = restore(url, files[0])
            print(f"restored {_safe(url)} from {result.path}; at revision {result.revision}")
    except BackupError as exc:
        print(f"{sub} failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a clear one-line error, never the URL's password
        print(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0
