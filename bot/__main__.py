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
        from kl44 import main_demo

        return main_demo(args)
    if command == "run":
        return main_run(args)
    print(USAGE, file=sys.stderr)
    return 2


def main_run(args: list[str]) -> int:
    if args:
        print(USAGE, file=sys.stderr)
        return 2
    # The whole bot is wired one layer up, in the entry module kl44.py (it imports every
    # handler, which bot/ must not): this and ``demo`` are the one hand-over upwards.
    from kl44 import main_run as run_the_bot

    return run_the_bot()


if __name__ == "__main__":
    raise SystemExit(main())
