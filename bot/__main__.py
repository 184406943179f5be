"""Command-line entry point: ``python -m bot [command]`` (also the ``kl44-bot`` script).

Commands:
  (none) / run      run the bot on Telegram (polling, or webhook when WEBHOOK_URL is set);
                    with no TELEGRAM_BOT_TOKEN: how to get one, then the demo
  demo              the whole bot against the local emulator, chatted with from the terminal
  ask [QUESTION]    answer one question (``--json``, ``--batch FILE``); no question: a prompt
  kb check          validate the knowledge base and print counts per document
  db upgrade        migrate the database to the latest revision (also: db current, db sync)
  db backup FILE    back up the database (db restore FILE puts a backup back)
"""

from __future__ import annotations

import sys

USAGE = """usage: python -m bot [command]

commands:
  run                run the bot (the default); without a token it explains and runs the demo
  demo               try the whole bot from the terminal (local emulator, no account needed)
  ask [QUESTION]     answer a question; --json for JSON, --batch FILE for many
  kb check           validate the knowledge base
  db upgrade         migrate the database (db current, db sync)
  db backup FILE     back up the database; db restore FILE puts a backup back
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "run"
    if command in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    if command == "ask":
        from knowledge.cli import main_ask

        return main_ask(args)
    if command == "kb":
        sub = args.pop(0) if args else ""
        if sub != "check":
            print("usage: python -m bot kb check [--data DIR]", file=sys.stderr)
            return 2
        from knowledge.cli import main_kb_check

        return main_kb_check(args)
    if command == "db":
        from bot.db.cli import main_db

        return main_db(args)
    if command == "demo":
        from bot.demo import main_demo

        return main_demo(args)
    if command == "run":
        return main_run(args)
    print(USAGE, file=sys.stderr)
    return 2


def main_run(args: list[str]) -> int:
    from pydantic import ValidationError

    from bot.i18n import tb
    from bot.logs import configure_logging
    from bot.settings import describe_invalid, load_settings
    from scheduler.config import SchedulerSettings

    if args:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        SchedulerSettings()  # read again when the scheduler starts; checked here first
    except ValidationError as exc:
        print(describe_invalid(exc), file=sys.stderr)
        return 2
    if not settings.token:
        lang = settings.default_language
        print(tb(lang, "No TELEGRAM_BOT_TOKEN is set, so the bot cannot connect to Telegram."))
        print(
            tb(
                lang,
                "To get a token: open https://t.me/BotFather in Telegram, send /newbot, follow "
                "the steps, and put the token in .env as TELEGRAM_BOT_TOKEN=… (see .env.example).",
            )
        )
        print(tb(lang, "Starting the local demo instead."), flush=True)
        from bot.demo import main_demo

        return main_demo([])
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    configure_logging(
        settings.log_level, secrets=[settings.token, secret], fmt=settings.log_format
    )
    from bot.app import run
    from knowledge.loader import KnowledgeError

    try:
        run(settings)
    except KnowledgeError as exc:
        print(f"knowledge base is invalid ({len(exc.problems)} problems):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
